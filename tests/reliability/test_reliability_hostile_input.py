"""Hostile input: each flaw is one line naming what to fix, exit 2, and nothing reaches Jira half-built.

Runs the real CLI against the emulator, whose request log proves that nothing was sent.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from support import cli as cli_support
from support.gitrepo import make_repo

pytestmark = pytest.mark.e2e

BUILD = ("report-build", "--ci", "generic", "--state", "successful", "--build-number", "5",
         "--url", "https://ci.example.test/5")
DEPLOY = ("report-deploy", "--ci", "generic", "--state", "successful", "-e", "production", "--deployment-number", "5",
          "--url", "https://ci.example.test/5")

# (name, config file text or None, extra arguments, words the error line must hold)
CASES: list[tuple[str, Any, tuple[str, ...], tuple[str, ...]]] = [
    ("malformed YAML", "pipeline_id: [unclosed\n", (), (".jira-devops.yml:", "fix the YAML syntax")),
    ("wrong-typed key", "timeout: [1, 2]\n", (), (".jira-devops.yml:1: timeout", "expected a single value")),
    ("unknown key", "pipline_id: app\n", (), ("unknown setting 'pipline_id'", "did you mean 'pipeline_id'")),
    ("secret in the file", "client_secret: x\n", (), ("unknown setting 'client_secret'", "JIRA_CLIENT_SECRET")),
    ("config not UTF-8", b"label: \xff\xfe\n", (), ("not UTF-8",)),
    ("YAML alias bomb", "issue_key: [&a [x,x,x,x,x,x,x,x,x], &b [*a,*a,*a,*a,*a,*a,*a,*a,*a], "
     "&c [*b,*b,*b,*b,*b,*b,*b,*b,*b], &d [*c,*c,*c,*c,*c,*c,*c,*c,*c], &e [*d,*d,*d,*d,*d,*d,*d,*d,*d], "
     "&f [*e,*e,*e,*e,*e,*e,*e,*e,*e], &g [*f,*f,*f,*f,*f,*f,*f,*f,*f], &h [*g,*g,*g,*g,*g,*g,*g,*g,*g], "
     "&i [*h,*h,*h,*h,*h,*h,*h,*h,*h]]\n", (), (".jira-devops.yml:1", "expands to more than")),
    ("YAML nested 20,000 deep", "issue_key: " + "[" * 20_000 + "]" * 20_000 + "\n", (),
     (".jira-devops.yml:1", "nested more than")),
    ("unknown YAML tag", "label: !custom x\n", (), (".jira-devops.yml:1", "!custom")),
    ("5000-digit number", "build_number: " + "9" * 5000 + "\n", (), (".jira-devops.yml:1", "build_number")),
    ("config file of megabytes", "label: " + "x" * 100_000 + "\n", (), ("is over 64 KiB",)),
    ("state not in the enum", None, ("--state", "exploded"), ("state 'exploded' is not a build state",)),
    ("deployment state not in the enum", None, (*DEPLOY, "--state", "exploded"),
     ("state 'exploded' is not a deploy", "rolled_back")),
    ("negative duration (the API schema)", None, (*DEPLOY, "--duration", "-5"),
     ("the deployment cannot be sent: duration",)),
    ("environment type not in the enum", None, (*DEPLOY, "--environment-type", "moon"),
     ("--environment-type", "expected one of unmapped, development")),
    ("site not a host", None, ("--site", "acme corp!"), ("site 'acme corp!' is not a host name",)),
    ("api-url not http(s)", None, ("--api-url", "ftp://api.example.test"), ("api-url", "not an http(s) URL")),
    ("negative test count", None, ("--tests-failed", "-1"), ("must not be negative",)),
]


def _repo(tmp_path: Path) -> Path:
    folder = make_repo(tmp_path / "repo", ("ABC-12 start",), branch="ABC-12-login")
    (folder / "report.xml").write_text("<testsuite tests='3'><testcase name='a'>", encoding="utf-8")
    (folder / "bomb.xml").write_text('<?xml version="1.0"?><!DOCTYPE t [<!ENTITY a "aaaaaaaaaa">'
                                     '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><testsuite tests="&b;"/>',
                                     encoding="utf-8")
    return folder


@pytest.mark.parametrize(("name", "config", "extra", "words"), CASES, ids=[case[0] for case in CASES])
def test_hostile_input_is_one_line_exit_2_and_nothing_is_sent(emulator: Any, tmp_path: Path, name: str,
                                                             config: Any, extra: tuple[str, ...],
                                                             words: tuple[str, ...]) -> None:
    repo = _repo(tmp_path)
    if isinstance(config, bytes):
        (repo / ".jira-devops.yml").write_bytes(config)
    elif config is not None:
        (repo / ".jira-devops.yml").write_text(config, encoding="utf-8")
    env = {**emulator.env(tmp_path), "JIRA_DEVOPS_OUTBOX": str(tmp_path / "outbox")}
    command = extra if extra[:1] == ("report-deploy",) else (*BUILD, *extra)
    done = cli_support.run_cli(*command, env=env, cwd=repo)
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2, done.stderr
    assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr
    for word in words:
        assert word in lines[0]
    assert "Traceback" not in done.stderr
    assert emulator.requests() == [], "nothing was sent"
    assert not (tmp_path / "outbox").exists() or not any((tmp_path / "outbox").glob("*.json"))


def test_absurdly_long_text_and_non_utf8_commit_messages_are_sent_shortened(emulator: Any, tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    subprocess.run(["git", "-c", "user.name=T", "-c", "user.email=t@example.com", "-c", "i18n.commitEncoding=latin1",
                    "commit", "-q", "--allow-empty", "-F", "-"], cwd=repo, check=True, capture_output=True,
                   input="ABC-13 caf\xe9 \xff\xfe".encode("latin-1"))
    env = {**emulator.env(tmp_path), "JIRA_DEVOPS_OUTBOX": str(tmp_path / "outbox")}
    done = cli_support.run_cli(*BUILD, "--branch", "ABC-12-" + "x" * 5000, "--description", "d" * 10_000,
                               "--range", "HEAD~1..HEAD", env=env, cwd=repo)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    stored = emulator.state()["builds"]
    assert len(stored) == 1
    assert "ABC-13" in stored[0]["associatedIssueKeys"], "the key in the non-UTF-8 message was found"
    assert len(stored[0].get("description", "")) <= 255
    assert all(len(ref.get("ref", {}).get("name", "")) <= 255 for ref in stored[0].get("references", []))


def test_a_yaml_bomb_is_refused_at_once(emulator: Any, tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    levels = ["&a [" + ",".join("x" * 9) + "]"]
    levels += [f"&{name} [" + ",".join([f"*{previous}"] * 9) + "]" for previous, name in zip("abcdefgh", "bcdefghi")]
    (repo / ".jira-devops.yml").write_text(f"issue_key: [{', '.join(levels)}]\n", encoding="utf-8")

    started = time.monotonic()
    done = cli_support.run_cli(*BUILD, env=emulator.env(tmp_path), cwd=repo)
    elapsed = time.monotonic() - started

    assert done.returncode == 2 and "expands to more than" in done.stderr
    assert elapsed < 10, "a bounded parse answers in well under a second; minutes mean the bomb went off"


def test_a_secret_that_is_not_utf8_is_a_configuration_error(emulator: Any, tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    env = {**emulator.env(tmp_path), "JIRA_CLIENT_SECRET": "s3cr\udcff"}  # the raw byte 0xff reaches the child
    del env["JIRA_CLIENT_SECRET_FILE"]

    done = cli_support.run_cli(*BUILD, env=env, cwd=repo)

    assert done.returncode == 2, done.stderr
    assert done.stderr.strip() == "error: the secret in JIRA_CLIENT_SECRET is not UTF-8 text"
    assert emulator.requests() == []
