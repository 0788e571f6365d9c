"""The Jenkins library agrees with the CLI: parameter names, variables, commands, version; scripts are constant."""

from __future__ import annotations

import json
import re

import pytest

from jira_devops._version import __version__
from jira_devops.settings import OPTIONS
from support.jenkins_library import LIBRARY, PARAMETERS_FILE, jenkins_lock, parameter_table, rendered_table

VARS = LIBRARY / "vars"
# Each step under Atlassian's plugin's name runs the library's own, non-colliding step.
ALIASES = {"jiraSendBuildInfo": "jiraDevopsSendBuildInfo",
           "jiraSendDeploymentInfo": "jiraDevopsSendDeploymentInfo",
           "checkGatingStatus": "jiraDevopsCheckGatingStatus"}
STEPS = (*ALIASES, *ALIASES.values(), "jiraSendDevelopmentInfo", "jiraDevops")

# The parameters of Atlassian's plugin steps (1.4.x and later), which the drop-in steps must take.
PLUGIN_PARAMETERS = {
    ("jiraSendBuildInfo", "report-build"): ["site", "branch", "issueKeys", "state"],
    ("jiraSendDeploymentInfo", "report-deploy"): ["site", "environmentId", "environment", "environmentType",
                                                  "state", "serviceIds", "enableGating", "issueKeys"],
    ("checkGatingStatus", "gate-status"): ["site", "environmentId"],
}


def _table() -> dict:
    return dict(json.loads(PARAMETERS_FILE.read_text(encoding="utf-8")))


def test_the_parameter_table_matches_the_settings_registry_and_commands() -> None:
    assert PARAMETERS_FILE.read_text(encoding="utf-8") == rendered_table(), (
        "jenkins/resources/jira-devops/parameters.json is out of date: "
        "run `python tests/support/jenkins_library.py` and commit the result")


def test_every_non_secret_setting_is_a_parameter_under_its_jenkins_name() -> None:
    table = _table()
    for option in OPTIONS:
        if option.secret:
            assert table["secrets"][option.jenkins_parameter] == option.env_var
            assert option.jenkins_parameter not in table["parameters"]
        else:
            assert table["parameters"][option.jenkins_parameter]["env"] == option.env_var


def test_the_library_installs_the_cli_version_it_was_released_with() -> None:
    assert _table()["version"] == __version__
    _, version, digest = jenkins_lock.split_lock(jenkins_lock.LOCK.read_text(encoding="utf-8"))
    assert version == __version__
    assert digest is not None and len(digest) == 64
    source = (VARS / "jiraDevops.groovy").read_text(encoding="utf-8")
    assert "REQUIREMENTS_RESOURCE = 'jira-devops/requirements.txt'" in source
    assert "--require-hashes" in source


@pytest.mark.parametrize(("alias", "step"), list(ALIASES.items()))
def test_the_plugins_names_run_the_librarys_own_steps(alias: str, step: str) -> None:
    source = (VARS / f"{alias}.groovy").read_text(encoding="utf-8")
    assert re.search(rf"return {step}\.\w+\('{alias}', params\)", source), source


@pytest.mark.parametrize(("step", "command"), list(PLUGIN_PARAMETERS))
def test_drop_in_steps_take_the_plugins_parameters(step: str, command: str) -> None:
    table = parameter_table()
    groups = set(table["commands"][command])
    for name in PLUGIN_PARAMETERS[(step, command)]:
        assert groups & set(table["parameters"][name]["groups"]), f"{step}: {name} does not reach {command}"
    assert f"'{command}'" in (VARS / f"{ALIASES[step]}.groovy").read_text(encoding="utf-8")


def test_the_plugins_legacy_names_are_translated() -> None:
    source = (VARS / "jiraDevopsSendDeploymentInfo.groovy").read_text(encoding="utf-8")
    assert "[environmentName: 'environment', enableGate: 'enableGating']" in source


def test_the_steps_own_names_never_collide_with_settings() -> None:
    source = (VARS / "jiraDevops.groovy").read_text(encoding="utf-8")
    step_parameters = re.search(r"STEP_PARAMETERS = \[(.*?)\]", source, re.DOTALL)
    assert step_parameters is not None
    own = set(re.findall(r"'(\w+)'", step_parameters.group(1)))
    assert own == {"command", "args", "credentialsId", "githubCredentialsId", "cliPath", "nodeLabel"}
    assert not own & {option.jenkins_parameter for option in OPTIONS}
    own_variables = set(re.findall(r"JIRA_DEVOPS_STEP_\w+|JIRA_DEVOPS_CREDENTIALS_ID|JIRA_DEVOPS_INSTALL_DIR|"
                                   r"JIRA_DEVOPS_PYTHON", source))
    assert own_variables
    assert not own_variables & {option.env_var for option in OPTIONS}


def test_the_only_script_handed_to_sh_is_a_constant() -> None:
    for path in VARS.glob("*.groovy"):
        source = path.read_text(encoding="utf-8")
        calls = re.findall(r"\bsh\s*\(([^)]*)\)", source)
        if path.stem != "jiraDevops":
            assert calls == [], path.name
            continue
        assert calls == ['script: CLI_SCRIPT, returnStdout: true, label: "jira-devops ${command}"']
    source = (VARS / "jiraDevops.groovy").read_text(encoding="utf-8")
    # A ''' string: Groovy interpolates nothing in it, so ${...} in it is the shell's own expansion.
    assert re.search(r"static final String CLI_SCRIPT = '''#!/bin/sh\n", source)


@pytest.mark.parametrize("step", STEPS)
def test_every_step_has_its_help_page(step: str) -> None:
    help_text = (VARS / f"{step}.txt").read_text(encoding="utf-8")
    assert help_text.startswith(f"<p><b>{step}</b>")
    assert (VARS / f"{step}.groovy").exists()
