"""A pytest plugin (loaded for the whole suite from pyproject's addopts): each test gets private state dirs.

Reports that cannot be delivered go to the outbox under ``$XDG_STATE_HOME``; without this, one test's
outboxed report would land in the user's real state dir and be delivered first by a later test.
"""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _private_state_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    state = tmp_path_factory.mktemp("state")
    monkeypatch.setenv("XDG_STATE_HOME", str(state))
    monkeypatch.delenv("JIRA_DEVOPS_OUTBOX", raising=False)
    return state
