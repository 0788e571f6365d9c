"""Shallow clones (`git clone --depth`): detected, deepened as far as needed (unless --no-deepen), and
explained in one line when the base stays out of reach."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from jira_devops.ci.context import CiContext
from jira_devops.history.git import Repository
from jira_devops.history.key_discovery import KeyDiscovery, discover_keys
from jira_devops.settings import Settings
from support.git_history import GitRepo


@pytest.fixture
def origin(tmp_path: Path) -> GitRepo:
    """20 commits ABC-1..ABC-20 on main, tag v1.0 at ABC-5."""
    repo = GitRepo.init(tmp_path / "origin")
    for number in range(1, 21):
        repo.commit(f"ABC-{number} change {number}")
        if number == 5:
            repo.tag("v1.0")
    return repo


def keys_of(clone: GitRepo, ci: CiContext = CiContext(), **settings: Any) -> KeyDiscovery:  # noqa: B008
    return discover_keys(Settings(branch_keys=False, **settings), ci, repo_path=clone.path)


def test_a_depth_clone_is_detected(origin: GitRepo, tmp_path: Path) -> None:
    clone = origin.clone(tmp_path / "clone", "--depth", "1")
    assert Repository.open(clone.path).is_shallow()
    assert not Repository.open(origin.path).is_shallow()


def test_missing_base_warns_once_with_the_fix_and_reads_what_is_there(origin: GitRepo, tmp_path: Path) -> None:
    base = origin.git("rev-parse", "HEAD~10")
    clone = origin.clone(tmp_path / "clone", "--depth", "3")
    found = keys_of(clone, since=base, deepen=False)
    assert found.key_names() == ["ABC-20", "ABC-19", "ABC-18"]
    assert found.shallow
    assert len(found.warnings) == 1
    warning = found.warnings[0]
    assert "shallow clone" in warning and "fetch-depth: 0" in warning and "--no-deepen" in warning
    assert "\n" not in warning


def test_ci_previous_commit_missing_from_a_depth_1_clone(origin: GitRepo, tmp_path: Path) -> None:
    previous = origin.git("rev-parse", "HEAD~4")
    clone = origin.clone(tmp_path / "clone", "--depth", "1")
    found = keys_of(clone, CiContext(previous_commit=previous), deepen=False)
    assert found.key_names() == ["ABC-20"]
    assert "fetch-depth: 0" in found.warnings[0]


def test_base_inside_the_fetched_depth_needs_nothing_more(origin: GitRepo, tmp_path: Path) -> None:
    base = origin.git("rev-parse", "HEAD~2")
    clone = origin.clone(tmp_path / "clone", "--depth", "5")
    found = keys_of(clone, since=base)
    assert found.key_names() == ["ABC-20", "ABC-19"]
    assert found.warnings == ()


def test_a_shallow_clone_is_deepened_by_default_to_reach_the_base(origin: GitRepo, tmp_path: Path) -> None:
    base = origin.git("rev-parse", "HEAD~12")
    clone = origin.clone(tmp_path / "clone", "--depth", "1")
    found = keys_of(clone, since=base, max_commits=100)
    assert found.key_names() == [f"ABC-{number}" for number in range(20, 8, -1)]
    assert found.warnings == ()
    assert any(line.startswith("deepened the shallow clone by ") for line in found.explanation)


def test_deepen_is_bounded_by_max_commits(origin: GitRepo, tmp_path: Path) -> None:
    base = origin.git("rev-parse", "HEAD~15")
    clone = origin.clone(tmp_path / "clone", "--depth", "1")
    found = keys_of(clone, since=base, max_commits=4)
    assert int(clone.git("rev-list", "--count", "HEAD")) <= 5
    assert found.commits_read == 4
    assert found.truncated
    assert any("shallow clone" in warning for warning in found.warnings)


def test_since_tag_in_a_shallow_clone_without_tags_says_how_to_fix_it(origin: GitRepo, tmp_path: Path) -> None:
    clone = origin.clone(tmp_path / "clone", "--depth", "2", "--no-tags")
    found = keys_of(clone, since_tag="v*", deepen=False)
    assert found.key_names() == ["ABC-20", "ABC-19"]
    assert "fetch-depth: 0" in found.warnings[0]


def test_unknown_ref_name_in_a_shallow_clone_is_a_warning(origin: GitRepo, tmp_path: Path) -> None:
    clone = origin.clone(tmp_path / "clone", "--depth", "1", "--no-tags")
    found = keys_of(clone, since="v1.0")
    assert found.key_names() == ["ABC-20"]
    assert "'v1.0'" in found.warnings[0]


def test_deepen_without_a_reachable_remote_warns_and_uses_what_is_there(origin: GitRepo, tmp_path: Path) -> None:
    base = origin.git("rev-parse", "HEAD~5")
    clone = origin.clone(tmp_path / "clone", "--depth", "2")
    clone.git("remote", "set-url", "origin", (tmp_path / "gone").as_uri())
    found = keys_of(clone, since=base)
    assert found.key_names() == ["ABC-20", "ABC-19"]
    assert "deepening did not reach it" in found.warnings[0]
    assert "git fetch failed" in found.warnings[0]


def test_explicit_range_in_a_shallow_clone_is_deepened_too(origin: GitRepo, tmp_path: Path) -> None:
    base = origin.git("rev-parse", "HEAD~6")
    clone = origin.clone(tmp_path / "clone", "--depth", "2")
    found = keys_of(clone, range=f"{base}..HEAD")
    assert found.key_names() == [f"ABC-{number}" for number in range(20, 14, -1)]
    assert found.range_used == f"{base[:7]}..{clone.head()[:7]}"


def test_pull_request_base_missing_from_a_shallow_clone_gets_the_one_line_hint(
        origin: GitRepo, tmp_path: Path) -> None:
    base = origin.git("rev-parse", "HEAD~10")
    clone = origin.clone(tmp_path / "clone", "--depth", "2")
    found = keys_of(clone, CiContext(provider="gitlab", pr_base_commit=base), deepen=False)
    assert found.key_names() == ["ABC-20", "ABC-19"]
    assert len(found.warnings) == 1
    assert "pull request's base" in found.warnings[0] and "fetch-depth: 0" in found.warnings[0]
    assert "\n" not in found.warnings[0]
