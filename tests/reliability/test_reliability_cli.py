"""The outbox commands and payload errors as a user meets them: the real CLI as a subprocess, no network."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from jira_devops.delivery.outbox import Destination, Outbox
from jira_devops.errors import ExitCode
from support.cli import run_cli

HERE = Destination(api_url="http://127.0.0.1:9")


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return run_cli(*args, cwd=cwd)


def _body(number: int) -> dict[str, object]:
    return {"builds": [{"pipelineId": "acme/app", "buildNumber": number, "updateSequenceNumber": number}]}


def test_a_value_the_schema_refuses_is_a_one_line_usage_error(repo: Path) -> None:
    done = _cli("report-deploy", "--dry-run", "--ci", "generic", "--state", "successful", "-e", "production",
                "--deployment-number", "3", "--url", "https://ci.example.test/3", "--duration", "-5", cwd=repo)
    assert done.returncode == ExitCode.USAGE
    assert done.stderr.strip().splitlines() == [
        "error: the deployment cannot be sent: duration: Input should be greater than or equal to 0 (got -5) "
        "(fix the flag or setting that gives it)"]


def test_flush_of_an_empty_outbox_needs_no_credentials(tmp_path: Path) -> None:
    done = _cli("flush", "--outbox", str(tmp_path / "outbox"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"the outbox {tmp_path / 'outbox'} is empty"


def test_flush_dry_run_prints_the_kept_bodies_oldest_first(tmp_path: Path) -> None:
    box = Outbox(tmp_path / "outbox")
    box.keep("builds", _body(2), HERE, "down")
    box.keep("builds", _body(1), HERE, "down")
    done = _cli("flush", "--dry-run", "--outbox", str(box.directory), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    decoder = json.JSONDecoder()
    text, bodies = done.stdout.strip(), []
    while text:
        body, end = decoder.raw_decode(text)
        bodies.append(body)
        text = text[end:].strip()
    assert bodies == [_body(2), _body(1)]


def test_the_outbox_command_lists_waiting_and_rejected_entries(tmp_path: Path) -> None:
    box = Outbox(tmp_path / "outbox")
    waiting = box.keep("builds", _body(1), HERE, "POST builds: HTTP 503 after 4 attempts within 5s")
    refused = box.keep("builds", _body(2), HERE, "down")
    box.reject(refused, ["build acme/app #2: No valid issues found for build"])
    done = _cli("outbox", "--outbox", str(box.directory), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == f"outbox {box.directory}: 1 waiting, 1 rejected, 0 expired"
    assert "build acme/app #1" in lines[1] and "HTTP 503 after 4 attempts" in lines[1]
    assert "build acme/app #2: No valid issues found for build" in lines[2]
    listed = json.loads(_cli("outbox", "--json", "--outbox", str(box.directory), cwd=tmp_path).stdout)
    assert [entry["id"] for entry in listed["pending"]] == [waiting.name]
    assert listed["rejected"][0]["items"] == ["build acme/app #2"]
    assert "body" not in listed["pending"][0]


def test_the_outbox_command_offers_only_the_flags_it_uses(tmp_path: Path) -> None:
    usage = _cli("outbox", "--help", cwd=tmp_path).stdout
    assert "--json" in usage and "--quiet" in usage and "--outbox" in usage
    assert "--dry-run" not in usage and "--no-fail" not in usage
    for flag in ("--dry-run", "--no-fail"):
        done = _cli("outbox", flag, "--outbox", str(tmp_path / "outbox"), cwd=tmp_path)
        assert done.returncode == ExitCode.USAGE, (flag, done.stderr)
        assert f"unrecognized arguments: {flag}" in done.stderr
