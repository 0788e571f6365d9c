"""Checks that run before anything is sent: plain HTTP, flag values, secrets, patterns, event files."""

from __future__ import annotations

import json
import math
import time
from pathlib import Path

import httpx
import pytest
import respx

from jira_devops.ci.environ import Env
from jira_devops.ci.github import read as read_github
from jira_devops.jira.auth import TokenProvider
from jira_devops.jira.connection import Connection
from jira_devops.jira.retry import Deadline
from jira_devops.redact import forget_secrets
from security.conftest import hostile_env, report_build
from support.cli import run_cli
from support.core_http import API, SECRET
from support.gitrepo import make_repo
from support.hostile_server import HostileServer

_REPORT = ("report-build", "--ci", "generic", "--state", "successful", "--build-number", "1",
           "--url", "https://ci.example.com/1")


@pytest.mark.parametrize(("name", "value"), [("JIRA_DEVOPS_API_URL", "http://api.example.invalid"),
                                             ("JIRA_SITE", "http://acme.example.invalid")])
def test_plain_http_to_another_host_is_refused_before_sending(tmp_path: Path, name: str, value: str) -> None:
    repo = make_repo(tmp_path / "repo", ("ABC-3 change",))
    env = {"JIRA_CLIENT_ID": "client-1", "JIRA_CLIENT_SECRET": SECRET, name: value,
           "JIRA_DEVOPS_OUTBOX": str(tmp_path / "outbox")}
    done = run_cli(*_REPORT, env=env, cwd=repo)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "plain http:// to another machine" in lines[0], done.stderr
    assert not (tmp_path / "outbox").exists()


def test_plain_http_to_loopback_is_allowed(hostile: HostileServer, tmp_path: Path) -> None:
    assert report_build(hostile, "ok", tmp_path).done.returncode == 0


@pytest.mark.parametrize("flags", [("--gate", "--gate-poll", "0"), ("--gate", "--gate-timeout", "-1"),
                                   ("--ref-prefix", "heads/x"), ("--first-deploy-depth", "0")])
def test_report_deploy_checks_every_flag_before_the_first_request(hostile: HostileServer, tmp_path: Path,
                                                                  flags: tuple[str, ...]) -> None:
    repo = make_repo(tmp_path / "repo", ("ABC-3 change",))
    hostile.log.clear()
    done = run_cli("report-deploy", "--ci", "generic", "--state", "successful", "--environment", "production",
                   "--deployment-number", "1", "--url", "https://ci.example.com/1", *flags,
                   env=hostile_env(hostile, "ok", tmp_path), cwd=repo)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert hostile.log == [], "nothing was sent"


def test_a_catastrophic_key_pattern_stops_with_a_usage_error(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", ("A" * 60,))
    started = time.monotonic()
    done = run_cli("keys", "--ci", "generic", "--key-pattern", "(A|AA)+B", cwd=repo, timeout=60)
    assert done.returncode == 2, done.stderr
    assert "--key-pattern" in done.stderr and "Traceback" not in done.stderr
    assert time.monotonic() - started < 30


def test_a_sane_custom_key_pattern_still_finds_keys(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", ("fix [abc-12] and [DEF-3]",), branch="main")
    done = run_cli("keys", "--ci", "generic", "--key-pattern", r"\[(?P<key>[A-Za-z]+-\d+)\]", "--ignore-case",
                   cwd=repo)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["ABC-12", "DEF-3"]


@pytest.mark.parametrize("content", [b"\xef\xbb\xbf" + SECRET.encode() + b"\r\n", b"  " + SECRET.encode() + b"\n"])
def test_a_secret_file_s_bom_and_white_space_are_not_sent(hostile: HostileServer, tmp_path: Path,
                                                          content: bytes) -> None:
    secret_file = tmp_path / "secret"
    secret_file.write_bytes(content)
    run = report_build(hostile, "ok", tmp_path, env={"JIRA_CLIENT_SECRET": "", "JIRA_CLIENT_SECRET_FILE":
                                                      str(secret_file)})
    assert run.done.returncode == 0, run.done.stderr
    token_request = json.loads(next(entry["body"] for entry in hostile.log if entry["path"].endswith("/oauth/token")))
    assert token_request["client_secret"] == SECRET


@pytest.mark.parametrize("content", [b"\xef\xbb\xbf", b"\xef\xbb\xbf  \n\t\n", b" \n"])
def test_a_secret_file_of_only_a_bom_or_white_space_is_no_secret(hostile: HostileServer, tmp_path: Path,
                                                                 content: bytes) -> None:
    secret_file = tmp_path / "secret"
    secret_file.write_bytes(content)
    run = report_build(hostile, "ok", tmp_path, env={"JIRA_CLIENT_SECRET": "", "JIRA_CLIENT_SECRET_FILE":
                                                      str(secret_file)})
    assert run.done.returncode == 2, run.done.stderr
    assert "is empty" in run.done.stderr and run.paths == []


def test_a_secret_that_is_not_utf8_is_a_usage_error(hostile: HostileServer, tmp_path: Path) -> None:
    run = report_build(hostile, "ok", tmp_path, env={"JIRA_CLIENT_SECRET": "s3cr3t-\udcff-value"})
    assert run.done.returncode == 2, run.done.stderr
    assert "JIRA_CLIENT_SECRET is not UTF-8 text" in run.done.stderr and "Traceback" not in run.done.stderr
    assert run.paths == []


@pytest.mark.parametrize("expires_in", [0, -60, "inf", "Infinity", "NaN", float("nan")])
def test_a_token_without_a_sane_lifetime_is_used_once_and_not_cached(tmp_path: Path, expires_in: object) -> None:
    connection = Connection(api_url=API, site_url=None, cloud_id=None, client_id="client-1", client_secret=SECRET,
                            timeout=5.0, cache_dir=tmp_path / "cache")
    answer = json.dumps({"access_token": "tok-odd-lifetime-123456", "expires_in": expires_in}, allow_nan=True)
    with respx.mock(base_url=API) as router, httpx.Client() as http:
        router.post("/oauth/token").respond(200, content=answer.encode(), headers={"Content-Type": "application/json"})
        provider = TokenProvider(connection, http, Deadline(5))
        assert provider.token() == "tok-odd-lifetime-123456"
        provider.remember_cloud_id("https://acme.atlassian.net/_edge/tenant_info", "cloud-1")
    forget_secrets()
    files = list((tmp_path / "cache").rglob("token-*.json"))
    for path in files:
        stored = json.loads(path.read_text(encoding="utf-8"))
        assert stored["access_token"] is None
        assert math.isfinite(stored["expires_at"])
    again = TokenProvider(connection, httpx.Client(), Deadline(5))
    assert again.state.access_token is None


def test_a_cached_token_with_an_infinite_lifetime_is_not_believed(tmp_path: Path) -> None:
    connection = Connection(api_url=API, site_url=None, cloud_id=None, client_id="client-1", client_secret=SECRET,
                            timeout=5.0, cache_dir=tmp_path / "cache")
    provider = TokenProvider(connection, httpx.Client(), Deadline(5))
    assert provider.cache is not None
    provider.cache.directory.mkdir(mode=0o700, parents=True)
    provider.cache.path.write_text('{"access_token": "tok-forever-0000", "expires_at": Infinity}', encoding="utf-8")
    forget_secrets()
    assert not TokenProvider(connection, httpx.Client(), Deadline(5)).state.token_is_fresh(time.time())


@pytest.mark.parametrize("head_sha", ["--upload-pack=touch pwned", "HEAD~3", "abc123", "g" * 40, 12345])
def test_an_event_file_s_head_sha_is_taken_only_as_a_hex_object_name(tmp_path: Path, head_sha: object) -> None:
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"number": 7, "title": "ABC-1 x", "head": {"sha": head_sha},
                                                  "base": {"sha": head_sha}}}), encoding="utf-8")
    merge = "a" * 40
    env = Env({"GITHUB_ACTIONS": "true", "GITHUB_SHA": merge, "GITHUB_EVENT_NAME": "pull_request",
               "GITHUB_EVENT_PATH": str(event), "GITHUB_REPOSITORY": "acme/app"})
    context = read_github(env)
    assert context.commit == merge
    assert context.pr_base_commit is None
    assert any("not a commit SHA" in note for note in env.notes)


def test_an_event_file_s_hex_head_sha_is_reported() -> None:
    head = "b" * 40
    env = Env({"GITHUB_ACTIONS": "true", "GITHUB_SHA": "a" * 40, "GITHUB_EVENT_NAME": "pull_request"})
    assert env.event_commit(head, "pull_request.head.sha") == head
    assert env.event_commit("C" * 64, "pull_request.head.sha") == "C" * 64
