"""Choosing the provider: markers, their order where CIs overlap, --ci forcing, generic, unknown names."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from jira_devops.ci import detect
from jira_devops.ci.registry import PROVIDERS, find, names
from jira_devops.errors import ExitCode, UsageError
from support.ci_env import SNAPSHOTS

Snapshot = Callable[[str], dict[str, str]]


def test_no_ci_variables_is_generic() -> None:
    ci = detect({"PATH": "/usr/bin", "HOME": "/home/me", "CI": "true"})
    assert ci.provider == "generic"
    assert ci.detected_by is None
    assert ci.pipeline_id is None
    assert ci.notes == ()


@pytest.mark.parametrize("name", sorted(path.stem for path in SNAPSHOTS.glob("*.env")))
def test_every_snapshot_is_detected_as_its_own_provider(snapshot: Snapshot, name: str) -> None:
    ci = detect(snapshot(name))
    assert ci.provider == name.split("-", 1)[0]
    assert ci.pipeline_id, "a pipeline ID"
    assert ci.run_number is not None
    assert ci.run_url is None or ci.run_url.startswith("https://")


@pytest.mark.parametrize("name", sorted(path.stem for path in SNAPSHOTS.glob("*.env")))
def test_pipeline_id_is_the_same_for_the_next_run(snapshot: Snapshot, name: str) -> None:
    environ = snapshot(name)
    ci = detect(environ)
    number = str(ci.run_number)
    following = {key: str(int(number) + 1) if value == number else value for key, value in environ.items()}
    later = detect(following)
    if not name.startswith("teamcity"):  # TeamCity's number here comes from its properties file
        assert later.run_number == int(number) + 1
    assert later.pipeline_id == ci.pipeline_id


def test_every_provider_has_a_snapshot() -> None:
    covered = {path.stem.split("-", 1)[0] for path in SNAPSHOTS.glob("*.env")}
    assert {provider.name for provider in PROVIDERS} <= covered


def test_teamcity_wins_over_jenkins_style_build_number(snapshot: Snapshot) -> None:
    environ = {**snapshot("teamcity-build"), "JENKINS_HOME": "/var/lib/jenkins"}
    assert detect(environ).provider == "teamcity"


def test_woodpecker_is_not_mistaken_for_gitlab_or_drone(snapshot: Snapshot) -> None:
    environ = {**snapshot("woodpecker-push"), "DRONE_BUILD_NUMBER": "305"}
    assert detect(environ).provider == "woodpecker"


def test_marker_values_are_checked(snapshot: Snapshot) -> None:
    environ = {**snapshot("github-push"), "GITHUB_ACTIONS": "false"}
    assert detect(environ).provider == "generic"


def test_forcing_a_provider_reads_its_variables_even_without_its_marker(snapshot: Snapshot) -> None:
    environ = snapshot("jenkins-multibranch")
    del environ["JENKINS_URL"], environ["JENKINS_HOME"]
    ci = detect(environ, force="jenkins")
    assert ci.provider == "jenkins"
    assert ci.detected_by == "--ci jenkins"
    assert ci.run_number == 57
    assert any("JENKINS_URL is not set" in note for note in ci.notes)


def test_forcing_wins_over_detection_and_aliases_work(snapshot: Snapshot) -> None:
    environ = {**snapshot("github-push"), **snapshot("gitlab-branch")}
    assert detect(environ).provider == "github"
    ci = detect(environ, force="GitLab-CI")
    assert ci.provider == "gitlab"
    assert ci.notes == ()


def test_forcing_generic_ignores_the_environment(snapshot: Snapshot) -> None:
    ci = detect({**snapshot("github-push"), "JIRA_DEVOPS_JOB_STATUS": "aborted"}, force="generic")
    assert ci.provider == "generic"
    assert ci.pipeline_id is None
    assert ci.detected_by == "--ci generic"
    assert ci.job_status == "aborted"


def test_unknown_forced_name_is_a_usage_error_listing_names() -> None:
    with pytest.raises(UsageError) as caught:
        detect({}, force="hudsonx")
    assert caught.value.exit_code == ExitCode.USAGE
    line = caught.value.one_line()
    assert "'hudsonx'" in line and "jenkins" in line and "generic" in line and "\n" not in line


def test_lookup_by_name_and_alias() -> None:
    assert find("azure-pipelines") is find("azure")
    assert find("nope") is None
    assert names()[-1] == "generic"
    assert len(names()) == len(PROVIDERS) + 1


def test_reading_the_real_environment_when_none_is_given(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in [key for provider in PROVIDERS for key, _ in provider.markers]:
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("BUILDKITE", "true")
    monkeypatch.setenv("BUILDKITE_BUILD_NUMBER", "9")
    assert detect().run_number == 9
