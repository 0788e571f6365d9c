"""examples/jenkins/Jenkinsfile runs as written (declarative, with its gated production deploy)."""

from __future__ import annotations

from support.jenkins_library import ROOT
from support.jenkins_pipeline import PLUGIN_STEPS, Outcome, ScenarioBook

BOOK = ScenarioBook(emulator=True)
JENKINSFILE = (ROOT / "examples" / "jenkins" / "Jenkinsfile").read_text(encoding="utf-8")

PROJECT = {
    "build.sh": """#!/bin/sh
mkdir -p build/test-results
cat > build/test-results/unit.xml <<'XML'
<testsuite name="unit" tests="3" failures="1" errors="0" skipped="0">
  <testcase name="a"/><testcase name="b"/><testcase name="c"><failure message="no"/></testcase>
</testsuite>
XML
""",
    "deploy.sh": """#!/bin/sh
touch "deployed-$1"
""",
}


def _gate(decision: str) -> list[dict]:
    return [{"method": "POST", "path": "/_emulator/gates", "body": {"decision": decision}}]


def _stages(outcome: Outcome) -> dict[str, bool]:
    return {call["name"]: not call["skipped"] for call in outcome.steps("stage")}



@BOOK.scenario(JENKINSFILE, branch="main", files=PROJECT, setup=_gate("allowed"))
def test_on_main_the_build_and_both_deployments_reach_jira(outcome: Outcome) -> None:
    assert outcome.error is None, outcome.log
    assert outcome.build_result == "SUCCESS"
    assert _stages(outcome) == {"Build": True, "Deploy to staging": True, "Deploy to production": True}
    assert outcome.emulator_state is not None
    [build] = outcome.emulator_state["builds"]
    assert build["state"] == "successful"
    assert build["testInfo"] == {"totalNumber": 3, "numberPassed": 2, "numberFailed": 1, "numberSkipped": 0}
    environments = {d["environment"]["id"]: d for d in outcome.emulator_state["deployments"]}
    assert environments["staging"]["state"] == "successful"
    assert environments["production"]["state"] == "successful"
    # The update after the gate still names the service: Jira keeps the change management link.
    services = [a["values"] for a in environments["production"]["associations"]
                if a["associationType"] == "serviceIdOrKeys"]
    assert services == [["b:YXJpOmNsb3VkOmdyYXBoOjpzZXJ2aWNl"]]
    assert outcome.emulator_requests is not None
    assert any("gating-status" in request["path"] and "/production/" in request["path"]
               for request in outcome.emulator_requests)
    assert "jiraDevopsSendDeploymentInfo: gate: allowed" in outcome.log


@BOOK.scenario(JENKINSFILE, branch="main", files=PROJECT, setup=_gate("allowed"), plugin_steps=PLUGIN_STEPS)
def test_the_example_compiles_and_reports_while_atlassians_plugin_is_installed(outcome: Outcome) -> None:
    assert outcome.error is None, outcome.error
    assert outcome.build_result == "SUCCESS"
    assert outcome.emulator_state is not None
    assert len(outcome.emulator_state["deployments"]) == 2


@BOOK.scenario(JENKINSFILE, branch="main", files=PROJECT, setup=_gate("prevented"))
def test_a_prevented_gate_stops_the_production_deploy(outcome: Outcome) -> None:
    assert outcome.build_result == "ABORTED"
    deploys = [call["script"] for call in outcome.steps("sh") if call["script"].startswith("./deploy.sh")]
    assert deploys == ["./deploy.sh staging"]
    assert outcome.emulator_state is not None
    environments = {d["environment"]["id"]: d for d in outcome.emulator_state["deployments"]}
    assert environments["production"]["state"] == "cancelled"
    [build] = outcome.emulator_state["builds"]
    assert build["state"] == "cancelled"


@BOOK.scenario(JENKINSFILE, branch="feature/ABC-12-login", files=PROJECT, setup=_gate("allowed"))
def test_on_a_feature_branch_only_the_build_is_reported(outcome: Outcome) -> None:
    assert outcome.error is None, outcome.log
    assert _stages(outcome) == {"Build": True, "Deploy to staging": False, "Deploy to production": False}
    assert outcome.emulator_state is not None
    assert outcome.emulator_state["deployments"] == []
    [build] = outcome.emulator_state["builds"]
    assert "ABC-12" in build["issueKeys"]
