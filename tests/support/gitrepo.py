"""Make real git repositories in temporary folders for end-to-end tests."""

from __future__ import annotations

import subprocess
from pathlib import Path

_IDENTITY = ("-c", "user.name=Test Author", "-c", "user.email=author@example.com", "-c", "commit.gpgsign=false")


def git(repo: Path, *args: str) -> str:
    """Run git in ``repo`` and return its stripped stdout (raises on failure)."""
    done = subprocess.run(["git", *_IDENTITY, *args], cwd=repo, capture_output=True, text=True, check=True,
                          timeout=30)
    return done.stdout.strip()


def make_repo(path: Path, messages: tuple[str, ...] = ("ABC-1 first change",), *, branch: str = "main",
              remote: str = "https://github.com/acme/app.git") -> Path:
    """A repository at ``path`` on ``branch`` with one empty commit per message, and an origin remote."""
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", branch)
    for message in messages:
        git(path, "commit", "-q", "--allow-empty", "-m", message)
    if remote:
        git(path, "remote", "add", "origin", remote)
    return path
