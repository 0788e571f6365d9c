"""Only loopback clients may use the control endpoints."""

from __future__ import annotations

import pytest

from jira_devops.emulator.server import is_loopback


@pytest.mark.parametrize("address", ["127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1"])
def test_loopback_addresses_are_recognised(address: str) -> None:
    assert is_loopback(address)


@pytest.mark.parametrize("address", ["10.0.0.1", "192.168.1.2", "2001:db8::1", "::ffff:10.0.0.1", "", "host"])
def test_other_addresses_are_not_loopback(address: str) -> None:
    assert not is_loopback(address)
