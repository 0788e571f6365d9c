"""The GitHub deployments API as deploy history, against a respx fake of the deployments endpoints."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import respx

from jira_devops.ci.context import CiContext
from jira_devops.errors import UsageError
from jira_devops.history.deploys import find_last_deploy
from jira_devops.history.deploys.github import (
    GitHubHistoryError,
    GitHubTarget,
    latest_successful_deployment,
)
from jira_devops.settings import Settings

API = "https://github.example.test/api/v3"
TOKEN = "ghs_secretTokenValue123"
ENVIRON = {"GITHUB_REPOSITORY": "acme/api", "GITHUB_API_URL": API}
TARGET = GitHubTarget(API, "acme/api", TOKEN)


def fake_github(router: respx.MockRouter, deployments: list[dict[str, Any]],
                statuses: dict[int, list[str]]) -> respx.Route:
    """Serve ``deployments`` (newest first) and each one's statuses (newest first)."""
    listing = router.get(f"{API}/repos/acme/api/deployments").mock(return_value=httpx.Response(200, json=deployments))
    for deployment_id, states in statuses.items():
        router.get(f"{API}/repos/acme/api/deployments/{deployment_id}/statuses").mock(
            return_value=httpx.Response(200, json=[{"id": index, "state": state} for index, state in enumerate(states)])
        )
    return listing


@respx.mock(assert_all_called=False)
def test_latest_successful_deployment_skips_the_running_one(respx_mock: respx.MockRouter) -> None:
    listing = fake_github(respx_mock, [{"id": 3, "sha": "c" * 40}, {"id": 2, "sha": "b" * 40},
                                       {"id": 1, "sha": "a" * 40}],
                          {3: ["in_progress", "queued"], 2: ["inactive", "success", "in_progress"],
                           1: ["inactive", "success"]})

    found = latest_successful_deployment(TARGET, "production")

    assert found is not None
    assert (found.id, found.sha) == (2, "b" * 40)
    request = listing.calls.last.request
    assert request.url.params["environment"] == "production"
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert request.headers["Accept"] == "application/vnd.github+json"
    assert not respx_mock.routes[3].called  # deployment 1 was never needed


@respx.mock
def test_no_successful_deployment_is_none(respx_mock: respx.MockRouter) -> None:
    fake_github(respx_mock, [{"id": 5, "sha": "e" * 40}], {5: ["failure", "in_progress"]})

    assert latest_successful_deployment(TARGET, "production") is None


@respx.mock
def test_forbidden_names_the_permission_and_never_the_token(respx_mock: respx.MockRouter) -> None:
    respx_mock.get(f"{API}/repos/acme/api/deployments").mock(return_value=httpx.Response(403, json={}))

    with pytest.raises(GitHubHistoryError) as caught:
        latest_successful_deployment(TARGET, "production")

    assert "deployments: read" in str(caught.value)
    assert TOKEN not in str(caught.value)


@respx.mock
def test_unreachable_github_is_a_history_error(respx_mock: respx.MockRouter) -> None:
    respx_mock.get(f"{API}/repos/acme/api/deployments").mock(side_effect=httpx.ConnectError("refused"))

    with pytest.raises(GitHubHistoryError, match="could not be reached"):
        latest_successful_deployment(TARGET, "production")


@respx.mock
def test_unexpected_shape_is_a_history_error(respx_mock: respx.MockRouter) -> None:
    respx_mock.get(f"{API}/repos/acme/api/deployments").mock(return_value=httpx.Response(200, json={"oops": 1}))

    with pytest.raises(GitHubHistoryError, match="unexpected shape"):
        latest_successful_deployment(TARGET, "production")


def test_target_comes_from_the_actions_environment() -> None:
    assert GitHubTarget.from_environ({"GITHUB_REPOSITORY": "acme/api"}, TOKEN) == \
        GitHubTarget("https://api.github.com", "acme/api", TOKEN)
    assert GitHubTarget.from_environ(ENVIRON, None) is None
    assert GitHubTarget.from_environ({}, TOKEN) is None


@respx.mock(assert_all_called=False)
def test_github_history_gives_the_base_in_a_real_repository(respx_mock: respx.MockRouter, origin) -> None:
    deployed = origin.git(origin.work, "rev-parse", "HEAD")
    shipped = [origin.commit("ABC-1 one"), origin.commit("ABC-2 two")]
    fake_github(respx_mock, [{"id": 9, "sha": deployed}], {9: ["success"]})
    settings = Settings(environment="production", history="github", github_token=TOKEN)

    last = find_last_deploy(settings, CiContext(), origin.work, environ=ENVIRON)

    assert last.base == deployed
    assert last.source == "GitHub deployment 9 to production"
    assert origin.between(origin.work, deployed, "HEAD") == shipped


@respx.mock(assert_all_called=False)
def test_auto_falls_back_to_github_when_there_is_no_marker(respx_mock: respx.MockRouter, origin) -> None:
    deployed = origin.git(origin.work, "rev-parse", "HEAD")
    origin.commit("ABC-3 three")
    fake_github(respx_mock, [{"id": 4, "sha": deployed}], {4: ["success"]})
    settings = Settings(environment="production", github_token=TOKEN)

    last = find_last_deploy(settings, CiContext(), origin.work, environ=ENVIRON)

    assert last.base == deployed
    assert last.source.startswith("GitHub deployment 4")


@respx.mock(assert_all_called=False)
def test_auto_falls_back_to_the_ci_when_github_fails(respx_mock: respx.MockRouter, origin) -> None:
    previous = origin.git(origin.work, "rev-parse", "HEAD")
    origin.commit("ABC-4 four")
    respx_mock.get(f"{API}/repos/acme/api/deployments").mock(return_value=httpx.Response(401, json={}))
    settings = Settings(environment="production", github_token=TOKEN)
    ci = CiContext(provider="jenkins", provider_name="Jenkins", previous_commit=previous)

    last = find_last_deploy(settings, ci, origin.work, environ=ENVIRON)

    assert last.base == previous
    assert last.source == "the previous successful commit (Jenkins)"
    assert any("deployments: read" in warning for warning in last.warnings)
    assert not any(TOKEN in warning for warning in last.warnings)


def test_choosing_github_without_a_token_is_a_usage_error(origin) -> None:
    with pytest.raises(UsageError, match="GITHUB_TOKEN"):
        find_last_deploy(Settings(environment="production", history="github"), CiContext(), origin.work,
                         environ=ENVIRON)


@respx.mock(assert_all_called=False)
def test_a_sha_that_is_not_a_commit_id_is_never_passed_to_git(respx_mock: respx.MockRouter, origin) -> None:
    fake_github(respx_mock, [{"id": 6, "sha": "--upload-pack=touch pwned"}], {6: ["success"]})
    settings = Settings(environment="production", history="github", github_token=TOKEN)

    last = find_last_deploy(settings, CiContext(), origin.work, environ=ENVIRON)

    assert last.first_deploy
    assert any("not a commit id" in warning for warning in last.warnings)
    assert not (origin.work / "pwned").exists()
