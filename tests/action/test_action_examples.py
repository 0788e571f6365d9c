"""The example workflows' own logic, evaluated with the runner emulation's expressions: who reports, and
which final state a gated deployment gets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from support.gha_expressions import condition, interpolate

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "github"


def _workflow(name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((EXAMPLES / name).read_text(encoding="utf-8"))
    return data


def _step(workflow: dict[str, Any], name: str) -> dict[str, Any]:
    return next(step for job in workflow["jobs"].values() for step in job["steps"] if step.get("name") == name)


@pytest.mark.parametrize(("event", "head_repository", "reports"), [
    ("push", None, True),
    ("pull_request", "acme/app", True),  # a branch of this repository: it has the secrets
    ("pull_request", "someone/app-fork", False),  # a fork: no secrets, no variables
])
def test_the_build_example_reports_pushes_and_same_repository_pull_requests(
        event: str, head_repository: str, reports: bool) -> None:
    step = _step(_workflow("build.yml"), "Report the build to Jira")
    pull = {"pull_request": {"head": {"repo": {"full_name": head_repository}}}} if head_repository else {}
    contexts = {"github": {"event_name": event, "repository": "acme/app", "event": pull}}
    assert condition(step["if"], contexts, job_status="failure") is reports


@pytest.mark.parametrize(("gate_status", "job_status", "runs", "state"), [
    ("allowed", "success", True, ""),  # the job status gives successful
    ("allowed", "failure", True, ""),  # the deploy failed: the job status gives failed
    ("allowed", "cancelled", True, ""),  # cancelled while deploying: the job status gives cancelled
    ("prevented", "failure", True, "cancelled"),  # refused: it never ran
    ("invalid", "failure", True, "cancelled"),
    ("awaiting", "failure", True, "cancelled"),  # no decision in time
    ("", "failure", False, None),  # nothing pending in Jira (the report itself failed)
])
def test_the_gated_example_always_reports_a_final_state(gate_status: str, job_status: str, runs: bool,
                                                        state: str) -> None:
    step = _step(_workflow("gated-deploy.yml"), "Report the result to Jira")
    contexts = {"steps": {"gate": {"outputs": {"gate-status": gate_status}}}}
    assert condition(step["if"], contexts, job_status=job_status) is runs
    if runs:
        assert interpolate(step["with"]["state"], contexts) == state


@pytest.mark.parametrize("name", ["build.yml", "deploy.yml", "gated-deploy.yml"])
def test_permissions_are_granted_per_job_and_write_only_where_a_marker_is_pushed(name: str) -> None:
    workflow = _workflow(name)
    assert workflow["permissions"] == {}
    for job in workflow["jobs"].values():
        permissions = job["permissions"]
        pushes_marker = any(step.get("with", {}).get("command") == "deploy" for step in job["steps"])
        assert permissions.get("contents") == ("write" if pushes_marker else "read")
        assert set(permissions) <= {"contents", "deployments"}


@pytest.mark.parametrize("name", ["build.yml", "deploy.yml", "gated-deploy.yml"])
def test_third_party_actions_are_pinned_by_commit_with_the_tag_in_a_comment(name: str) -> None:
    text = (EXAMPLES / name).read_text(encoding="utf-8")
    for line in text.splitlines():
        if "uses: actions/" in line:
            reference = line.split("@", 1)[1]
            sha, _, comment = reference.partition("  # ")
            assert len(sha) == 40 and all(c in "0123456789abcdef" for c in sha), line
            assert comment.startswith("v"), line
