"""The other providers: CircleCI, Bitbucket, Azure, Buildkite, TeamCity, Drone, Woodpecker, Travis, CodeBuild."""

from __future__ import annotations

from collections.abc import Callable

from jira_devops.ci import detect
from jira_devops.ci.teamcity import parse_properties
from support.ci_env import BEFORE, HEAD, MERGE

Snapshot = Callable[[str], dict[str, str]]


def test_circleci_branch_job_with_pull_request(snapshot: Snapshot) -> None:
    ci = detect(snapshot("circleci-branch"))
    assert (ci.provider, ci.detected_by) == ("circleci", "CIRCLECI")
    assert ci.pipeline_id == "acme/api"
    assert ci.run_number == 1187
    assert ci.run_url == "https://circleci.com/gh/acme/api/1187"
    assert ci.branch == "feature/ABC-12-login"
    assert ci.commit == HEAD
    assert ci.pr_number == "17"
    assert ci.repository_url == "git@github.com:acme/api.git"


def test_circleci_tag_job(snapshot: Snapshot) -> None:
    ci = detect(snapshot("circleci-tag"))
    assert (ci.tag, ci.branch, ci.pr_number) == ("v1.4.2", None, None)


def test_bitbucket_pull_request_step_after_a_failure(snapshot: Snapshot) -> None:
    ci = detect(snapshot("bitbucket-pr"))
    assert (ci.provider, ci.detected_by) == ("bitbucket", "BITBUCKET_BUILD_NUMBER")
    assert ci.pipeline_id == "acme/api"
    assert ci.run_number == 218
    assert ci.run_url == "https://bitbucket.org/acme/api/pipelines/results/218"
    assert ci.pipeline_url == "https://bitbucket.org/acme/api/pipelines"
    assert ci.repository_url == "https://bitbucket.org/acme/api"
    assert ci.branch == "feature/ABC-12-login"
    assert ci.pr_number == "17"
    assert ci.pr_base_commit == "6113728f27ae"  # BITBUCKET_PR_DESTINATION_COMMIT, a 12-character prefix
    assert ci.job_status == "failed"


def test_bitbucket_deployment_of_a_tag(snapshot: Snapshot) -> None:
    ci = detect(snapshot("bitbucket-deploy"))
    assert (ci.tag, ci.branch) == ("v1.4.2", None)
    assert ci.environment_name == "production"
    assert ci.job_status == "success"


def test_azure_pull_request_reports_head_and_uses_build_id(snapshot: Snapshot) -> None:
    ci = detect(snapshot("azure-pr"))
    assert (ci.provider, ci.detected_by) == ("azure", "TF_BUILD")
    assert ci.pipeline_id == "fabrikam/Fabrikam Web/12"
    assert ci.pipeline_name == "api-ci"
    assert ci.pipeline_url == "https://dev.azure.com/fabrikam/Fabrikam%20Web/_build?definitionId=12"
    assert ci.run_url == "https://dev.azure.com/fabrikam/Fabrikam%20Web/_build/results?buildId=4521"
    assert ci.run_number == 4521
    assert ci.attempt == 2
    assert ci.branch == "feature/ABC-12-login"
    assert ci.commit == HEAD
    assert ci.pr_number == "17"
    assert ci.job_status == "SucceededWithIssues"
    assert len(ci.notes) == 1 and MERGE[:7] in ci.notes[0]


def test_azure_branch_build_on_visualstudio_address(snapshot: Snapshot) -> None:
    ci = detect(snapshot("azure-branch"))
    assert ci.pipeline_id == "fabrikam/Web/7"
    assert ci.run_number == 990  # BUILD_BUILDNUMBER 1.0.990 is a format, not a number
    assert ci.branch == "feature/ABC-12-login"
    assert ci.commit == HEAD
    assert ci.environment_name == "staging"
    assert ci.notes == ()


def test_buildkite_retried_pull_request_job(snapshot: Snapshot) -> None:
    ci = detect(snapshot("buildkite-pr"))
    assert (ci.provider, ci.detected_by) == ("buildkite", "BUILDKITE")
    assert ci.pipeline_id == "acme/api"
    assert ci.pipeline_name == "API"
    assert ci.pipeline_url == "https://buildkite.com/acme/api"
    assert ci.run_url == "https://buildkite.com/acme/api/builds/1514"
    assert ci.run_number == 1514
    assert ci.attempt == 2
    assert ci.pr_number == "17"
    assert ci.tag is None
    assert ci.commit == HEAD
    assert ci.job_status == "success"


def test_buildkite_manual_build_leaves_the_commit_to_git(snapshot: Snapshot) -> None:
    ci = detect(snapshot("buildkite-manual"))
    assert ci.commit is None
    assert ci.pr_number is None
    assert ci.attempt is None
    assert any("HEAD" in note for note in ci.notes)


def test_teamcity_reads_its_properties_files(snapshot: Snapshot) -> None:
    ci = detect(snapshot("teamcity-build"))
    assert (ci.provider, ci.detected_by) == ("teamcity", "TEAMCITY_VERSION")
    assert ci.pipeline_id == "Api_Build"
    assert ci.pipeline_name == "API / Build"
    assert ci.pipeline_url == "https://teamcity.acme.example/viewType.html?buildTypeId=Api_Build"
    assert ci.run_url == "https://teamcity.acme.example/viewLog.html?buildId=20931&buildTypeId=Api_Build"
    assert ci.run_number == 20931
    assert any("1.4.118" in note for note in ci.notes)
    assert ci.branch == "feature/ABC-12-login"
    assert ci.commit == HEAD
    assert ci.repository_url == "https://github.com/acme/api.git"


def test_teamcity_without_properties_file_falls_back_to_names(snapshot: Snapshot) -> None:
    environ = snapshot("teamcity-build")
    del environ["TEAMCITY_BUILD_PROPERTIES_FILE"]
    environ["BUILD_NUMBER"] = "118"
    ci = detect(environ)
    assert ci.pipeline_id == "API / Build"
    assert ci.run_number == 118
    assert ci.run_url is None
    assert any("configuration ID" in note for note in ci.notes)


def test_java_properties_escapes_and_continuations() -> None:
    text = "# comment\n! also\nurl=https\\://x.example\\:8111\nkey\\ with\\ space = a\\\n    b\nuni=caf\\u00e9\nbare\n"
    assert parse_properties(text) == {"url": "https://x.example:8111", "key with space": "ab",
                                      "uni": "caf\u00e9", "bare": ""}


def test_drone_pull_request(snapshot: Snapshot) -> None:
    ci = detect(snapshot("drone-pr"))
    assert (ci.provider, ci.detected_by) == ("drone", "DRONE")
    assert ci.pipeline_id == "acme/api/default"
    assert ci.pipeline_url == "https://drone.acme.example/acme/api"
    assert ci.run_url == "https://drone.acme.example/acme/api/88"
    assert ci.run_number == 88
    assert ci.branch == "feature/ABC-12-login"
    assert ci.pr_title == "ABC-12 Login form validation"
    assert ci.previous_commit == BEFORE
    assert ci.job_status == "success"


def test_woodpecker_push_uses_previous_successful_pipeline_commit(snapshot: Snapshot) -> None:
    ci = detect(snapshot("woodpecker-push"))
    assert (ci.provider, ci.detected_by) == ("woodpecker", "CI")
    assert ci.pipeline_id == "acme/api/build"
    assert ci.run_url == "https://ci.acme.example/repos/4/pipeline/305"
    assert ci.run_number == 305
    assert ci.branch == "feature/ABC-12-login"
    assert ci.previous_commit == BEFORE


def test_woodpecker_previous_failed_pipeline_is_not_a_base(snapshot: Snapshot) -> None:
    ci = detect({**snapshot("woodpecker-push"), "CI_PREV_PIPELINE_STATUS": "failure"})
    assert ci.previous_commit is None


def test_travis_pull_request_reports_head(snapshot: Snapshot) -> None:
    ci = detect(snapshot("travis-pr"))
    assert (ci.provider, ci.detected_by) == ("travis", "TRAVIS")
    assert ci.pipeline_id == "acme/api"
    assert ci.pipeline_url == "https://app.travis-ci.com/acme/api"
    assert ci.run_number == 641
    assert ci.branch == "feature/ABC-12-login"
    assert ci.commit == HEAD
    assert ci.pr_number == "17"
    assert ci.previous_commit is None
    assert ci.job_status == "success"
    assert any(MERGE[:7] in note for note in ci.notes)


def test_travis_push_takes_the_range_start(snapshot: Snapshot) -> None:
    ci = detect(snapshot("travis-push"))
    assert ci.previous_commit == BEFORE
    assert ci.branch == "feature/ABC-12-login"
    assert ci.job_status == "failed"


def test_codebuild_webhook_push(snapshot: Snapshot) -> None:
    ci = detect(snapshot("codebuild-webhook"))
    assert (ci.provider, ci.detected_by) == ("codebuild", "CODEBUILD_BUILD_ID")
    assert ci.pipeline_id == "eu-west-1/api-build"
    assert ci.pipeline_name == "api-build"
    assert ci.pipeline_url == ("https://eu-west-1.console.aws.amazon.com/codesuite/codebuild/123456789012/"
                               "projects/api-build")
    assert ci.run_number == 77
    assert ci.run_url.startswith("https://eu-west-1.console.aws.amazon.com/codebuild/")  # type: ignore[union-attr]
    assert ci.branch == "feature/ABC-12-login"
    assert ci.commit == HEAD
    assert ci.previous_commit == BEFORE
    assert ci.job_status == "success"


def test_codebuild_pull_request(snapshot: Snapshot) -> None:
    ci = detect(snapshot("codebuild-pr"))
    assert ci.pr_number == "17"
    assert ci.branch == "feature/ABC-12-login"
    assert ci.job_status == "failed"
    assert ci.run_url is None
