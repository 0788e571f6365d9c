"""The emulator as a process: flags, the state file, clean exits on signals, bad input, and the demo."""

from __future__ import annotations

import signal
import socket
import stat
import time
from pathlib import Path

import httpx
import pytest

from support.cli import run_cli
from support.emulator import start_emulator
from support.emulator_api import EmulatorApi, build_item, deployment_item


def test_state_file_keeps_reports_tokens_and_cloud_id_across_restarts(tmp_path: Path) -> None:
    state_file = tmp_path / "state" / "jira.json"
    with start_emulator(tmp_path / "first", "--state-file", str(state_file)) as first:
        api = EmulatorApi(first)
        api.submit("builds", build_item(5, keys=("ABC-5",)), properties={"run": "r1"})
        cloud_id, token = api.cloud_id, api.token
        api.close()
        assert first.stop() == 0
    assert stat.S_IMODE(state_file.stat().st_mode) == 0o600
    with start_emulator(tmp_path / "second", "--state-file", str(state_file)) as second:
        api = EmulatorApi(second)
        assert api.cloud_id == cloud_id
        response = api.call("GET", "builds", api.build_path("acme/app", 5), token=token)
        assert response.status_code == 200
        assert response.json()["buildNumber"] == 5
        assert api.call("DELETE", "builds", "/bulkByProperties", params={"run": "r1"}).status_code == 202
        assert second.state()["builds"] == []
        api.close()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_signals_stop_it_cleanly(tmp_path: Path, signum: int) -> None:
    running = start_emulator(tmp_path)
    running.process.send_signal(signum)
    assert running.process.wait(timeout=10) == 0
    log = running.log_file.read_text(encoding="utf-8")
    assert "emulator stopped" in log
    assert "Traceback" not in log


def test_flags_set_projects_client_id_and_gate_decision(tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.write_text("s3cret-of-the-flags-test\n", encoding="utf-8")
    with start_emulator(tmp_path, "--projects", "ZZZ,Q2", "--client-id", "custom-id",
                        "--client-secret-file", str(secret), "--gate-decision", "awaiting:1") as running:
        assert running.client_id == "custom-id"
        api = EmulatorApi(running)
        body = api.submit("builds", build_item(1, keys=("ZZZ-1", "ABC-1"))).json()
        assert body["unknownIssueKeys"] == ["ABC-1"]
        api.submit("deployments", deployment_item(1, keys=("Q2-3",), services=("svc",), gated=True))
        gate = api.deployment_path("acme/app", "production", 1) + "/gating-status"
        decisions = [api.call("GET", "deployments", gate).json()["gatingStatus"] for _ in range(2)]
        assert decisions == ["awaiting", "allowed"]
        api.close()


def test_fail_rate_and_latency_apply_to_the_api(tmp_path: Path) -> None:
    with start_emulator(tmp_path, "--fail-rate", "1", "--latency", "0.3") as running:
        api = EmulatorApi(running)
        assert api.submit("builds", build_item()).status_code == 503
        with pytest.raises(httpx.TimeoutException):
            api.http.get("/_edge/tenant_info", timeout=0.05)
        api.close()


def test_tokens_expire_after_their_lifetime(tmp_path: Path) -> None:
    with start_emulator(tmp_path, "--token-lifetime", "1") as running:
        api = EmulatorApi(running)
        token = api.http.post("/oauth/token", data={
            "grant_type": "client_credentials", "client_id": running.client_id,
            "client_secret": running.secret_file.read_text(encoding="utf-8").strip()}).json()
        assert token["expires_in"] == 1
        assert api.submit("builds", build_item()).status_code == 202
        time.sleep(1.1)
        assert api.submit("builds", build_item()).status_code == 401
        api.close()


@pytest.mark.parametrize(("args", "message"), [
    (("--gate-decision", "maybe"), "error: --gate-decision"),
    (("--projects", "abc"), "error: --projects: 'abc' is not a Jira project key"),
    (("--client-secret-file", "missing-file"), "error: cannot read the client secret file"),
    (("--fail-rate", "2"), "error: --fail-rate"),
    (("--permissions", "builds,wiki"), "error: --permissions: 'wiki' is not a permission"),
    (("--read-timeout", "0"), "error: --read-timeout"),
])
def test_bad_flags_exit_2_with_one_line(tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    done = run_cli("emulator", *args, cwd=tmp_path, timeout=30)
    assert done.returncode == 2
    assert done.stderr.strip().startswith(message)
    assert len(done.stderr.strip().splitlines()) == 1
    assert done.stdout == ""


def test_port_in_use_exits_2(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = run_cli("emulator", "--port", str(port), cwd=tmp_path, timeout=30)
    assert done.returncode == 2
    assert done.stderr.startswith(f"error: cannot listen on 127.0.0.1:{port}")


def test_demo_reports_a_build_and_a_deployment_from_anywhere(tmp_path: Path) -> None:
    done = run_cli("demo", cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "accepted: build" in done.stdout
    assert "accepted: deployment" in done.stdout
    for key in ("DEMO-1", "DEMO-2", "DEMO-3"):
        assert f"{key}: build #2 of shop: successful; deployment #2 to production: successful" in done.stdout
    assert "base: the CI's previous successful commit (Jenkins)" in done.stdout
    assert "DEMO-4: nothing from this run (its commit was in the previous successful build)" in done.stdout
    assert "DEMO-4: build" not in done.stdout
    assert "accepted: repository example.com~acme~shop (commits: 2, branches: 1)" in done.stdout
    assert "branch feature/DEMO-3-sign-in; feature flag new-sign-in: on" in done.stdout
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("content", ["not json", '{"builds": [1]}'])
def test_state_file_that_is_not_ours_exits_2(tmp_path: Path, content: str) -> None:
    state_file = tmp_path / "state.json"
    state_file.write_text(content, encoding="utf-8")
    done = run_cli("emulator", "--state-file", str(state_file), cwd=tmp_path, timeout=30)
    assert done.returncode == 2
    assert done.stderr.startswith(f"error: cannot read the state file {state_file}")
    assert "Traceback" not in done.stderr


def test_a_settings_file_in_the_folder_is_not_read(tmp_path: Path) -> None:
    (tmp_path / ".jira-devops.yml").write_text("not_a_setting: 1\n", encoding="utf-8")
    done = run_cli("emulator", "--fail-rate", "2", cwd=tmp_path, timeout=30)
    assert done.returncode == 2
    assert done.stderr.startswith("error: --fail-rate")
