"""Payload building: precedence, Jira's limits (shortened with a warning, never sent broken), key overflow."""

from __future__ import annotations

import time

import pytest

from jira_devops.ci.context import CiContext
from jira_devops.environments import MAX_ID_LENGTH
from jira_devops.errors import UsageError
from jira_devops.jira.models import MAX_ASSOCIATION_VALUES, MAX_ISSUE_KEYS, MAX_TEXT
from jira_devops.jira.payloads import (
    GitFacts,
    build_item,
    clean_repository_url,
    deployment_item,
    infer_environment_type,
    parse_properties,
    slugify,
)
from jira_devops.settings import Settings

GIT = GitFacts(commit="a" * 40, branch="main", remote_url="git@github.com:acme/api.git", root_name="api")
RUN = {"build_number": 7, "url": "https://ci.example.test/7"}


def test_ci_facts_fill_what_settings_leave_and_settings_win() -> None:
    ci = CiContext(provider="x", pipeline_id="ci-pipe", run_number=3, run_url="https://ci.example.test/3",
                   job_status="failure")
    from_ci = build_item(Settings(), ci, GIT, ["ABC-1"]).item
    assert (from_ci.pipelineId, from_ci.buildNumber, from_ci.state) == ("ci-pipe", 3, "failed")
    explicit = build_item(Settings(pipeline_id="mine", build_number=9, state="successful"), ci, GIT, ["ABC-1"]).item
    assert (explicit.pipelineId, explicit.buildNumber, explicit.state) == ("mine", 9, "successful")


def test_the_pipeline_id_defaults_to_the_repository_and_references_link_the_commit() -> None:
    build = build_item(Settings(**RUN), CiContext(), GIT, ["ABC-1"]).item.model_dump(exclude_none=True)
    assert build["pipelineId"] == "acme/api"
    assert build["references"] == [{"commit": {"id": "a" * 40, "repositoryUri": "https://github.com/acme/api"},
                                    "ref": {"name": "main", "uri": "https://github.com/acme/api/tree/main"}}]


def test_update_sequence_number_is_epoch_milliseconds() -> None:
    before = time.time_ns() // 1_000_000
    usn = build_item(Settings(**RUN), CiContext(), GIT, ["ABC-1"]).item.updateSequenceNumber
    assert before <= usn <= time.time_ns() // 1_000_000


def test_overlong_text_is_shortened_with_a_warning() -> None:
    prepared = build_item(Settings(**RUN, description="d" * (MAX_TEXT + 40)), CiContext(), GIT, ["ABC-1"])
    assert len(prepared.item.description) == MAX_TEXT
    assert any("description" in warning and "shortened" in warning for warning in prepared.warnings)


def test_an_overlong_url_is_an_error_not_a_broken_link() -> None:
    with pytest.raises(UsageError, match="url"):
        build_item(Settings(build_number=1, url="https://x.test/" + "u" * 3000), CiContext(), GIT, ["ABC-1"])


def test_more_keys_than_issue_keys_takes_go_to_associations_and_the_oldest_beyond_500_are_dropped() -> None:
    keys = [f"ABC-{n}" for n in range(1, 601)]
    few = build_item(Settings(**RUN), CiContext(), GIT, keys[:MAX_ISSUE_KEYS]).item
    assert few.issueKeys == keys[:MAX_ISSUE_KEYS]
    many = build_item(Settings(**RUN), CiContext(), GIT, keys)
    associations = many.item.model_dump(exclude_none=True)["associations"]
    assert associations == [{"associationType": "issueIdOrKeys", "values": keys[:MAX_ASSOCIATION_VALUES]}]
    assert any("100 oldest were not sent" in warning and "ABC-501" in warning for warning in many.warnings)


def test_keys_jira_would_reject_are_dropped_with_a_warning() -> None:
    prepared = build_item(Settings(**RUN), CiContext(), GIT, ["ABC-1", "not a key"])
    assert prepared.item.issueKeys == ["ABC-1"]
    assert any("'not a key'" in warning for warning in prepared.warnings)


def test_deployments_need_an_environment_and_gating_needs_a_service() -> None:
    with pytest.raises(UsageError, match="environment"):
        deployment_item(Settings(deployment_number=1, url="https://ci.example.test/1"), CiContext(), GIT, ["ABC-1"])
    with pytest.raises(UsageError, match="service"):
        deployment_item(Settings(environment="prod", deployment_number=1, url="https://ci.example.test/1",
                                 gate=True), CiContext(), GIT, ["ABC-1"])


def test_a_deployment_carries_services_gating_and_a_useful_description() -> None:
    settings = Settings(environment="Production EU", deployment_number=4, url="https://ci.example.test/4",
                        gate=True, service_id=("svc-1", "svc-1", "svc-2"), label="v1.2.3")
    item = deployment_item(settings, CiContext(), GIT, ["ABC-1"]).item.model_dump(exclude_none=True)
    assert item["environment"] == {"id": "production-eu", "displayName": "Production EU", "type": "production"}
    assert item["associations"][1] == {"associationType": "serviceIdOrKeys", "values": ["svc-1", "svc-2"]}
    assert item["commands"] == [{"command": "initiate_deployment_gating"}]
    assert item["state"] == "pending"
    assert item["description"] == "v1.2.3 (aaaaaaa) to Production EU"


@pytest.mark.parametrize(("name", "expected"), [
    ("prod", "production"), ("Production", "production"), ("eu-prd-1", "production"), ("live", "production"),
    ("staging", "staging"), ("stage-2", "staging"), ("pre-prod", "staging"), ("preprod", "staging"),
    ("qa", "testing"), ("UAT", "testing"), ("test-3", "testing"), ("dev", "development"),
    ("development", "development"), ("sandbox", "unmapped"), ("product-catalog", "unmapped"),
])
def test_environment_type_is_inferred_from_the_name(name: str, expected: str) -> None:
    assert infer_environment_type(name) == expected


def test_slugs_are_stable_ids() -> None:
    assert MAX_ID_LENGTH == MAX_TEXT
    assert len(slugify("x" * 400)) == MAX_TEXT
    assert slugify("  Production (EU) ") == "production-eu"
    assert slugify("!!!") == "default"


@pytest.mark.parametrize(("raw", "clean"), [
    ("git@github.com:acme/api.git", "https://github.com/acme/api"),
    ("https://user:token@gitlab.example.com/acme/api.git", "https://gitlab.example.com/acme/api"),
    ("ssh://git@bitbucket.org/acme/api.git", "https://bitbucket.org/acme/api"),
    ("file:///srv/repo", None),
])
def test_repository_urls_are_made_browsable_without_credentials(raw: str, clean: str | None) -> None:
    assert clean_repository_url(raw) == clean


def test_properties_follow_jiras_rules() -> None:
    assert parse_properties(("service=api", "team=core")) == {"service": "api", "team": "core"}
    assert parse_properties(None) is None
    for bad in (("novalue",), ("a:b=1",), ("_x=1",), tuple(f"k{n}=v" for n in range(6))):
        with pytest.raises(UsageError):
            parse_properties(bad)
