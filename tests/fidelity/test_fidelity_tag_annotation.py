"""Issue 16 item 7: a run for a tag reads keys from the annotated tag's message too, shown as tag:<name>."""

from __future__ import annotations

import json
from pathlib import Path

from support.cli import run_cli
from support.emulator import RunningEmulator
from support.gitrepo import git, make_repo

NOTES = "Release 1.2\n\nShips ABC-7 (login) and OPS-9 (metrics).\n"


def _sources(keys_json: str) -> dict[str, list[str]]:
    """``jira-devops keys --json`` output as {key: sources}."""
    return {found["key"]: found["sources"] for found in json.loads(keys_json)["keys"]}


def _release(tmp_path: Path, *, annotated: bool = True) -> tuple[Path, str]:
    repo = make_repo(tmp_path / "repo", ("chore: set up", "ABC-1 bump the version"))
    if annotated:
        git(repo, "tag", "-a", "v1.2", "-m", NOTES)
    else:
        git(repo, "tag", "v1.2")
    git(repo, "checkout", "-q", "--detach", "v1.2")
    return repo, git(repo, "rev-parse", "HEAD")


def test_a_tag_ref_in_the_ci_reads_the_annotation_and_jira_gets_its_keys(emulator: RunningEmulator,
                                                                        tmp_path: Path) -> None:
    repo, head = _release(tmp_path)
    env = {**emulator.env(tmp_path), "GITLAB_CI": "true", "CI_PROJECT_PATH": "acme/api", "CI_COMMIT_TAG": "v1.2",
           "CI_COMMIT_SHA": head, "CI_PIPELINE_IID": "12", "CI_PIPELINE_URL": "https://gitlab.example/p/12"}
    done = run_cli("report-build", "--json", "--state", "successful", env=env, cwd=repo)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["keySources"]["ABC-7"] == ["tag:v1.2"]
    assert result["keySources"]["OPS-9"] == ["tag:v1.2"]
    accepted_keys = {key for build in emulator.state()["builds"] if build["buildNumber"] == 12
                     for key in build["issueKeys"]}
    assert {"ABC-7", "OPS-9"} <= accepted_keys
    summary = run_cli("report-build", "--state", "successful", env=env, cwd=repo)
    assert summary.returncode == 0, summary.stderr
    assert any(line.split()[:3] == ["ABC-7", "from", "tag:v1.2"] for line in summary.stdout.splitlines())


def test_the_tag_setting_names_the_tag_and_the_summary_shows_its_source(tmp_path: Path) -> None:
    repo, _ = _release(tmp_path)
    done = run_cli("keys", "--verbose", "--ci", "generic", "--tag", "v1.2", cwd=repo)
    assert done.returncode == 0, done.stderr
    assert "ABC-7: from tag:v1.2" in done.stderr
    by_env = _sources(run_cli("keys", "--json", "--ci", "generic", cwd=repo, env={"JIRA_DEVOPS_TAG": "v1.2"}).stdout)
    assert by_env["OPS-9"] == ["tag:v1.2"]


def test_a_lightweight_tag_has_no_message_to_read(tmp_path: Path) -> None:
    repo, _ = _release(tmp_path, annotated=False)
    sources = _sources(run_cli("keys", "--json", "--ci", "generic", "--tag", "v1.2", cwd=repo).stdout)
    assert sources["ABC-1"], "the commits are still read"
    assert not any(source.startswith("tag:") for found in sources.values() for source in found)


def test_a_tag_missing_from_a_shallow_clone_is_fetched(tmp_path: Path) -> None:
    upstream, head = _release(tmp_path)
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth=1", "--no-tags", f"file://{upstream}", str(clone))
    git(clone, "checkout", "-q", "--detach", head)
    assert not git(clone, "tag", "--list")
    sources = _sources(run_cli("keys", "--json", "--ci", "generic", "--tag", "v1.2", cwd=clone).stdout)
    assert sources["ABC-7"] == ["tag:v1.2"]
