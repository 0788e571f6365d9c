"""The token endpoint and bearer checks answer as api.atlassian.com does."""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from support.cli import run_cli
from support.emulator import RunningEmulator
from support.emulator_api import EmulatorApi, build_item
from support.gitrepo import make_repo


def _secret(emulator: RunningEmulator) -> str:
    return emulator.secret_file.read_text(encoding="utf-8").strip()


def test_token_from_a_json_body(emulator: RunningEmulator) -> None:
    response = httpx.post(f"{emulator.url}/oauth/token", json={
        "audience": "api.atlassian.com", "grant_type": "client_credentials",
        "client_id": emulator.client_id, "client_secret": _secret(emulator)})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access_token", "expires_in", "token_type", "scope"}
    assert body["expires_in"] == 3600
    assert body["token_type"] == "Bearer"


def test_token_from_a_form_body_without_audience(emulator: RunningEmulator) -> None:
    response = httpx.post(f"{emulator.url}/oauth/token", data={
        "grant_type": "client_credentials", "client_id": emulator.client_id, "client_secret": _secret(emulator)})
    assert response.status_code == 200
    assert response.json()["access_token"]


def test_wrong_secret_is_401_with_the_oauth_error_shape(emulator: RunningEmulator) -> None:
    response = httpx.post(f"{emulator.url}/oauth/token", json={
        "audience": "api.atlassian.com", "grant_type": "client_credentials",
        "client_id": emulator.client_id, "client_secret": "wrong"})
    assert response.status_code == 401
    assert response.json() == {"error": "access_denied", "error_description": "Unauthorized"}


def test_other_grant_types_are_refused(emulator: RunningEmulator) -> None:
    response = httpx.post(f"{emulator.url}/oauth/token", json={
        "audience": "api.atlassian.com", "grant_type": "password", "client_id": emulator.client_id})
    assert response.status_code == 400
    assert response.json()["error"] == "unsupported_grant_type"


def test_json_body_without_audience_is_refused(emulator: RunningEmulator) -> None:
    response = httpx.post(f"{emulator.url}/oauth/token", json={
        "grant_type": "client_credentials", "client_id": emulator.client_id, "client_secret": _secret(emulator)})
    assert response.status_code == 400
    assert set(response.json()) == {"error", "error_description"}


def test_missing_token_is_401_with_jiras_body(api: EmulatorApi) -> None:
    response = api.http.post(api.path("builds", "/bulk"), json={"builds": [build_item()]})
    assert response.status_code == 401
    assert response.json() == {"code": 401, "message": "Unauthorized"}


def test_unknown_token_is_401(api: EmulatorApi) -> None:
    response = api.call("POST", "builds", "/bulk", json={"builds": [build_item()]}, token="made-up")
    assert response.status_code == 401
    assert response.json() == {"code": 401, "message": "Unauthorized"}


def test_revoked_token_is_401(api: EmulatorApi) -> None:
    assert api.submit("builds", build_item()).status_code == 202
    api.emulator.revoke_tokens()
    assert api.submit("builds", build_item()).status_code == 401


def test_request_log_redacts_the_secret_and_never_holds_tokens(api: EmulatorApi) -> None:
    api.submit("builds", build_item())
    log = api.emulator.requests()
    text = json.dumps(log)
    assert _secret(api.emulator) not in text
    assert api.token not in text
    token_request = next(entry for entry in log if entry["path"] == "/oauth/token")
    assert token_request["body"]["client_secret"] == "***"
    submit = next(entry for entry in log if entry["path"].endswith("/bulk"))
    assert submit["authorized"] is True
    assert submit["status"] == 202
    assert submit["body"]["builds"][0]["buildNumber"] == 1


def test_cli_fetches_a_new_token_once_after_revocation(emulator: RunningEmulator, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", ("ABC-5 change",))
    args = ("report-build", "--ci", "generic", "--state", "successful", "--url", "https://ci.example.com/1")
    assert run_cli(*args, "--build-number", "1", env=emulator.env(tmp_path), cwd=repo).returncode == 0
    emulator.revoke_tokens()
    done = run_cli(*args, "--build-number", "2", env=emulator.env(tmp_path), cwd=repo)
    assert done.returncode == 0, done.stderr
    assert emulator.state()["tokens_issued"] == 2
    statuses = [entry["status"] for entry in emulator.requests() if entry["path"].endswith("/bulk")]
    assert statuses == [202, 401, 202]


def test_cli_with_a_wrong_secret_exits_3_in_one_line(emulator: RunningEmulator, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", ("ABC-5 change",))
    wrong = tmp_path / "wrong-secret"
    wrong.write_text("not-the-secret-at-all\n", encoding="utf-8")
    env = {**emulator.env(tmp_path), "JIRA_CLIENT_SECRET_FILE": str(wrong)}
    done = run_cli("report-build", "--ci", "generic", "--state", "successful", "--build-number", "1",
                   "--url", "https://ci.example.com/1", env=env, cwd=repo)
    assert done.returncode == 3
    assert done.stderr.strip().splitlines()[-1].startswith("error: Jira refused the OAuth credentials")
    assert "Traceback" not in done.stderr
    assert "not-the-secret-at-all" not in done.stdout + done.stderr
