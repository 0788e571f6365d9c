"""Fixtures for the security tests: a hostile server on loopback, and a report run against it."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import pytest

from support.cli import run_cli
from support.core_http import SECRET
from support.gitrepo import make_repo
from support.hostile_server import CLOUD_ID, HostileServer


@pytest.fixture(scope="module")
def hostile() -> Iterator[HostileServer]:
    """One hostile server for the module; its log is cleared before each test that asks for a run."""
    with HostileServer() as server:
        yield server


@dataclass
class Run:
    """One CLI run against the hostile server, and where its report should be."""

    done: subprocess.CompletedProcess[str]
    elapsed: float
    outbox: Path
    paths: list[str]

    def kept(self) -> list[Path]:
        """The pending outbox entries."""
        return sorted(self.outbox.glob("*.json")) if self.outbox.is_dir() else []

    def rejected(self) -> list[Path]:
        """The entries moved to ``rejected/``."""
        folder = self.outbox / "rejected"
        return sorted(folder.glob("*.json")) if folder.is_dir() else []


def hostile_env(server: HostileServer, mode: str, tmp_path: Path, **extra: str) -> dict[str, str]:
    """Settings that point a run at the server's ``mode``, with a private cache and outbox."""
    return {
        "JIRA_DEVOPS_API_URL": f"{server.url}/{mode}",
        "JIRA_CLIENT_ID": "client-1",
        "JIRA_CLIENT_SECRET": SECRET,
        "JIRA_CLOUD_ID": CLOUD_ID,
        "JIRA_DEVOPS_CACHE_DIR": str(tmp_path / "cache"),
        "JIRA_DEVOPS_OUTBOX": str(tmp_path / "outbox"),
        **extra,
    }


def report_build(server: HostileServer, mode: str, tmp_path: Path, *flags: str, timeout: str = "3",
                 env: Optional[dict[str, str]] = None) -> Run:
    """``report-build`` of build 1 (issue ABC-3) against the server's ``mode``."""
    repo = tmp_path / "repo"
    if not repo.exists():
        make_repo(repo, ("ABC-3 change",))
    server.log.clear()
    started = time.monotonic()
    done = run_cli("report-build", "--ci", "generic", "--state", "successful", "--build-number", "1",
                   "--url", "https://ci.example.com/1", "--timeout", timeout, *flags,
                   env={**hostile_env(server, mode, tmp_path), **(env or {})}, cwd=repo, timeout=120)
    return Run(done, time.monotonic() - started, tmp_path / "outbox", server.paths())
