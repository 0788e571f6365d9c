"""Issue 16 item 10: ``jira-devops check`` says what the credentials may do, before the first real report."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from jira_devops.jira.check import run_check
from jira_devops.jira.connection import Connection
from support.cli import run_cli
from support.emulator import RunningEmulator, start_emulator
from support.gitrepo import git, make_repo
from support.tls_proxy import LoopbackProxy, TlsFront, make_certificate


@pytest.fixture(scope="module")
def builds_only(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningEmulator]:
    running = start_emulator(tmp_path_factory.mktemp("builds-only"), "--permissions", "builds")
    try:
        yield running
    finally:
        running.stop()


def _check(emulator: RunningEmulator, tmp_path: Path, *extra: str, cwd: Path | None = None,
           **env: str) -> tuple[int, str, str]:
    done = run_cli("check", *extra, env={**emulator.env(tmp_path), "HTTPS_PROXY": "", "HTTP_PROXY": "",
                                        "ALL_PROXY": "", **env}, cwd=cwd or tmp_path)
    return done.returncode, done.stdout, done.stderr


def test_everything_there_exits_0_and_says_so(emulator: RunningEmulator, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    code, out, err = _check(emulator, tmp_path, cwd=repo)
    assert code == 0, err
    lines = out.splitlines()
    for line in ("credentials: accepted", "Builds: ok", "Deployments: ok", "Development information: ok",
                 "Feature flags: ok", "proxy: none (direct)", "checkout: full history", "ready to report"):
        assert line in lines, out
    assert any(line.startswith("cloud ID: ") and len(line) == len("cloud ID: ") + 36 for line in lines)
    assert emulator.state()["builds"] == [] and emulator.state()["deployments"] == [], "nothing written"


def test_a_missing_permission_is_named_and_exits_3(builds_only: RunningEmulator, tmp_path: Path) -> None:
    code, out, err = _check(builds_only, tmp_path)
    assert code == 3, err
    assert "Deployments: missing — edit the credentials in Jira and add it" in out.splitlines()
    assert "Builds: ok" in out.splitlines()
    assert "Development information: missing (not needed)" in out.splitlines()


def test_json_lists_each_permission_and_need_narrows_what_is_required(builds_only: RunningEmulator,
                                                                      tmp_path: Path) -> None:
    code, out, err = _check(builds_only, tmp_path, "--json")
    result = json.loads(out)
    assert code == 3, err
    assert result["permissions"] == {"builds": True, "deployments": False, "devinfo": False, "featureflags": False}
    assert (result["ok"], result["missing"], result["credentials"]) == (False, ["deployments"], "accepted")
    code, out, err = _check(builds_only, tmp_path, "--json", "--need", "builds")
    assert code == 0, err
    assert json.loads(out)["missing"] == []
    code, _out, _err = _check(builds_only, tmp_path, "--need", "builds", "--need", "featureflags")
    assert code == 3


def test_refused_credentials_exit_3_without_leaking_the_secret(emulator: RunningEmulator, tmp_path: Path) -> None:
    secret = tmp_path / "wrong-secret"
    secret.write_text("not-the-secret-at-all\n", encoding="utf-8")
    code, out, err = _check(emulator, tmp_path, "--json", JIRA_CLIENT_SECRET_FILE=str(secret))
    assert code == 3
    result = json.loads(out)
    assert result["credentials"].startswith("refused: Jira refused the OAuth credentials")
    assert result["permissions"] == {"builds": None, "deployments": None, "devinfo": None, "featureflags": None}
    assert "not-the-secret-at-all" not in out + err


def test_an_unreachable_api_exits_4_in_one_line(emulator: RunningEmulator, tmp_path: Path) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    code, out, err = _check(emulator, tmp_path, JIRA_DEVOPS_API_URL=f"http://127.0.0.1:{port}",
                            JIRA_DEVOPS_TIMEOUT="2s")
    assert code == 4
    assert [line for line in err.splitlines() if line.startswith("error: ")] and "Traceback" not in err
    assert "credentials: not checked" in out.splitlines()


def test_a_shallow_checkout_is_reported(emulator: RunningEmulator, tmp_path: Path) -> None:
    origin = make_repo(tmp_path / "origin", ("ABC-1 one", "ABC-2 two", "ABC-3 three"))
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{origin}", "shallow")
    code, out, err = _check(emulator, tmp_path, "--json", cwd=tmp_path / "shallow")
    assert code == 0, err
    assert json.loads(out)["shallow"] is True
    assert "checkout is shallow" in err


def test_the_proxy_and_ca_bundle_in_use_are_shown(emulator: RunningEmulator, tmp_path: Path) -> None:
    certificate = make_certificate(tmp_path / "tls")
    target = urlsplit(emulator.url)
    front = TlsFront(certificate, (target.hostname or "", target.port or 80))
    proxy = LoopbackProxy()
    try:
        code, out, err = _check(emulator, tmp_path, "--json", "--ca-bundle", str(certificate.cert),
                                JIRA_DEVOPS_API_URL=front.url, HTTPS_PROXY=proxy.url, NO_PROXY="")
    finally:
        proxy.close()
        front.close()
    assert code == 0, err
    result = json.loads(out)
    assert result["proxy"] == proxy.url
    assert result["caBundle"] == str(certificate.cert)
    assert result["trustedCAs"].endswith(f"and --ca-bundle {certificate.cert}")
    assert proxy.seen and all(line == f"CONNECT 127.0.0.1:{front.port}" for line in proxy.seen)


def test_the_clock_offset_against_the_server_date(emulator: RunningEmulator, tmp_path: Path) -> None:
    connection = Connection(api_url=emulator.url, site_url=None, cloud_id=None, client_id=emulator.client_id,
                            client_secret=emulator.secret_file.read_text(encoding="utf-8").strip(),
                            timeout=10, use_token_cache=False)
    right = run_check(connection, repo=tmp_path)
    assert right.exit_code == 0 and right.clock_offset is not None
    assert abs(right.clock_offset) <= 2, "the Date header has whole seconds"
    behind = run_check(connection, repo=tmp_path, clock=lambda: time.time() - 600)
    assert behind.clock_offset is not None and 598 <= behind.clock_offset <= 602
    assert [w for w in behind.warnings if w.startswith("this machine's clock is ") and "s behind the server's" in w]
    assert not right.warnings
