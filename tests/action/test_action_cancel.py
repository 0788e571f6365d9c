"""A cancelled run: the step stops waiting on the gate cleanly and still writes its outputs."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from support.cli import start_cli
from support.emulator import RunningEmulator
from support.gha_runner import read_outputs
from support.gitrepo import make_repo


def test_cancelling_a_gate_wait_exits_130_with_outputs(tmp_path: Path, emulator: RunningEmulator) -> None:
    emulator.gate("awaiting", awaiting_polls=100000)
    repo = make_repo(tmp_path / "repo", ("OPS-7 rotate the keys",))
    output = tmp_path / "output"
    env = {
        **emulator.env(tmp_path), "GITHUB_OUTPUT": str(output),
        "JIRA_DEVOPS_INPUT_COMMAND": "deploy", "JIRA_DEVOPS_INPUT_ENVIRONMENT": "production",
        "JIRA_DEVOPS_INPUT_GATE": "true", "JIRA_DEVOPS_INPUT_SERVICE_IDS": "svc-1",
        "JIRA_DEVOPS_INPUT_GATE_POLL": "0.2s", "JIRA_DEVOPS_INPUT_GATE_TIMEOUT": "5m",
        "JIRA_DEVOPS_INPUT_DEPLOYMENT_NUMBER": "1", "JIRA_DEVOPS_INPUT_URL": "https://ci.example.com/1",
    }
    process = start_cli(module="jira_devops.wrappers.github_action", cwd=repo, env=env, merge_stderr=True,
                        start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        while not any(r["path"].endswith("/gating-status") for r in emulator.requests()):
            assert time.monotonic() < deadline, "the step never polled the gate"
            time.sleep(0.1)
        os.killpg(process.pid, signal.SIGINT)  # what the runner does to the step's processes on cancel
        log, _ = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 130, log
    assert "Traceback" not in log
    assert read_outputs(output)["exit-code"] == "130"
