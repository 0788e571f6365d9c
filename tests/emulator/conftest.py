"""Fixtures of the emulator's own tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from support.emulator import RunningEmulator
from support.emulator_api import EmulatorApi


@pytest.fixture
def api(emulator: RunningEmulator) -> Iterator[EmulatorApi]:
    """A client of the (reset) session emulator holding a fresh token."""
    client = EmulatorApi(emulator)
    try:
        yield client
    finally:
        client.close()
