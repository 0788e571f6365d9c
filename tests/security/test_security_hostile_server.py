"""A hostile server: every misbehaviour ends in exit 4 within the time bound, the report kept in the outbox.

The server (``support.hostile_server``) drips, bombs, nests, redirects and talks nonsense; each run must
end in bounded time without a traceback, keep the report for a later delivery, and send nothing anywhere
the server did not get asked legitimately (a redirect is never followed).
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import pytest

from security.conftest import Run, hostile_env, report_build
from support.cli import OUTPUTS, clean_environment, run_cli
from support.core_http import SECRET
from support.hostile_server import HostileServer


def _kept_build(run: Run) -> None:
    """Exit 4, one error line last, no traceback, and build 1 waiting in the outbox (nothing rejected)."""
    assert run.done.returncode == 4, run.done.stderr
    assert "Traceback" not in run.done.stderr
    assert run.done.stderr.strip().splitlines()[-1].startswith("error: ")
    kept = run.kept()
    assert len(kept) == 1, run.done.stderr
    body = json.loads(kept[0].read_text(encoding="utf-8"))["body"]
    assert [item["buildNumber"] for item in body["builds"]] == [1]
    assert run.rejected() == []


def _only_legitimate_paths(run: Run, mode: str) -> None:
    assert run.paths, "the server was asked"
    assert all(path.startswith(f"/{mode}/") for path in run.paths), run.paths


def test_the_control_case_is_accepted(hostile: HostileServer, tmp_path: Path) -> None:
    run = report_build(hostile, "ok", tmp_path)
    assert run.done.returncode == 0, run.done.stderr
    assert run.kept() == []


@pytest.mark.parametrize("mode", ["drip", "drip-token", "drip-headers"])
def test_a_dripping_server_cannot_hold_a_run_past_the_timeout(hostile: HostileServer, tmp_path: Path,
                                                              mode: str) -> None:
    run = report_build(hostile, mode, tmp_path, timeout="3")
    _kept_build(run)
    _only_legitimate_paths(run, mode)
    assert run.elapsed < 15, f"--timeout 3 bounds the run, body reads included ({run.elapsed:.1f}s)"


@pytest.mark.parametrize("mode", ["huge", "deep-json", "garbage", "wrong-shape", "teapot", "redirect"])
def test_an_answer_jira_never_gives_keeps_the_report_with_exit_4(hostile: HostileServer, tmp_path: Path,
                                                                  mode: str) -> None:
    run = report_build(hostile, mode, tmp_path)
    _kept_build(run)
    _only_legitimate_paths(run, mode)
    assert run.elapsed < 20


def test_a_redirect_is_not_followed_and_the_token_goes_nowhere_else(hostile: HostileServer, tmp_path: Path) -> None:
    run = report_build(hostile, "redirect", tmp_path)
    assert "/steal" not in run.paths
    assert "HTTP 302" in run.done.stderr
    bodies_with_secret = [entry["path"] for entry in hostile.log if SECRET in entry["body"]]
    assert bodies_with_secret == ["/redirect/oauth/token"]


def test_an_odd_retry_after_is_no_crash_even_with_no_fail(hostile: HostileServer, tmp_path: Path) -> None:
    run = report_build(hostile, "odd-retry", tmp_path, "--no-fail")
    assert run.done.returncode == 0, run.done.stderr
    assert "Traceback" not in run.done.stderr and "internal error" not in run.done.stderr
    assert len(run.kept()) == 1
    assert run.elapsed < 20


def test_a_gzip_bomb_is_stopped_at_the_size_limit_in_little_memory(hostile: HostileServer, tmp_path: Path) -> None:
    import subprocess

    from support.gitrepo import make_repo

    repo = make_repo(tmp_path / "repo", ("ABC-3 change",))
    hostile.log.clear()
    started = time.monotonic()
    out_file, err_file = tmp_path / "stdout", tmp_path / "stderr"
    with out_file.open("w") as out, err_file.open("w") as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "jira_devops", "report-build", "--ci", "generic", "--state", "successful",
             "--build-number", "1", "--url", "https://ci.example.com/1", "--timeout", "10"],
            cwd=repo, env=clean_environment(hostile_env(hostile, "gzip-bomb", tmp_path)), stdout=out, stderr=err)
        # wait4 gives this child's own peak memory (RUSAGE_CHILDREN would count every earlier child too).
        _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    stdout, stderr = out_file.read_text(), err_file.read_text()
    OUTPUTS.extend((stdout, stderr))
    peak_mib = usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
    assert process.returncode == 4, stderr
    assert "larger than" in stderr and "Traceback" not in stderr
    assert len(list((tmp_path / "outbox").glob("*.json"))) == 1
    assert time.monotonic() - started < 30
    # The bomb expands to 256 MiB; the run stops at 8 MiB decoded.
    assert peak_mib < 200, f"peak memory {peak_mib:.0f} MiB"


def test_a_flush_against_a_misbehaving_server_rejects_nothing(hostile: HostileServer, tmp_path: Path) -> None:
    first = report_build(hostile, "teapot", tmp_path)
    assert len(first.kept()) == 1
    try:
        for mode in ("redirect", "teapot", "garbage", "deep-json"):
            hostile.override = mode
            done = run_cli("flush", "--timeout", "3", env=hostile_env(hostile, "teapot", tmp_path))
            assert done.returncode == 4, done.stderr
            assert "Traceback" not in done.stderr
            assert len(first.kept()) == 1 and first.rejected() == []
        hostile.override = "ok"
        done = run_cli("flush", "--timeout", "3", env=hostile_env(hostile, "teapot", tmp_path))
        assert done.returncode == 0, done.stderr
        assert first.kept() == [] and first.rejected() == []
    finally:
        hostile.override = None


def test_a_deadline_bounds_the_github_deployments_look_up(hostile: HostileServer) -> None:
    from jira_devops.history.deploys.github import GitHubHistoryError, GitHubTarget, latest_successful_deployment

    target = GitHubTarget(f"{hostile.url}/drip", "acme/app", "ghs_" + "x" * 36)
    started = time.monotonic()
    with pytest.raises(GitHubHistoryError, match="did not answer within 1s"):
        latest_successful_deployment(target, "production", timeout=1.0)
    assert time.monotonic() - started < 5


def test_the_hostile_server_sees_the_secret_only_in_the_token_request(hostile: HostileServer, tmp_path: Path) -> None:
    run = report_build(hostile, "ok", tmp_path)
    assert run.done.returncode == 0
    assert [entry["path"] for entry in hostile.log if SECRET in entry["body"]] == ["/ok/oauth/token"]
    assert os.environ.get("JIRA_CLIENT_SECRET") != SECRET
