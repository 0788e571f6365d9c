"""The emulator does not fall over: bounded request log, stalled clients dropped, secrets never logged,
other sites' pages refused (DNS rebinding), client resets without tracebacks."""

from __future__ import annotations

import json
import socket
import struct
import time
from pathlib import Path

import httpx
import pytest

from jira_devops.emulator.config import is_local_host_name
from jira_devops.emulator.state import MAX_LOGGED_BODY_TOTAL, EmulatorState
from support.emulator import RunningEmulator, start_emulator
from support.emulator_api import EmulatorApi, build_item


def _address(emulator: RunningEmulator) -> tuple[str, int]:
    host, port = emulator.url.removeprefix("http://").rsplit(":", maxsplit=1)
    return host, int(port)


def test_bodies_of_unknown_routes_are_not_kept_in_the_log(emulator: RunningEmulator) -> None:
    big = b'{"blob": "' + b"x" * (2 * 1024 * 1024) + b'"}'
    for path in ("/steal", "/jira/builds/0.1/cloud/nope/bulk"):
        response = httpx.post(f"{emulator.url}{path}", content=big, headers={"Content-Type": "application/json"})
        assert response.status_code in (401, 404)
    small = httpx.post(f"{emulator.url}/anything", json={"note": "small"})
    assert small.status_code == 404
    log = emulator.requests()
    assert [(entry["path"], entry["body"], entry["bodyBytes"]) for entry in log] == [
        ("/steal", None, len(big)), ("/jira/builds/0.1/cloud/nope/bulk", None, len(big)),
        ("/anything", None, len(b'{"note":"small"}'))]


def test_the_log_keeps_bodies_up_to_a_total_budget() -> None:
    state = EmulatorState()
    size = MAX_LOGGED_BODY_TOTAL // 4
    for number in range(10):
        state.log_request({"path": "/jira/x", "body": {"n": number}, "bodyBytes": size})
    kept = [entry["body"]["n"] for entry in state.requests if entry["body"] is not None]
    assert kept == [6, 7, 8, 9], "the newest bodies stay, the oldest are dropped"
    assert len(state.requests) == 10, "the entries themselves stay"


def test_a_client_that_stops_sending_is_dropped(tmp_path: Path) -> None:
    with start_emulator(tmp_path, "--read-timeout", "0.5") as running:
        half_sent = [b"POST /jira/builds/0.1/cloud/x/bulk HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n{",
                     b"GET /_edge/tenant_info HTTP/1.1\r\nHo", b"GET /_edge/ten"]
        for data in half_sent:
            with socket.create_connection(_address(running), timeout=10) as client:
                client.sendall(data)
                started = time.monotonic()
                assert client.recv(1024) == b"", "the emulator closed the connection"
                assert time.monotonic() - started < 8
        assert httpx.get(f"{running.url}/_edge/tenant_info").status_code == 200
        running.stop()
        assert "Traceback" not in running.log_file.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", ["/oauth/token/", "/oauth/token//", "/oauth/token/x", "/steal/oauth/token"])
def test_client_secret_is_never_logged_whatever_the_path(api: EmulatorApi, path: str) -> None:
    secret = "s3cret-on-a-side-path"
    api.http.post(path, json={"grant_type": "client_credentials", "client_id": "c", "client_secret": secret})
    api.http.post(path, data={"grant_type": "client_credentials", "client_id": "c", "client_secret": secret})
    log = api.emulator.requests()
    assert secret not in json.dumps(log)
    assert [entry["path"] for entry in log if entry["path"] == path] == [path, path]
    for entry in log:
        if entry["path"] == path and entry["body"] is not None:
            assert entry["body"]["client_secret"] == "***"


@pytest.mark.parametrize("host", ["attacker.invalid", "attacker.invalid:80", "127.0.0.1.attacker.invalid"])
def test_other_host_names_are_refused(emulator: RunningEmulator, host: str) -> None:
    api = EmulatorApi(emulator)
    api.submit("builds", build_item())
    for path in ("/_emulator/requests", "/", "/_page/panels", "/_edge/tenant_info"):
        response = httpx.get(f"{emulator.url}{path}", headers={"Host": host})
        assert response.status_code == 421, path
        assert "acme/app" not in response.text
    api.close()


@pytest.mark.parametrize("host", ["localhost", "LOCALHOST:1234", "127.0.0.1", "[::1]:80", "shop.localhost"])
def test_loopback_host_names_are_answered(emulator: RunningEmulator, host: str) -> None:
    assert httpx.get(f"{emulator.url}/_emulator/requests", headers={"Host": host}).status_code == 200


def test_the_name_given_with_host_is_answered() -> None:
    every_interface = "0.0.0.0"  # noqa: S104 - the value of --host, not a binding
    assert is_local_host_name("ci-box.internal", "ci-box.internal")
    assert not is_local_host_name("attacker.invalid", "ci-box.internal")
    assert is_local_host_name("10.1.2.3", every_interface)
    assert not is_local_host_name("attacker.invalid", every_interface)
    assert not is_local_host_name("10.1.2.3", "127.0.0.1")


def test_client_resets_print_no_traceback(tmp_path: Path) -> None:
    with start_emulator(tmp_path) as running:
        for data in (b"GET /_edge/tenant_info HTTP/1.1\r\nHo", b"POST /oauth/token HTTP/1.1\r\n"
                     b"Host: 127.0.0.1\r\nContent-Length: 50\r\n\r\n{"):
            client = socket.create_connection(_address(running), timeout=10)
            client.sendall(data)
            time.sleep(0.2)
            client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            client.close()  # a reset, not a clean close
        time.sleep(0.5)
        assert httpx.get(f"{running.url}/_edge/tenant_info").status_code == 200
        assert running.stop() == 0
        log = running.log_file.read_text(encoding="utf-8")
        assert "Traceback" not in log
        assert "Connection reset" not in log
