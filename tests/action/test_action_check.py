"""action.yml with ``command: check`` against the emulator: the credentials' permissions, nothing written."""

from __future__ import annotations

import json

import pytest

from conftest import RunnerFactory
from support.emulator import RunningEmulator

pytestmark = pytest.mark.wrappers


def test_command_check_reports_the_permissions_and_writes_nothing(make_runner: RunnerFactory,
                                                                 emulator: RunningEmulator) -> None:
    secret = emulator.secret_file.read_text(encoding="utf-8").strip()
    run = make_runner().run({"command": "check", "api-url": emulator.url, "client-id": emulator.client_id,
                             "client-secret": secret, "timeout": "10"})
    assert run.outcome == "success", run.text()
    assert run.outputs["exit-code"] == "0"
    result = json.loads(run.outputs["result-json"])
    assert result["ok"] is True
    assert result["permissions"] == {"builds": True, "deployments": True, "devinfo": True, "featureflags": True}
    assert emulator.state()["builds"] == [] and emulator.state()["deployments"] == []
    assert not any(secret in value for value in run.outputs.values())
