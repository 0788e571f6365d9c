"""The client secret and access tokens never reach output, logs or error messages, even with --debug."""

from __future__ import annotations

import logging
from pathlib import Path

import httpx
import pytest
import respx

from jira_devops.cli.app import main
from jira_devops.errors import ExitCode
from support.core_http import API, SECRET, TOKEN, builds_url
from support.gitrepo import make_repo


@pytest.fixture
def keyed_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = make_repo(tmp_path / "repo", ("x",), branch="ABC-1-work", remote="")
    monkeypatch.chdir(folder)
    for name in ("JIRA_SITE", "JIRA_CLOUD_ID", "GITHUB_ACTIONS", "JENKINS_URL", "CI"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("JIRA_CLIENT_ID", "client-1")
    monkeypatch.setenv("JIRA_CLIENT_SECRET", SECRET)
    monkeypatch.setenv("JIRA_DEVOPS_API_URL", API)
    monkeypatch.setenv("JIRA_DEVOPS_CACHE_DIR", str(tmp_path / "cache"))
    return folder


ARGS = ["report-build", "--debug", "--state", "failed", "--build-number", "9", "--url", "https://ci.example.test/9",
        "--pipeline-id", "p", "--ci", "generic"]


def _assert_clean(text: str) -> None:
    assert SECRET not in text
    assert TOKEN not in text


def test_refused_credentials_that_echo_the_secret_stay_redacted(keyed_repo: Path, capsys: pytest.CaptureFixture[str],
                                                                caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with respx.mock(base_url=API) as router:
        router.get("/_edge/tenant_info").respond(200, json={"cloudId": "0f1e2d3c-aaaa-bbbb-cccc-000000000001"})
        router.post("/oauth/token").respond(401, json={"error": "access_denied",
                                                       "error_description": f"bad secret {SECRET}"})
        code = main(ARGS)
    captured = capsys.readouterr()
    assert code == ExitCode.AUTH
    assert "error:" in captured.err
    _assert_clean(captured.out + captured.err + caplog.text)


def test_a_rejection_that_echoes_the_token_stays_redacted(keyed_repo: Path, capsys: pytest.CaptureFixture[str],
                                                          caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with respx.mock(base_url=API) as router:
        router.post("/oauth/token").respond(200, json={"access_token": TOKEN, "expires_in": 3600})
        router.get("/_edge/tenant_info").respond(200, json={"cloudId": "0f1e2d3c-aaaa-bbbb-cccc-000000000001"})
        router.post(builds_url()).mock(return_value=httpx.Response(
            400, json={"errors": [{"message": f"token Bearer {TOKEN} is odd"}]}))
        code = main(ARGS)
    captured = capsys.readouterr()
    assert code != ExitCode.OK
    assert "is odd" in captured.err
    _assert_clean(captured.out + captured.err + caplog.text)
    for path in (keyed_repo.parent / "cache").rglob("*"):
        if path.is_file():
            assert SECRET not in path.read_text()


def test_a_secret_given_as_a_flag_is_refused_without_echoing_it(keyed_repo: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    for flags in (["--client-secret", SECRET], [f"--client-secret={SECRET}"], ["--client-secre", SECRET]):
        code = main([*ARGS, *flags])
        captured = capsys.readouterr()
        assert code == ExitCode.USAGE, flags
        assert "JIRA_CLIENT_SECRET" in captured.err or "unrecognized" in captured.err
        _assert_clean(captured.out + captured.err)
    _assert_clean(captured.out + captured.err)
