"""Declarative pipelines next to Atlassian's plugin: what compiles, and which step then runs.

While a plugin's step is installed, the declarative validator (pipeline-model-definition's
ModelValidatorImpl, through DescriptorLookupCache.lookupStepFirstThenFunction) checks a call of that name
against the plugin step's parameters, before and instead of the library's global variable; at run time
CpsScript.invokeMethod calls a global variable before a step of the same name. The harness models both (see
DeclarativeStepCheck in pipeline_harness.groovy); docs/jenkins.md cites the sources.
"""

from __future__ import annotations

from support.jenkins_pipeline import PLUGIN_STEPS, SECRET, Outcome, ScenarioBook

BOOK = ScenarioBook(emulator=True)

def _pipeline(build: str, deploy: str) -> str:
    return f"""
pipeline {{
    agent any
    environment {{
        JIRA_SITE = 'acme'
    }}
    stages {{
        stage('Deploy') {{
            steps {{
                sh 'true'
            }}
            post {{
                always {{ {deploy} }}
            }}
        }}
    }}
    post {{
        always {{ {build} }}
    }}
}}
"""


OURS = _pipeline("jiraDevopsSendBuildInfo(credentialsId: 'jira-oauth')",
                 "jiraDevopsSendDeploymentInfo(environmentName: 'staging', credentialsId: 'jira-oauth')")


@BOOK.scenario(_pipeline("jiraSendBuildInfo(credentialsId: 'jira-oauth')",
                         "jiraSendDeploymentInfo(environmentName: 'staging', environmentType: 'staging', "
                         "environmentId: 'staging', credentialsId: 'jira-oauth')"),
               plugin_steps=PLUGIN_STEPS)
def test_the_plugins_names_with_this_librarys_parameters_do_not_compile_next_to_the_plugin(outcome: Outcome) -> None:
    assert outcome.error is not None
    assert outcome.error.startswith("startup failed:\nWorkflowScript: ")
    assert 'Invalid parameter "credentialsId", did you mean ' in outcome.error
    assert outcome.calls == []  # nothing of the pipeline ran


@BOOK.scenario(_pipeline("jiraSendBuildInfo()", "jiraSendDeploymentInfo(environmentName: 'staging')"),
               plugin_steps=PLUGIN_STEPS)
def test_the_plugins_required_parameters_are_enforced_next_to_the_plugin(outcome: Outcome) -> None:
    assert outcome.error is not None
    assert 'Missing required parameter: "environmentId"' in outcome.error


@BOOK.scenario(OURS, plugin_steps=PLUGIN_STEPS, env={"JIRA_SITE": "acme"})
def test_the_librarys_own_names_compile_and_report_next_to_the_plugin(outcome: Outcome) -> None:
    assert outcome.error is None, outcome.error
    assert outcome.emulator_state is not None
    assert len(outcome.emulator_state["builds"]) == 1
    [deployment] = outcome.emulator_state["deployments"]
    assert deployment["environment"]["id"] == "staging"


@BOOK.scenario(OURS, env={"JIRA_SITE": "acme"})
def test_the_librarys_own_names_work_once_the_plugin_is_gone(outcome: Outcome) -> None:
    assert outcome.error is None, outcome.error
    assert outcome.emulator_state is not None
    assert len(outcome.emulator_state["builds"]) == 1


@BOOK.scenario(_pipeline("jiraSendBuildInfo(site: 'acme')",
                         "jiraSendDeploymentInfo(environmentId: 'staging', environmentName: 'staging', "
                         "environmentType: 'staging')"),
               plugin_steps=PLUGIN_STEPS, env={"JIRA_DEVOPS_CREDENTIALS_ID": "jira-oauth"})
def test_plugin_era_calls_compile_and_run_this_library(outcome: Outcome) -> None:
    # Only the plugin's parameters: the validator accepts them, and at run time the library's global
    # variable wins over the plugin's step, so this library reports (with its OAuth credential).
    assert outcome.error is None, outcome.error
    assert outcome.emulator_state is not None
    assert len(outcome.emulator_state["builds"]) == 1
    assert len(outcome.emulator_state["deployments"]) == 1
    assert any("jiraSendBuildInfo: accepted: build" in line for line in outcome.echoed)
    assert SECRET not in outcome.log
    assert all(SECRET not in call["script"] for call in outcome.steps("sh"))


@BOOK.scenario(_pipeline("script { jiraSendBuildInfo(credentialsId: 'jira-oauth') }",
                         "script { jiraSendDeploymentInfo(environmentName: 'staging', credentialsId: 'jira-oauth') }"),
               plugin_steps=PLUGIN_STEPS)
def test_a_script_block_is_not_validated(outcome: Outcome) -> None:
    assert outcome.error is None, outcome.error
    assert outcome.emulator_state is not None
    assert len(outcome.emulator_state["deployments"]) == 1


AGENTLESS = """
pipeline {
    agent none
    environment {
        JIRA_SITE = 'acme'
        JIRA_DEVOPS_CREDENTIALS_ID = 'jira-oauth'
    }
    stages {
        stage('Wait') {
            steps {
                echo 'no agent here'
            }
        }
    }
    post {
        always { jiraDevopsSendBuildInfo(nodeLabel: 'linux') }
    }
}
"""


@BOOK.scenario(AGENTLESS, plugin_steps=PLUGIN_STEPS)
def test_an_agent_less_pipeline_reports_from_its_post_with_node_label(outcome: Outcome) -> None:
    assert outcome.error is None, outcome.error
    assert outcome.steps("node") == [{"step": "node", "label": "linux"}]
    assert outcome.emulator_state is not None
    assert len(outcome.emulator_state["builds"]) == 1
    assert outcome.build_result == "SUCCESS"
    assert SECRET not in outcome.log


@BOOK.scenario(AGENTLESS.replace("jiraDevopsSendBuildInfo(nodeLabel: 'linux')", "jiraSendBuildInfo()"))
def test_an_agent_less_post_without_node_label_shows_the_fix(outcome: Outcome) -> None:
    assert outcome.build_result == "UNSTABLE"
    assert "pass nodeLabel: 'linux'" in outcome.steps("unstable")[0]["message"]
