"""The token endpoint and bearer checks answer as api.atlassian.com does."""

from __future__ import annotations

import json

import httpx

from support.emulator import RunningEmulator
from support.emulator_api import EmulatorApi, build_item


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
