"""The library's steps against the emulator: what Jira stores, what the steps return, and no leaked secret.

Every scenario runs in one groovy process against one emulator, which the harness resets before each
scenario and whose stored data and received requests it records after it.
"""

from __future__ import annotations

from support.jenkins_pipeline import (
    CLIENT_ID,
    SECRET,
    Outcome,
    ScenarioBook,
    default_credentials,
)

BOOK = ScenarioBook(emulator=True)

WRONG_SECRET = {**default_credentials(),
                "jira-oauth": {"type": "usernamePassword", "username": CLIENT_ID, "password": "not-the-secret"}}


def _leaks(outcome: Outcome) -> list[str]:
    """Every place the secret showed up: scripts handed to sh, their output, the log, withEnv, echo."""
    places = []
    for call in outcome.steps("sh"):
        places += [f"sh {part}" for part in ("script", "stdout", "stderr") if SECRET in call[part]]
    places += [f"withEnv {entry}" for call in outcome.steps("withEnv") for entry in call["entries"]
               if SECRET in entry]
    places += [f"echo {line}" for line in outcome.echoed if SECRET in line]
    if SECRET in outcome.log:
        places.append("log")
    return places


@BOOK.scenario("return jiraSendBuildInfo(site: 'acme', credentialsId: 'jira-oauth', issueKeys: ['ABC-40'])",
               current_result="UNSTABLE")
def test_a_build_reaches_jira_with_its_state_and_keys(outcome: Outcome) -> None:
    assert outcome.emulator_state is not None
    [build] = outcome.emulator_state["builds"]
    assert build["state"] == "failed"
    assert set(build["issueKeys"]) == {"ABC-12", "OPS-7", "ABC-40"}
    assert outcome.returned["ok"] is True
    assert outcome.returned["accepted"] == [{"pipelineId": build["pipelineId"], "buildNumber": build["buildNumber"]}]
    assert f"jiraSendBuildInfo: accepted: build {build['pipelineId']} #{build['buildNumber']}" in outcome.log
    assert _leaks(outcome) == []


@BOOK.scenario("return [sent: jiraSendBuildInfo(), number: env.BUILD_NUMBER, url: env.BUILD_URL]",
               env={"JIRA_SITE": "acme", "JIRA_DEVOPS_CREDENTIALS_ID": "jira-oauth"})
def test_with_no_parameters_the_jobs_facts_reach_jira(outcome: Outcome) -> None:
    assert outcome.returned["sent"]["ok"] is True, outcome.log
    assert outcome.emulator_state is not None
    [build] = outcome.emulator_state["builds"]
    assert build["pipelineId"] == "acme/app"
    assert build["buildNumber"] == int(outcome.returned["number"])
    assert build["url"] == outcome.returned["url"]
    assert build["state"] == "successful"


@BOOK.scenario("""
    return [pair: jiraSendBuildInfo(site: 'acme', credentialsId: 'jira-oauth'),
            texts: jiraSendDeploymentInfo(site: 'acme', environmentName: 'staging',
                                          credentialsId: ['jira-client-id', 'jira-client-secret'])]
""")
def test_both_kinds_of_credentials_work_and_the_secret_never_shows(outcome: Outcome) -> None:
    assert outcome.returned["pair"]["ok"] is True
    assert outcome.returned["texts"]["ok"] is True
    assert outcome.emulator_requests is not None
    api = [r for r in outcome.emulator_requests if r["path"].startswith(("/jira/", "/rest/"))]
    assert api and all(request["authorized"] for request in api)
    assert _leaks(outcome) == []


@BOOK.scenario("return jiraSendBuildInfo(site: 'acme', credentialsId: 'jira-oauth')", credentials=WRONG_SECRET)
def test_refused_credentials_are_printed_and_the_build_goes_on(outcome: Outcome) -> None:
    assert outcome.error is None
    assert outcome.build_result is None
    assert outcome.returned["ok"] is False
    assert outcome.returned["exitCode"] == 3
    assert "error:" in outcome.log  # the CLI's own one-line explanation
    assert "the build goes on; set failOnError: true to fail it" in outcome.log
    assert outcome.emulator_state is not None
    assert outcome.emulator_state["builds"] == []


@BOOK.scenario("jiraSendBuildInfo(site: 'acme', credentialsId: 'jira-oauth', failOnError: true)",
               credentials=WRONG_SECRET)
def test_refused_credentials_fail_the_build_with_fail_on_error(outcome: Outcome) -> None:
    assert outcome.error is not None
    assert outcome.error.startswith("jiraSendBuildInfo: ")
    assert "not-the-secret" not in outcome.log


@BOOK.scenario("return jiraSendBuildInfo(site: 'acme', credentialsId: 'jira-oauth', issueKeys: ['ZZZ-1'])")
def test_keys_jira_does_not_know_are_returned_and_printed(outcome: Outcome) -> None:
    assert outcome.returned["ok"] is True
    assert outcome.returned["unknownIssueKeys"] == ["ZZZ-1"]
    assert "jiraSendBuildInfo: issue keys Jira does not know: ZZZ-1" in outcome.log


@BOOK.scenario("""
    return jiraSendDeploymentInfo(site: 'acme', credentialsId: 'jira-oauth', environmentId: 'prod-eu',
                                  environmentName: 'Production EU', environmentType: 'production')
""")
def test_a_deployment_reaches_jira_with_its_environment(outcome: Outcome) -> None:
    assert outcome.emulator_state is not None
    [deployment] = outcome.emulator_state["deployments"]
    assert deployment["environment"] == {"id": "prod-eu", "displayName": "Production EU", "type": "production"}
    assert deployment["state"] == "successful"
    assert set(deployment["associatedIssueKeys"]) >= {"ABC-12", "OPS-7"}
    assert outcome.returned["accepted"][0]["environmentId"] == "prod-eu"


GATED_DEPLOYMENT = ("site: 'acme', credentialsId: 'jira-oauth', environmentName: 'production', enableGating: true, "
                    "serviceIds: ['svc-1']")
GATED = f"{GATED_DEPLOYMENT}, gatePoll: '1s'"


@BOOK.scenario(f"""
    Map sent = jiraSendDeploymentInfo({GATED})
    return [sent: sent, check: checkGatingStatus(site: 'acme', credentialsId: 'jira-oauth',
                                                 environmentId: 'production')]
""", setup=[{"method": "POST", "path": "/_emulator/gates", "body": {"decision": "allowed"}}])
def test_a_gate_that_allows_lets_the_deploy_stage_go_on(outcome: Outcome) -> None:
    assert outcome.error is None
    assert outcome.returned["sent"]["gateStatus"] == "allowed"
    assert outcome.returned["check"] is True
    assert outcome.emulator_state is not None
    [deployment] = outcome.emulator_state["deployments"]
    assert deployment["state"] == "pending"


@BOOK.scenario(f"""
    jiraSendDeploymentInfo({GATED})
    return 'deployed anyway'
""", setup=[{"method": "POST", "path": "/_emulator/gates", "body": {"decision": "prevented"}}])
def test_a_gate_that_prevents_aborts_the_build(outcome: Outcome) -> None:
    assert outcome.returned is None
    assert outcome.error is not None
    assert outcome.error.startswith("jiraSendDeploymentInfo: the deployment gate did not allow this deployment: "
                                    "the gate prevented")
    assert "do not deploy" in outcome.error
    assert outcome.build_result == "ABORTED"


@BOOK.scenario(f"""
    String stopped = null
    try {{
        jiraSendDeploymentInfo({GATED}, gateTimeout: '0s')
    }} catch (Exception problem) {{
        stopped = problem.message
    }}
    boolean before = checkGatingStatus(site: 'acme', credentialsId: 'jira-oauth', environmentId: 'production')
    emulatorControl('POST', '/_emulator/gates', [decision: 'allowed', awaiting_polls: 2])
    int checks = 0
    waitUntil {{
        checks++
        return checkGatingStatus(site: 'acme', credentialsId: 'jira-oauth', environmentId: 'production')
    }}
    return [stopped: stopped, before: before, checks: checks]
""", setup=[{"method": "POST", "path": "/_emulator/gates", "body": {"decision": "awaiting"}}])
def test_check_gating_status_answers_false_until_the_gate_allows(outcome: Outcome) -> None:
    assert outcome.error is None, outcome.log
    assert outcome.returned["stopped"].startswith("jiraSendDeploymentInfo: the deployment gate did not allow")
    assert outcome.returned["before"] is False
    assert outcome.returned["checks"] == 3


@BOOK.scenario("""
    int checks = 0
    waitUntil {
        checks++
        return checkGatingStatus(site: 'acme', credentialsId: 'jira-oauth', environmentId: 'production')
    }
    return checks
""", setup=[{"method": "POST", "path": "/_emulator/gates", "body": {"decision": "allowed"}}])
def test_check_gating_status_on_an_unknown_deployment_fails_as_the_plugin_does(outcome: Outcome) -> None:
    # No gated deployment was sent in this run: Jira knows no gate. The plugin throws here, so a waitUntil
    # loop ends at once instead of spinning until its timeout; never a yes.
    assert outcome.returned is None
    assert outcome.error is not None
    assert outcome.error.startswith("checkGatingStatus: Jira knows no gate for this deployment (was it sent with "
                                    "enableGating: true, to this environmentId?)")
    assert len(outcome.steps("sh")) == 1


@BOOK.scenario("""
    return [soft: checkGatingStatus(site: 'acme', credentialsId: 'jira-oauth', environmentId: 'production',
                                    apiUrl: 'http://127.0.0.1:9/', timeout: '1s'),
            hard: checkGatingStatus(site: 'acme', credentialsId: 'jira-oauth', environmentId: 'production',
                                    apiUrl: 'http://127.0.0.1:9/', timeout: '1s', failOnError: true)]
""")
def test_check_gating_status_takes_fail_on_error(outcome: Outcome) -> None:
    # Jira unreachable: "not decided yet" by default; with failOnError: true the build fails.
    assert outcome.returned is None
    assert outcome.error is not None
    assert outcome.error.startswith("checkGatingStatus: the gate could not be checked: ")
    assert "does not apply" not in outcome.log
    assert "the gate is treated as not decided yet" in outcome.log


@BOOK.scenario(f"""
    Map sent = jiraDevopsSendDeploymentInfo({GATED_DEPLOYMENT}, gatePoll: '45s', gateTimeout: '1h')
    return sent
""", setup=[{"method": "POST", "path": "/_emulator/gates",
              "body": {"decision": "allowed", "unknown_polls": 2, "awaiting_polls": 2}}])
def test_a_long_gate_wait_sleeps_in_the_pipeline_between_short_checks(outcome: Outcome) -> None:
    # Jira first does not know the gate (404), then awaits, then allows: the step keeps looking.
    assert outcome.error is None, outcome.log
    assert outcome.returned["gateStatus"] == "allowed"
    assert outcome.returned["ok"] is True
    sleeps = [call["args"] for call in outcome.steps("sleep")]
    assert sleeps and all(args == {"time": 45, "unit": "SECONDS"} for args in sleeps)
    commands = [call["env"]["JIRA_DEVOPS_STEP_COMMAND"] for call in outcome.steps("sh")]
    assert commands == ["report-deploy"] + ["gate-status"] * len(sleeps)
    assert outcome.steps("sh")[0]["env"]["JIRA_DEVOPS_GATE_TIMEOUT"] == "0s"  # no wait inside sh
    assert all(call["millis"] < 60_000 for call in outcome.steps("sh"))
    assert outcome.emulator_state is not None
    [deployment] = outcome.emulator_state["deployments"]
    assert deployment["state"] == "pending"


@BOOK.scenario(f"""
    jiraSendDeploymentInfo({GATED_DEPLOYMENT}, gatePoll: '10m', gateTimeout: '25m')
""", setup=[{"method": "POST", "path": "/_emulator/gates", "body": {"decision": "awaiting"}}])
def test_a_gate_wait_ends_at_its_timeout(outcome: Outcome) -> None:
    assert outcome.error is not None
    assert outcome.error.startswith("jiraSendDeploymentInfo: the deployment gate did not allow this deployment")
    assert [call["args"]["time"] for call in outcome.steps("sleep")] == [600, 600, 300]


@BOOK.scenario(f"""
    jiraSendDeploymentInfo({GATED}, gateTimeout: '0s', failOnError: false)
""", setup=[{"method": "POST", "path": "/_emulator/gates", "body": {"decision": "awaiting"}}])
def test_an_undecided_gate_stops_the_build_even_without_fail_on_error(outcome: Outcome) -> None:
    assert outcome.error is not None
    assert outcome.error.startswith("jiraSendDeploymentInfo: the deployment gate did not allow this deployment")
    assert outcome.build_result is None  # failed, not aborted: nobody said no


@BOOK.scenario(f"""
    String stopped = null
    try {{
        jiraSendDeploymentInfo({GATED}, gateTimeout: '0s')
    }} catch (Exception problem) {{
        stopped = problem.message
    }}
    emulatorControl('POST', '/_emulator/gates', [decision: 'prevented'])
    checkGatingStatus(site: 'acme', credentialsId: 'jira-oauth', environmentId: 'production')
    return 'went on'
""", setup=[{"method": "POST", "path": "/_emulator/gates", "body": {"decision": "awaiting"}}])
def test_check_gating_status_aborts_the_build_when_the_gate_prevents(outcome: Outcome) -> None:
    assert outcome.returned is None
    assert outcome.error is not None
    assert outcome.error.startswith("checkGatingStatus: the deployment gate answered prevented: "
                                    "this deployment may not proceed (the gate prevented")
    assert outcome.build_result == "ABORTED"
