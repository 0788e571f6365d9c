"""Real repositories for the deploy-history tests: a bare remote and clones of it, all in a temp dir."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Optional

import pytest

from jira_devops.history.git import run_git

IDENTITY = ("-c", "user.name=Dev", "-c", "user.email=dev@example.com", "-c", "commit.gpgsign=false")


def git(repo: Path, *args: str) -> str:
    """Run git in ``repo`` with a fixed identity; its output."""
    return run_git([*IDENTITY, *args], repo)


class Origin:
    """A bare remote with a working clone (``work``) where commits are made and pushed."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.bare = root / "origin.git"
        self.bare.mkdir()
        git(self.bare, "init", "-q", "--bare", "-b", "main")
        # file:// so that shallow clones really are shallow (git ignores --depth for plain local paths)
        self.url = self.bare.resolve().as_uri()
        self.work = self.clone("work")

    def clone(self, name: str, *, depth: Optional[int] = None) -> Path:
        """A fresh clone of the remote, shallow when ``depth`` is given."""
        target = self.root / name
        args = ["clone", "-q"] + ([f"--depth={depth}"] if depth else []) + [self.url, str(target)]
        git(self.root, *args)
        return target

    def commit(self, message: str, *, push: bool = True) -> str:
        """An empty commit on ``main`` in the working clone (pushed by default); its id."""
        git(self.work, "commit", "-q", "--allow-empty", "-m", message)
        if push:
            git(self.work, "push", "-q", "origin", "HEAD:main")
        return git(self.work, "rev-parse", "HEAD")

    def commits(self, count: int, prefix: str = "change") -> list[str]:
        """``count`` empty commits on ``main`` in one git process (pushed together); ids, oldest first."""
        parent = git(self.work, "rev-parse", "HEAD")
        stream = []
        for index in range(count):
            message = f"{prefix} {index}\n"
            stream.append(f"commit refs/heads/main\ncommitter Dev <dev@example.com> {1_700_000_000 + index} +0000\n"
                          f"data {len(message.encode())}\n{message}" + (f"from {parent}\n" if index == 0 else "")
                          + "\n")
        subprocess.run(["git", "fast-import", "--quiet"], cwd=self.work, input="".join(stream).encode(), check=True,
                       capture_output=True, timeout=60)
        git(self.work, "reset", "-q", "--hard", "main")
        git(self.work, "push", "-q", "origin", "HEAD:main")
        return git(self.work, "rev-list", "--reverse", f"{parent}..HEAD").split()

    def remote_ref(self, ref: str) -> Optional[str]:
        """What ``ref`` points at on the remote, or ``None``."""
        listing = git(self.root, "ls-remote", self.url, ref)
        return listing.split("\t", 1)[0] if listing else None

    @staticmethod
    def git(repo: Path, *args: str) -> str:
        """Run git in ``repo`` (tests read and change their clones through this)."""
        return git(repo, *args)

    @staticmethod
    def between(repo: Path, base: str, head: str) -> list[str]:
        """The commit ids of ``base..head`` in ``repo``, oldest first."""
        listing = git(repo, "rev-list", "--reverse", f"{base}..{head}")
        return listing.split() if listing else []

    def reject_pushes(self, prefix: str = "refs/jira-devops/") -> None:
        """Make the remote refuse every push to refs under ``prefix`` (``receive.hideRefs``: a hidden ref cannot
        be pushed to). A hook would not do: jira-devops runs git with hooks off, and over file:// the remote's
        receive-pack inherits that."""
        git(self.bare, "config", "receive.hideRefs", prefix.rstrip("/"))


@pytest.fixture
def origin(tmp_path: Path) -> Origin:
    """A bare remote and a working clone with one first commit on ``main``."""
    remote = Origin(tmp_path)
    remote.commit("initial commit")
    return remote

