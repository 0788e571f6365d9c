"""``jiraDevops(command: 'check')`` reaches ``jira-devops check`` against the emulator and returns its result."""

from __future__ import annotations

from support.jenkins_pipeline import Outcome, ScenarioBook

BOOK = ScenarioBook(emulator=True)


@BOOK.scenario("return jiraDevops(command: 'check', credentialsId: 'jira-oauth')")
def test_the_general_step_runs_the_check(outcome: Outcome) -> None:
    assert outcome.error is None, outcome.log
    assert outcome.returned["ok"] is True, outcome.log
    assert outcome.returned["exitCode"] == 0
    assert outcome.returned["permissions"] == {"builds": True, "deployments": True, "devinfo": True,
                                               "featureflags": True}
    assert outcome.returned["credentials"] == "accepted"
    assert outcome.emulator_state is not None and outcome.emulator_state["builds"] == []
