"""Fixtures for the CI detection tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from support.ci_snapshots import load_snapshot


@pytest.fixture
def snapshot(tmp_path: Path) -> Callable[[str], dict[str, str]]:
    """Load an environment snapshot by name; files it names live in this test's tmp folder."""

    def load(name: str) -> dict[str, str]:
        return load_snapshot(name, tmp_path)

    return load
