"""Real git repositories with crafted history (tags, merges, raw message bytes, shallow clones) in tmp dirs."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Optional

_ENV = {
    "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.com",
    "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.com",
    "GIT_CONFIG_NOSYSTEM": "1", "GIT_TERMINAL_PROMPT": "0",
}


class GitRepo:
    """A repository under ``path``, changed by running git for real."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._tick = 0

    @classmethod
    def init(cls, path: Path, branch: str = "main") -> GitRepo:
        """A new, empty repository with ``branch`` checked out."""
        path.mkdir(parents=True, exist_ok=True)
        repo = cls(path)
        repo.git("init", "-q", "-b", branch)
        return repo

    def _env(self) -> dict[str, str]:
        # Commit dates step one minute per commit, so history order is the order of creation.
        date = f"@{1_700_000_000 + self._tick * 60} +0000"
        return {**os.environ, **_ENV, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date,
                "HOME": str(self.path.parent)}

    def git(self, *args: str, stdin: Optional[bytes] = None) -> str:
        """Run git here; its stdout, stripped."""
        done = subprocess.run(["git", *args], cwd=self.path, env=self._env(), input=stdin, capture_output=True,
                              check=False)
        if done.returncode != 0:
            raise AssertionError(f"git {' '.join(args)} failed: {done.stderr.decode(errors='replace')}")
        return done.stdout.decode("utf-8", "replace").strip()

    def commit(self, message: str = "change", *, raw: Optional[bytes] = None) -> str:
        """An empty commit with ``message``, or with the message bytes ``raw`` stored exactly as given
        (``git commit`` would re-encode bytes that are not UTF-8); returns its SHA."""
        self._tick += 1
        if raw is None:
            self.git("commit", "-q", "--allow-empty", "--cleanup=verbatim", "-F", "-", stdin=message.encode())
            return self.head()
        tree = self.git("hash-object", "-t", "tree", "-w", "--stdin", stdin=b"")
        parent = self.git("rev-parse", "--verify", "--quiet", "HEAD^{commit}") if self._has_head() else ""
        stamp = f"Test <test@example.com> {1_700_000_000 + self._tick * 60} +0000"
        header = f"tree {tree}\n" + (f"parent {parent}\n" if parent else "") + f"author {stamp}\ncommitter {stamp}\n\n"
        sha = self.git("hash-object", "-t", "commit", "-w", "--stdin", stdin=header.encode() + raw)
        self.git("update-ref", "HEAD", sha)
        return sha

    def _has_head(self) -> bool:
        done = subprocess.run(["git", "rev-parse", "--verify", "--quiet", "HEAD"], cwd=self.path, capture_output=True,
                              check=False)
        return done.returncode == 0

    def head(self) -> str:
        """HEAD's SHA."""
        return self.git("rev-parse", "HEAD")

    def merge(self, branch: str, message: str) -> str:
        """A merge commit (never fast-forward) of ``branch`` into the current branch."""
        self._tick += 1
        self.git("merge", "-q", "--no-ff", "-m", message, branch)
        return self.head()

    def tag(self, name: str, rev: str = "HEAD") -> None:
        """A lightweight tag."""
        self.git("tag", name, rev)

    def clone(self, target: Path, *args: str) -> GitRepo:
        """``git clone ARGS file://<this> target`` (file:// so that --depth really makes a shallow clone)."""
        subprocess.run(["git", "clone", "-q", *args, self.path.as_uri(), str(target)], capture_output=True,
                       check=True, env={**os.environ, **_ENV})
        return GitRepo(target)
