"""Fixtures shared by every test area: one emulator process per session, reset before each test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from support.emulator import RunningEmulator, start_emulator


@pytest.fixture(scope="session")
def _emulator_process(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningEmulator]:
    running = start_emulator(tmp_path_factory.mktemp("emulator"))
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def emulator(_emulator_process: RunningEmulator) -> RunningEmulator:
    """The session's emulator, with nothing reported, no tokens, faults or gate rules."""
    _emulator_process.reset()
    return _emulator_process
