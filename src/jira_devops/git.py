"""Running git: the one place that starts git processes and turns their failures into :class:`GitError`.

Higher-level reading of a repository (ranges, streamed logs, shallow clones) builds on :func:`run_git`.
"""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Optional, Union

from jira_devops.errors import GitError

GIT_TIMEOUT_SECONDS = 120.0


def run_git(args: Sequence[str], cwd: Union[str, Path], *, timeout: float = GIT_TIMEOUT_SECONDS,
            input_text: Optional[str] = None) -> str:
    """Run ``git ARGS`` in ``cwd`` and return its standard output (decoded leniently, stripped of the
    final newline); raise :class:`GitError` with git's own first error line when it fails."""
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, timeout=timeout, check=False,
                              input=input_text.encode() if input_text is not None else None)
    except FileNotFoundError:
        raise GitError("git is not installed or not on PATH", hint="install git, or pass --issue-key") from None
    except subprocess.TimeoutExpired:
        raise GitError(f"git {args[0]} took longer than {timeout:.0f}s") from None
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(f"git {args[0]} failed: {reason[0] if reason else f'exit {done.returncode}'}")
    return done.stdout.decode("utf-8", "replace").rstrip("\n")


def try_git(args: Sequence[str], cwd: Union[str, Path], *, timeout: float = GIT_TIMEOUT_SECONDS) -> Optional[str]:
    """Like :func:`run_git`, but ``None`` when git fails or prints nothing (for facts that may be absent)."""
    try:
        text = run_git(args, cwd, timeout=timeout).strip()
    except GitError:
        return None
    return text or None
