"""report_deploy records the deployed commit after success, in a real repository with a real bare remote.

Jira is a respx fake here; the end-to-end runs through the CLI and the emulator live beside these.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import respx

from jira_devops.ci.context import CiContext
from jira_devops.delivery.report import report_deploy
from jira_devops.jira.payloads import GitFacts, deployment_item
from jira_devops.redact import forget_secrets
from jira_devops.settings import Settings

API = "https://api.example.test"
CLOUD_ID = "0f1e2d3c-aaaa-bbbb-cccc-000000000002"
MARKER = "refs/jira-devops/deploys/production"
DEPLOYMENTS = f"/jira/deployments/0.1/cloud/{CLOUD_ID}/bulk"


@pytest.fixture
def jira() -> Iterator[respx.MockRouter]:
    """A fake Jira that accepts every deployment."""
    with respx.mock(base_url=API, assert_all_called=False) as router:
        router.post("/oauth/token").respond(200, json={"access_token": "tok-0123456789", "expires_in": 3600})
        router.post(DEPLOYMENTS).respond(202, json={"acceptedDeployments": [
            {"pipelineId": "acme/api", "environmentId": "production", "deploymentSequenceNumber": 7}]})
        yield router
    forget_secrets()


def settings(repo: Path, tmp_path: Path, **values: object) -> Settings:
    given: dict[str, object] = {
        "api_url": API, "cloud_id": CLOUD_ID, "client_id": "client-1", "client_secret": "secret-value-1",
        "cache_dir": str(tmp_path / "cache"), "environment": "production", "deployment_number": 7,
        "pipeline_id": "acme/api", "url": "https://ci.example.test/7", "issue_key": ("ABC-1",),
        "repo": str(repo), **values,
    }
    return Settings(**given)  # type: ignore[arg-type]


def test_a_successful_deploy_records_its_commit(origin, jira, tmp_path: Path) -> None:
    result = report_deploy(settings(origin.work, tmp_path), ci=CiContext())

    assert result.accepted
    assert result.warnings == []
    assert origin.remote_ref(MARKER) == origin.git(origin.work, "rev-parse", "HEAD")


def test_the_given_commit_is_recorded_rather_than_head(origin, jira, tmp_path: Path) -> None:
    deployed = origin.git(origin.work, "rev-parse", "HEAD")
    origin.commit("ABC-2 not deployed yet")

    report_deploy(settings(origin.work, tmp_path, commit=deployed), ci=CiContext())

    assert origin.remote_ref(MARKER) == deployed


def test_push_refused_is_a_warning_and_the_report_is_still_sent(origin, jira, tmp_path: Path) -> None:
    origin.reject_pushes()

    result = report_deploy(settings(origin.work, tmp_path, record=True), ci=CiContext(provider="github"))

    assert result.accepted
    assert jira.routes[1].called
    assert result.exit_code == 0
    assert any("contents: write" in warning for warning in result.warnings)
    assert origin.remote_ref(MARKER) is None


def test_push_refused_is_only_a_note_when_nobody_relies_on_the_history(origin, jira, tmp_path: Path) -> None:
    origin.reject_pushes()

    result = report_deploy(settings(origin.work, tmp_path), ci=CiContext(provider="github"))

    assert result.accepted
    assert result.warnings == []
    assert any("contents: write" in note for note in result.notes)


@pytest.mark.parametrize("values", [{"dry_run": True}, {"record": False}, {"state": "failed"},
                                    {"state": "in_progress"}])
def test_no_marker_without_a_successful_real_deploy(origin, jira, tmp_path: Path, values: dict[str, object]) -> None:
    report_deploy(settings(origin.work, tmp_path, **values), ci=CiContext())

    assert origin.remote_ref(MARKER) is None


def test_a_rolled_back_state_is_recorded(origin, jira, tmp_path: Path) -> None:
    report_deploy(settings(origin.work, tmp_path, state="rolled_back"), ci=CiContext())

    assert origin.remote_ref(MARKER) == origin.git(origin.work, "rev-parse", "HEAD")


def _deployment_state(rollback: bool, **values: object) -> str:
    given: dict[str, object] = {"environment": "production", "deployment_number": 3, "pipeline_id": "p",
                                "url": "https://ci.example.test/3", **values}
    prepared = deployment_item(Settings(**given), CiContext(), GitFacts(), ["ABC-1"],  # type: ignore[arg-type]
                               rollback=rollback)
    return str(prepared.item.state)


def test_a_rollback_defaults_the_state_to_rolled_back() -> None:
    assert _deployment_state(True) == "rolled_back"
    assert _deployment_state(False) == "successful"


def test_a_given_state_wins_over_the_rollback_suggestion() -> None:
    assert _deployment_state(True, state="successful") == "successful"
    assert _deployment_state(True, state="failure") == "failed"
