"""Bamboo: plan keys, plan result URLs, the previous revision, deployment environments."""

from __future__ import annotations

from collections.abc import Callable

from jira_devops.ci import detect
from support.ci_env import BEFORE, HEAD

Snapshot = Callable[[str], dict[str, str]]


def test_plan_branch_build(snapshot: Snapshot) -> None:
    ci = detect(snapshot("bamboo-branch"))
    assert (ci.provider, ci.detected_by) == ("bamboo", "bamboo_planKey")
    assert ci.pipeline_id == "API-BUILD0"
    assert ci.pipeline_name == "API - Build - feature-ABC-12-login"
    assert ci.pipeline_url == "https://bamboo.acme.example/browse/API-BUILD0"
    assert ci.run_url == "https://bamboo.acme.example/browse/API-BUILD0-23"
    assert ci.run_number == 23
    assert ci.branch == "feature/ABC-12-login"
    assert ci.commit == HEAD
    assert ci.previous_commit == BEFORE
    assert ci.repository_url == "ssh://git@bitbucket.acme.example:7999/api/api.git"


def test_deployment_gives_the_environment_and_tolerates_missing_variables(snapshot: Snapshot) -> None:
    ci = detect(snapshot("bamboo-deploy"))
    assert ci.environment_name == "Production"
    assert ci.pipeline_id == "API-BUILD"
    assert ci.pipeline_name == "API-BUILD"
    assert ci.run_url == "https://bamboo.acme.example/browse/API-BUILD-31"
    assert ci.branch is None
    assert ci.previous_commit is None
