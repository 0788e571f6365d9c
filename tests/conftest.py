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


# Under pytest-xdist, test files are handed to the workers in collection order; the areas whose files
# take longest (a groovy run of a module's Jenkins scenarios, pip installs, fault injection over real
# time-outs) go first, so the short files fill in at the end instead of one worker finishing alone.
_SLOW_AREAS = ("tests/jenkins/", "tests/action/", "tests/reliability/", "tests/security/", "tests/e2e/")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """In a parallel run, the slow areas' files first (a stable sort: each file's tests stay in order)."""
    if config.getoption("dist", "no") == "no":
        return

    def area(item: pytest.Item) -> int:
        return next((rank for rank, prefix in enumerate(_SLOW_AREAS) if item.nodeid.startswith(prefix)),
                    len(_SLOW_AREAS))

    items.sort(key=area)
