"""On an agent without jira-devops, the steps install it once per workspace (a venv in its temp folder)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from support.jenkins_library import ROOT
from support.jenkins_pipeline import Outcome, ScenarioBook

BOOK = ScenarioBook()

AGENT_PATH = "/usr/bin:/bin"  # a plain agent: the system's python3, no jira-devops
PIP_SETTINGS = {name: value for name, value in os.environ.items() if name.startswith("PIP_")}


@BOOK.scenario(f"""
    return [first: jiraSendBuildInfo(dryRun: true, cliPackage: '{ROOT}'),
            second: jiraSendBuildInfo(dryRun: true, cliPackage: '{ROOT}'),
            tmp: env.WORKSPACE + '@tmp']
""", path=AGENT_PATH, env=PIP_SETTINGS)
def test_the_cli_is_installed_once_into_the_workspace_temp_folder(outcome: Outcome) -> None:
    if any(Path(folder, "jira-devops").exists() for folder in AGENT_PATH.split(":")):
        pytest.skip("jira-devops is installed system-wide here")
    first, second = outcome.steps("sh")
    assert outcome.returned["first"]["ok"] is True, outcome.log
    assert outcome.returned["second"]["ok"] is True
    assert "jira-devops: installing" in first["stderr"]
    assert "installing" not in second["stderr"]
    venvs = list(Path(outcome.returned["tmp"], "jira-devops").glob("jira-devops-venv-*"))
    assert len(venvs) == 1
    assert (venvs[0] / ".installed").exists()
    assert (venvs[0] / "bin" / "jira-devops").exists()
    assert outcome.returned["first"]["issueKeys"] == outcome.returned["second"]["issueKeys"] != []


@BOOK.scenario("return jiraSendBuildInfo(dryRun: true)", tools=("mkdir", "cksum", "cut", "rm", "touch", "rmdir"))
def test_without_python_the_step_says_what_to_install_and_the_build_goes_on(outcome: Outcome) -> None:
    assert outcome.error is None
    assert outcome.returned["exitCode"] == 127
    assert "python3 is not on PATH: install jira-devops or Python 3.9+ on this agent" in outcome.log
    assert "not installed on this agent" in outcome.returned["message"]
