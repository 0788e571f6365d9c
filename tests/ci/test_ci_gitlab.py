"""GitLab CI: project pipelines, merged results head commits, zero before-SHAs, job status in after_script."""

from __future__ import annotations

from collections.abc import Callable

from jira_devops.ci import detect
from support.ci_env import BEFORE, HEAD, MERGE

Snapshot = Callable[[str], dict[str, str]]


def test_branch_pipeline(snapshot: Snapshot) -> None:
    ci = detect(snapshot("gitlab-branch"))
    assert (ci.provider, ci.detected_by) == ("gitlab", "GITLAB_CI")
    assert ci.pipeline_id == "acme/platform/api"
    assert ci.pipeline_url == "https://gitlab.com/acme/platform/api/-/pipelines"
    assert ci.run_url == "https://gitlab.com/acme/platform/api/-/pipelines/1100223344"
    assert ci.run_number == 812
    assert ci.branch == "feature/ABC-12-login"
    assert ci.commit == HEAD
    assert ci.previous_commit == BEFORE
    assert ci.pr_base_commit is None
    assert ci.job_status is None  # "running": the script reporting is the job itself
    assert ci.repository_url == "https://gitlab.com/acme/platform/api"


def test_merged_results_pipeline_reports_the_source_head(snapshot: Snapshot) -> None:
    ci = detect(snapshot("gitlab-merged-results"))
    assert ci.commit == HEAD
    assert ci.branch == "feature/ABC-12-login"
    assert ci.pr_number == "17"
    assert ci.pr_title == "ABC-12 Login form validation"
    assert ci.previous_commit is None  # all zeros
    assert ci.pr_base_commit == BEFORE  # CI_MERGE_REQUEST_DIFF_BASE_SHA
    assert ci.job_status == "success"
    assert len(ci.notes) == 1 and MERGE[:7] in ci.notes[0] and HEAD[:7] in ci.notes[0]


def test_tag_pipeline_with_environment(snapshot: Snapshot) -> None:
    ci = detect(snapshot("gitlab-tag-deploy"))
    assert ci.tag == "v1.4.2"
    assert ci.branch is None
    assert ci.environment_name == "production"
    assert ci.job_status == "failed"
    assert ci.previous_commit is None
