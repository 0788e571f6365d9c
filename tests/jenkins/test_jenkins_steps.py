"""The library's steps driven for real (groovy + the real CLI, dry runs: what would be sent).

Every scenario below runs in one groovy process; each test asserts on its own scenario's outcome.
"""

from __future__ import annotations

from pathlib import Path

from support.jenkins_pipeline import CLIENT_ID, GITHUB_TOKEN, SECRET, Outcome, ScenarioBook

BOOK = ScenarioBook()


def _build(outcome: Outcome) -> dict:
    return dict(outcome.body()["builds"][0])


def _deployment(outcome: Outcome) -> dict:
    return dict(outcome.body()["deployments"][0])


# --- state from the build's result -------------------------------------------------------------------

@BOOK.scenario("""
    Map states = [:]
    for (String word in ['SUCCESS', 'UNSTABLE', 'FAILURE', 'ABORTED', 'NOT_BUILT']) {
        currentBuild.currentResult = word
        states[word] = jiraSendBuildInfo(dryRun: true).bodies[0].builds[0].state
    }
    return states
""")
def test_build_state_defaults_from_the_current_result(outcome: Outcome) -> None:
    assert outcome.returned == {"SUCCESS": "successful", "UNSTABLE": "failed", "FAILURE": "failed",
                                "ABORTED": "cancelled", "NOT_BUILT": "cancelled"}


@BOOK.scenario("return jiraSendBuildInfo(dryRun: true, state: 'in_progress')", current_result="FAILURE")
def test_an_explicit_state_wins_over_the_current_result(outcome: Outcome) -> None:
    assert _build(outcome)["state"] == "in_progress"


@BOOK.scenario("return jiraSendDeploymentInfo(environmentName: 'production', dryRun: true)",
               current_result="UNSTABLE")
def test_deployment_state_defaults_from_the_current_result(outcome: Outcome) -> None:
    assert _deployment(outcome)["state"] == "failed"


# --- the plugin's parameters -------------------------------------------------------------------------

@BOOK.scenario("""
    return jiraSendBuildInfo(site: 'acme.atlassian.net', branch: 'OPS-9-hotfix', issueKeys: ['ABC-40'],
                             credentialsId: 'jira-oauth', dryRun: true)
""")
def test_build_takes_the_plugins_parameters(outcome: Outcome) -> None:
    assert outcome.sh_environment["JIRA_SITE"] == "acme.atlassian.net"
    assert outcome.sh_environment["JIRA_DEVOPS_BRANCH"] == "OPS-9-hotfix"
    assert set(_build(outcome)["issueKeys"]) >= {"ABC-40", "OPS-9"}
    assert outcome.returned["keySources"]["ABC-40"] == ["explicit"]
    assert outcome.returned["ok"] is True


@BOOK.scenario("""
    return jiraSendDeploymentInfo(site: 'acme', environmentId: 'prod-eu', environmentName: 'Production EU',
                                  environmentType: 'production', state: 'successful',
                                  serviceIds: ['svc-1', 'svc-2'], issueKeys: ['ABC-41'], dryRun: true)
""")
def test_deployment_takes_the_plugins_parameters(outcome: Outcome) -> None:
    deployment = _deployment(outcome)
    assert deployment["environment"] == {"id": "prod-eu", "displayName": "Production EU", "type": "production"}
    assert deployment["state"] == "successful"
    assert "ABC-41" in outcome.returned["issueKeys"]
    services = [a for a in deployment.get("associations", []) if a["associationType"] == "serviceIdOrKeys"]
    assert services and services[0]["values"] == ["svc-1", "svc-2"]


@BOOK.scenario("""
    return [gating: jiraSendDeploymentInfo(environmentName: 'production', enableGating: true,
                                           serviceIds: ['svc-1'], dryRun: true),
            legacy: jiraSendDeploymentInfo(environmentName: 'production', enableGate: true,
                                           serviceIds: ['svc-1'], dryRun: true)]
""", current_result="SUCCESS")
def test_a_gated_deployment_is_pending_and_asks_for_the_gate(outcome: Outcome) -> None:
    for name in ("gating", "legacy"):
        deployment = outcome.returned[name]["bodies"][0]["deployments"][0]
        assert deployment["state"] == "pending", name
        assert {"command": "initiate_deployment_gating"} in deployment.get("commands", []), name


# --- bad parameters ----------------------------------------------------------------------------------

@BOOK.scenario("return jiraSendBuildInfo(sitee: 'acme', issuekeys: ['ABC-1'])")
def test_unknown_parameters_are_named_and_the_build_goes_on(outcome: Outcome) -> None:
    assert outcome.error is None
    assert outcome.build_result is None
    assert outcome.returned["ok"] is False
    assert outcome.returned["exitCode"] == 2
    assert "unknown parameter 'sitee'" in outcome.returned["message"]
    assert "unknown parameter 'issuekeys' (did you mean 'issueKeys'?)" in outcome.returned["message"]
    assert outcome.steps("sh") == []
    assert any("set failOnError: true to fail it" in line for line in outcome.echoed)


@BOOK.scenario(f"return jiraSendBuildInfo(clientSecret: '{SECRET}')")
def test_a_secret_passed_as_a_parameter_is_refused_without_echoing_it(outcome: Outcome) -> None:
    assert outcome.returned["ok"] is False
    assert "never pass clientSecret as a parameter" in outcome.returned["message"]
    assert "credentialsId" in outcome.returned["message"]
    assert SECRET not in outcome.log
    assert outcome.steps("sh") == []


@BOOK.scenario("return jiraSendBuildInfo(environmentId: 'prod', dryRun: true)")
def test_a_parameter_of_another_command_is_refused(outcome: Outcome) -> None:
    assert outcome.returned["message"] == "parameter 'environmentId' does not apply to report-build"


@BOOK.scenario("return jiraSendBuildInfo(sitee: 'acme', failOnError: true)")
def test_fail_on_error_fails_the_build(outcome: Outcome) -> None:
    assert outcome.error is not None
    assert outcome.error.startswith("jiraSendBuildInfo: unknown parameter 'sitee'")


@BOOK.scenario("""
    Map soft = jiraSendBuildInfo(state: 'bogus', dryRun: true)
    String failed = null
    try {
        jiraSendBuildInfo(state: 'bogus', dryRun: true, failOnError: 'true')
    } catch (Exception problem) {
        failed = problem.message
    }
    return [soft: soft, failed: failed]
""")
def test_a_cli_failure_is_printed_and_fails_only_with_fail_on_error(outcome: Outcome) -> None:
    soft = outcome.returned["soft"]
    assert soft["ok"] is False
    assert soft["exitCode"] == 2
    assert "usage or configuration error" in soft["message"]
    assert "state 'bogus' is not a build state" in outcome.log  # the CLI's own message, in the log
    assert outcome.returned["failed"].startswith("jiraSendBuildInfo: jira-devops exited 2")


# --- secrets and values reach the CLI through the environment only --------------------------------------

@BOOK.scenario("""
    return [pair: jiraSendBuildInfo(credentialsId: 'jira-oauth', dryRun: true),
            texts: jiraSendBuildInfo(credentialsId: ['jira-client-id', 'jira-client-secret'], dryRun: true)]
""")
def test_credentials_are_bound_with_with_credentials_and_never_in_scripts(outcome: Outcome) -> None:
    bindings = [call["bindings"] for call in outcome.steps("withCredentials")]
    assert bindings[0] == [{"type": "usernamePassword", "credentialsId": "jira-oauth",
                            "usernameVariable": "JIRA_CLIENT_ID", "passwordVariable": "JIRA_CLIENT_SECRET"}]
    assert bindings[1] == [
        {"type": "string", "credentialsId": "jira-client-id", "variable": "JIRA_CLIENT_ID"},
        {"type": "string", "credentialsId": "jira-client-secret", "variable": "JIRA_CLIENT_SECRET"},
    ]
    for call in outcome.steps("sh"):
        assert call["env"]["JIRA_CLIENT_SECRET"] == SECRET  # the CLI got it, in its environment
        assert SECRET not in call["script"]
        assert CLIENT_ID not in call["script"]
    for call in outcome.steps("withEnv"):
        assert not any(SECRET in entry for entry in call["entries"])
    assert SECRET not in outcome.log


@BOOK.scenario("""
    return jiraSendDeploymentInfo(environmentName: 'production', credentialsId: 'jira-oauth',
                                  githubCredentialsId: 'github-token', dryRun: true)
""")
def test_a_github_token_is_bound_from_its_own_credential(outcome: Outcome) -> None:
    [call] = outcome.steps("withCredentials")
    assert {"type": "string", "credentialsId": "github-token", "variable": "GITHUB_TOKEN"} in call["bindings"]
    assert outcome.sh_environment["GITHUB_TOKEN"] == GITHUB_TOKEN
    assert GITHUB_TOKEN not in outcome.steps("sh")[0]["script"]
    assert GITHUB_TOKEN not in outcome.log


@BOOK.scenario("return jiraSendBuildInfo(credentialsId: 'no-such-credential', dryRun: true)")
def test_an_unknown_credential_turns_the_build_unstable_with_the_fix(outcome: Outcome) -> None:
    assert outcome.error is None
    assert outcome.build_result == "UNSTABLE"
    assert outcome.returned["cannotRun"] is True
    [line] = [call["message"] for call in outcome.steps("unstable")]
    assert line == ("jiraSendBuildInfo: cannot report: the credential could not be bound (Could not find credentials "
                    "entry with ID 'no-such-credential'): add it under Manage Jenkins > Credentials (username = "
                    "client ID, password = client secret), or pass the right credentialsId")
    assert outcome.steps("sh") == []


HOSTILE = """$(touch pwned) `touch pwned2` ; touch pwned3 'single' "double" \\\\ $HOME"""


@BOOK.scenario(f"""
    return jiraDevops(command: 'report-build', description: '''{HOSTILE}''', args: ['--label', '''{HOSTILE}'''],
                      dryRun: true)
""")
def test_values_reach_the_cli_verbatim_and_are_never_run_by_the_shell(outcome: Outcome) -> None:
    build = _build(outcome)
    expected = HOSTILE.replace("\\\\", "\\")
    assert build["description"] == expected
    assert build["label"] == expected
    workspace = Path(outcome.steps("sh")[0]["env"]["JIRA_DEVOPS_STEP_REQUIREMENTS"]).parent.parent.parent
    assert not list(workspace.parent.glob("**/pwned*"))


@BOOK.scenario("return jiraDevops(dryRun: true)")
def test_the_general_step_needs_a_command(outcome: Outcome) -> None:
    assert outcome.returned["ok"] is False
    assert "'command' parameter is missing" in outcome.returned["message"]


@BOOK.scenario("""
    return jiraDevops(command: 'report-deploy', environment: 'staging', issueKeys: 'ABC-3, ABC-4', dryRun: true)
""", current_result="FAILURE")
def test_the_general_step_runs_any_command_with_registry_names(outcome: Outcome) -> None:
    deployment = _deployment(outcome)
    assert deployment["environment"]["displayName"] == "staging"
    assert {"ABC-3", "ABC-4"} <= set(outcome.returned["issueKeys"])
    assert outcome.sh_environment["JIRA_DEVOPS_JOB_STATUS"] == "FAILURE"
    assert "JIRA_DEVOPS_STATE" not in outcome.sh_environment  # the general step states nothing itself


@BOOK.scenario("""
    jiraSendBuildInfo(dryRun: true)
    return env.WORKSPACE
""")
def test_the_step_prints_a_summary_of_the_keys(outcome: Outcome) -> None:
    assert "jiraSendBuildInfo: issue keys: ABC-12 (branch), OPS-7 (commit:" in outcome.log
    assert "warning" not in outcome.log  # the CLI on PATH is the library's version


# --- outside a node ------------------------------------------------------------------------------------

@BOOK.scenario("return jiraSendBuildInfo(dryRun: true)", env={"WORKSPACE": ""})
def test_outside_a_node_the_step_shows_the_fix_and_the_build_turns_unstable(outcome: Outcome) -> None:
    assert outcome.returned["ok"] is False
    assert outcome.build_result == "UNSTABLE"
    assert outcome.steps("unstable")[0]["message"] == (
        "jiraSendBuildInfo: cannot report: jiraSendBuildInfo runs jira-devops on an agent and was called outside "
        "one: pass nodeLabel: 'linux' (a label of your Unix agents), or call it inside node('linux') { }")
    assert outcome.steps("sh") == []


@BOOK.scenario("return jiraDevopsSendBuildInfo(dryRun: true, nodeLabel: 'linux')", env={"WORKSPACE": ""})
def test_outside_a_node_node_label_acquires_one(outcome: Outcome) -> None:
    assert outcome.returned["ok"] is True, outcome.log
    assert outcome.steps("node") == [{"step": "node", "label": "linux"}]
    assert "ABC-12" in outcome.returned["issueKeys"]
    assert outcome.build_result is None


@BOOK.scenario("return checkGatingStatus(environmentId: 'production')", env={"WORKSPACE": ""})
def test_a_gate_check_outside_a_node_fails_fast_with_the_fix(outcome: Outcome) -> None:
    assert outcome.error == (
        "checkGatingStatus: cannot check the gate: checkGatingStatus runs jira-devops on an agent and was called "
        "outside one: pass nodeLabel: 'linux' (a label of your Unix agents), or call it inside node('linux') { }")
    assert outcome.steps("sh") == []


@BOOK.scenario("return jiraSendBuildInfo(dryRun: true, nodeLabel: 'linux')")
def test_inside_a_node_node_label_changes_nothing(outcome: Outcome) -> None:
    assert outcome.returned["ok"] is True
    assert outcome.steps("node") == []


# --- test results ---------------------------------------------------------------------------------------

@BOOK.scenario("return jiraSendBuildInfo(dryRun: true)", test_results={"total": 7, "failed": 2, "skipped": 1})
def test_the_builds_own_test_results_are_sent_without_a_parameter(outcome: Outcome) -> None:
    assert _build(outcome)["testInfo"] == {"totalNumber": 7, "numberPassed": 4, "numberFailed": 2,
                                           "numberSkipped": 1}


@BOOK.scenario("""
    junit 'reports/*.xml'
    return jiraDevopsSendBuildInfo(dryRun: true)
""", files={"reports/unit.xml": '<testsuite name="u"><testcase name="a"/><testcase name="b"><failure/></testcase>'
                                '<testcase name="c"><error/></testcase><testcase name="d"><skipped/></testcase>'
                                '</testsuite>'})
def test_what_the_junit_step_recorded_is_sent(outcome: Outcome) -> None:
    assert _build(outcome)["testInfo"] == {"totalNumber": 4, "numberPassed": 1, "numberFailed": 2,
                                           "numberSkipped": 1}


@BOOK.scenario("return jiraSendBuildInfo(dryRun: true, junit: 'reports/*.xml')",
               files={"reports/unit.xml": '<testsuite name="u"><testcase name="a"/><testcase name="b"/>'
                                          '<testcase name="c"/></testsuite>'},
               test_results={"total": 9, "failed": 9, "skipped": 0})
def test_the_junit_parameter_still_wins(outcome: Outcome) -> None:
    assert _build(outcome)["testInfo"]["totalNumber"] == 3
    assert "JIRA_DEVOPS_TESTS_TOTAL" not in outcome.sh_environment


@BOOK.scenario("return jiraSendBuildInfo(dryRun: true)")
def test_without_test_results_no_test_info_is_sent(outcome: Outcome) -> None:
    assert "testInfo" not in _build(outcome)


# --- plugin parity: a deployment's issueKeys are exactly those keys ---------------------------------------

@BOOK.scenario("""
    return [exact: jiraSendDeploymentInfo(environmentName: 'staging', issueKeys: ['ABC-41'], dryRun: true),
            added: jiraSendDeploymentInfo(environmentName: 'staging', issueKeys: ['ABC-41'], addDiscoveredKeys: true,
                                          dryRun: true),
            found: jiraDevopsSendDeploymentInfo(environmentName: 'staging', dryRun: true)]
""")
def test_a_deployments_issue_keys_are_exactly_those_given_as_in_the_plugin(outcome: Outcome) -> None:
    def keys(name: str) -> set[str]:
        associations = outcome.returned[name]["bodies"][0]["deployments"][0]["associations"]
        return {key for a in associations if a["associationType"] == "issueIdOrKeys" for key in a["values"]}

    assert keys("exact") == {"ABC-41"}
    assert keys("added") == {"ABC-41", "ABC-12", "OPS-7"}
    assert keys("found") == {"ABC-12", "OPS-7"}


# --- development information -------------------------------------------------------------------------

@BOOK.scenario("""
    return jiraSendDevelopmentInfo(site: 'acme', branch: 'OPS-9-hotfix', repositoryUrl: 'https://git.example.com/shop/app',
                                   dryRun: true)
""")
def test_development_info_reports_the_repository_and_branch(outcome: Outcome) -> None:
    repository = outcome.body()["repositories"][0]
    assert repository["id"] == "git.example.com~shop~app"
    assert repository["branches"][0]["name"] == "OPS-9-hotfix"
    assert repository["branches"][0]["issueKeys"] == ["OPS-9"]
    assert outcome.returned["ok"] is True
