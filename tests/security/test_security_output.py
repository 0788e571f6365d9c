"""Strings from Jira reach the terminal and the GitHub Actions log defused.

The hostile server rejects the build with a reason holding a line break then ``::error::``, ``##[add-mask]``
in the middle of a line, terminal escapes (clear screen, retitle) and a bidi override; the pipeline ID it
echoes holds another line break and command. None of it may act on the runner or the terminal.
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

from jira_devops.wrappers.github_action import main as action_main
from security.conftest import hostile_env, report_build
from support.cli import OUTPUTS, clean_environment
from support.gitrepo import make_repo
from support.hostile_server import HostileServer


def _runner_would_act_on(line: str) -> bool:
    """What the runner reads as a command: '::' first after leading space, or '##[' anywhere."""
    return line.lstrip().startswith("::") or "##[" in line


def test_human_output_has_no_escapes_and_no_runner_commands(hostile: HostileServer, tmp_path: Path) -> None:
    run = report_build(hostile, "inject", tmp_path)
    assert run.done.returncode == 1, run.done.stderr
    text = run.done.stdout + run.done.stderr
    assert "injected-by-jira" in text  # shown, as text
    assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
    assert not any(_runner_would_act_on(line) for line in text.splitlines()), text


def test_json_output_keeps_the_data_but_not_the_commands(hostile: HostileServer, tmp_path: Path) -> None:
    run = report_build(hostile, "inject", tmp_path, "--json")
    assert not any(_runner_would_act_on(line) for line in run.done.stdout.splitlines())
    assert "\x1b" not in run.done.stdout and "\u202e" not in run.done.stdout
    result = json.loads(run.done.stdout)
    assert "##[add-mask]hidden" in result["rejected"][0]["errors"][0]["message"]


def test_the_action_log_gets_no_command_from_jira(hostile: HostileServer, tmp_path: Path,
                                                  monkeypatch: object) -> None:
    repo = make_repo(tmp_path / "repo", ("ABC-3 change",))
    summary = tmp_path / "summary.md"
    environ = clean_environment({
        **hostile_env(hostile, "inject", tmp_path),
        "JIRA_DEVOPS_INPUT_COMMAND": "build",
        "JIRA_DEVOPS_INPUT_STATE": "successful",
        "JIRA_DEVOPS_INPUT_BUILD_NUMBER": "1",
        "JIRA_DEVOPS_INPUT_REPO": str(repo),
        "JIRA_DEVOPS_CI": "generic",
        "JIRA_DEVOPS_URL": "https://ci.example.com/1",
        "GITHUB_STEP_SUMMARY": str(summary),
    })
    log = io.StringIO()
    code = action_main(environ, log)
    OUTPUTS.append(log.getvalue())
    assert code == 1, log.getvalue()
    lines = log.getvalue().splitlines()
    assert "injected-by-jira" in log.getvalue()
    commands = [line for line in lines if _runner_would_act_on(line)]
    # Only the wrapper's own annotations are commands; their messages are escaped onto one line.
    assert commands, "the rejection is annotated"
    for line in commands:
        assert line.startswith(("::warning title=jira-devops::", "::error title=jira-devops::",
                                 "::add-mask::")), line
        assert "##[" not in line
    assert "\x1b" not in log.getvalue()
    assert os.environ.get("JIRA_DEVOPS_INPUT_COMMAND") is None


def test_other_cis_commands_are_defused_too() -> None:
    from jira_devops.untrusted_text import json_text, one_line

    shown = one_line("reason ##vso[task.setvariable variable=DEPLOY]yes ##teamcity[buildStatus text='x']")
    assert "##vso[" not in shown and "##teamcity[" not in shown
    encoded = json_text(json.dumps({"reason": "##vso[task.complete result=Succeeded]"}))
    assert "##vso[" not in encoded
    assert json.loads(encoded) == {"reason": "##vso[task.complete result=Succeeded]"}
