"""Reading back and deleting what was sent, end to end against the emulator."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from support.cli import run_cli
from support.emulator import RunningEmulator

pytestmark = pytest.mark.e2e

BUILD = ("--ci", "generic", "--pipeline-id", "acme/api", "--build-number", "12")
DEPLOY = ("--ci", "generic", "--pipeline-id", "acme/api", "--environment-id", "staging",
          "--deployment-number", "3")


def test_build_round_trip(emulator: RunningEmulator, tmp_path: Path) -> None:
    env = emulator.env(tmp_path)
    sent = run_cli("report-build", *BUILD, "--url", "https://ci.example.com/12", "-k", "ABC-1",
                   "--state", "failed", env=env, cwd=tmp_path)
    assert sent.returncode == 0, sent.stderr
    got = run_cli("get-build", *BUILD, env=env, cwd=tmp_path)
    assert got.returncode == 0, got.stderr
    assert json.loads(got.stdout)["state"] == "failed"
    refused = run_cli("delete-build", *BUILD, env=env, cwd=tmp_path)
    assert refused.returncode == 2
    deleted = run_cli("delete-build", *BUILD, "--yes", env=env, cwd=tmp_path)
    assert (deleted.returncode, deleted.stdout) == (0, "deleted: build acme/api #12\n")
    gone = run_cli("get-build", *BUILD, env=env, cwd=tmp_path)
    assert gone.returncode == 1
    assert gone.stderr.startswith("error: Jira has no build acme/api #12")
    again = run_cli("delete-build", *BUILD, "--yes", env=env, cwd=tmp_path)
    assert again.returncode == 1


def test_deployment_round_trip(emulator: RunningEmulator, tmp_path: Path) -> None:
    env = emulator.env(tmp_path)
    sent = run_cli("report-deploy", *DEPLOY, "--environment", "Staging", "--url", "https://ci.example.com/3",
                   "-k", "ABC-1", "--state", "successful", env=env, cwd=tmp_path)
    assert sent.returncode == 0, sent.stderr
    got = run_cli("get-deploy", *DEPLOY, env=env, cwd=tmp_path)
    assert json.loads(got.stdout)["environment"]["id"] == "staging"
    assert run_cli("delete-deploy", *DEPLOY, "--yes", env=env, cwd=tmp_path).returncode == 0
    assert run_cli("get-deploy", *DEPLOY, env=env, cwd=tmp_path).returncode == 1


def test_delete_by_properties_removes_only_what_carries_them(emulator: RunningEmulator, tmp_path: Path) -> None:
    env = emulator.env(tmp_path)
    common = ("--ci", "generic", "--pipeline-id", "acme/api", "--url", "https://ci.example.com/x", "-k", "ABC-1")
    for number, run in (("1", "a"), ("2", "b")):
        done = run_cli("report-build", *common, "--build-number", number, "--property", f"run={run}",
                       "--property", "team=core", env=env, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
    deleted = run_cli("delete", "--property", "run=a", "--property", "team=core", "--yes", env=env, cwd=tmp_path)
    assert deleted.returncode == 0, deleted.stderr
    builds = {b["buildNumber"] for b in emulator.state()["builds"]}
    assert builds == {2}


def test_bad_properties_are_refused_before_anything_is_sent(emulator: RunningEmulator, tmp_path: Path) -> None:
    done = run_cli("report-build", "--ci", "generic", "--pipeline-id", "acme/api", "--build-number", "1",
                   "--url", "https://ci.example.com/1", "-k", "ABC-1", "--property", "a:b=1",
                   env=emulator.env(tmp_path), cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip() == ("error: property key 'a:b' is not allowed "
                                   "(keys must not contain ':' or start with '_')")
    assert emulator.requests() == []
