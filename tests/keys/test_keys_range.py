"""Every range mode on real repositories: which commits' messages are read, and what is said about it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from jira_devops.ci.context import CiContext
from jira_devops.errors import GitError, UsageError
from jira_devops.history.key_discovery import KeyDiscovery, discover_keys
from jira_devops.settings import Settings
from support.git_history import GitRepo

NO_CI = CiContext()


def keys_of(repo: GitRepo, ci: CiContext = NO_CI, **settings: Any) -> KeyDiscovery:
    return discover_keys(Settings(branch_keys=False, **settings), ci, repo_path=repo.path)


def test_without_range_or_ci_only_head_is_read(history: GitRepo) -> None:
    found = keys_of(history)
    assert found.key_names() == ["ABC-6"]
    assert found.commits_read == 1
    assert found.range_used == history.head()[:7]
    assert any("HEAD" in line for line in found.explanation)


def test_explicit_range_reads_commits_reachable_from_the_tip_and_not_from_the_base(history: GitRepo) -> None:
    found = keys_of(history, range="v1.0..v1.1")
    assert found.key_names() == ["ABC-4", "ABC-3"]
    assert found.commits_read == 2
    base = history.git("rev-parse", "v1.0")
    tip = history.git("rev-parse", "v1.1")
    assert found.range_used == f"{base[:7]}..{tip[:7]}"
    assert found.base_source == "--range v1.0..v1.1"


def test_range_with_open_end_runs_to_head(history: GitRepo) -> None:
    assert keys_of(history, range="v1.1..").key_names() == ["ABC-6", "ABC-5"]


def test_since_ref_reads_to_head(history: GitRepo) -> None:
    found = keys_of(history, since="v1.0")
    assert found.key_names() == ["ABC-6", "ABC-5", "ABC-4", "ABC-3"]
    assert found.base_source == "--since v1.0"


def test_since_head_reads_nothing(history: GitRepo) -> None:
    found = keys_of(history, since="HEAD")
    assert found.key_names() == []
    assert found.commits_read == 0


def test_since_tag_uses_the_newest_matching_tag_before_head(history: GitRepo) -> None:
    found = keys_of(history, since_tag="v*")
    assert found.key_names() == ["ABC-6", "ABC-5"]
    assert "tag v1.1" in (found.base_source or "")


def test_since_tag_skips_a_tag_on_head_itself(history: GitRepo) -> None:
    history.tag("v1.2")
    assert keys_of(history, since_tag="v*").key_names() == ["ABC-6", "ABC-5"]


def test_since_tag_glob_filters_tags(history: GitRepo) -> None:
    history.tag("nightly-5", "HEAD~1")
    assert keys_of(history, since_tag="v1.0*").key_names() == ["ABC-6", "ABC-5", "ABC-4", "ABC-3"]
    assert keys_of(history, since_tag="nightly-*").key_names() == ["ABC-6"]


def test_since_tag_without_a_match_reads_the_whole_history_with_a_warning(history: GitRepo) -> None:
    found = keys_of(history, since_tag="release-*")
    assert found.key_names() == ["ABC-6", "ABC-5", "ABC-4", "ABC-3", "ABC-2", "ABC-1"]
    assert any("no tag matching 'release-*'" in warning for warning in found.warnings)


def test_ci_previous_successful_commit_is_the_base(history: GitRepo) -> None:
    previous = history.git("rev-parse", "HEAD~2")
    found = keys_of(history, CiContext(provider="jenkins", provider_name="Jenkins", previous_commit=previous))
    assert found.key_names() == ["ABC-6", "ABC-5"]
    assert "previous successful commit" in (found.base_source or "")


def test_ci_previous_commit_equal_to_head_reads_head(history: GitRepo) -> None:
    found = keys_of(history, CiContext(previous_commit=history.head()))
    assert found.key_names() == ["ABC-6"]
    assert any("re-run" in line for line in found.explanation)


def test_ci_previous_commit_unknown_to_the_repository_falls_back_to_head(history: GitRepo) -> None:
    found = keys_of(history, CiContext(previous_commit="0123456789abcdef0123456789abcdef01234567"))
    assert found.key_names() == ["ABC-6"]
    assert any("not in this repository" in warning for warning in found.warnings)


def test_explicit_range_wins_over_the_ci(history: GitRepo) -> None:
    previous = history.git("rev-parse", "HEAD~1")
    assert keys_of(history, CiContext(previous_commit=previous), range="v1.0..v1.1").key_names() == [
        "ABC-4", "ABC-3"]


def test_merge_commits_count_and_commits_reachable_from_the_base_do_not(repo: GitRepo) -> None:
    repo.commit("ABC-1 base")
    base = repo.head()
    repo.git("checkout", "-q", "-b", "feature/OPS-9")
    repo.commit("OPS-10 on the branch")
    repo.git("checkout", "-q", "main")
    repo.commit("ABC-2 on main")
    repo.merge("feature/OPS-9", "Merge OPS-9 into main")
    found = keys_of(repo, since=base)
    assert set(found.key_names()) == {"OPS-9", "OPS-10", "ABC-2"}
    assert found.commits_read == 3
    assert "ABC-1" not in found.key_names()


def test_keys_remember_every_source_in_first_seen_order(history: GitRepo) -> None:
    history.commit("ABC-6 again, and OPS-1")
    found = discover_keys(Settings(branch="feature/OPS-1-x", issue_key=("DEMO-1",), since="v1.1"),
                          CiContext(pr_title="ABC-6: sixth"), repo_path=history.path)
    by_key = {key.key: key for key in found.keys}
    assert found.key_names() == ["DEMO-1", "OPS-1", "ABC-6", "ABC-5"]
    assert by_key["DEMO-1"].sources == ("explicit",)
    assert by_key["OPS-1"].sources[0] == "branch"
    assert by_key["ABC-6"].sources[0] == "pr-title"
    assert by_key["ABC-6"].commits == 2
    assert [source for source in by_key["ABC-6"].sources if source.startswith("commit:")] == [
        f"commit:{history.git('rev-parse', 'HEAD')[:7]}", f"commit:{history.git('rev-parse', 'HEAD~1')[:7]}"]


def test_sources_can_be_turned_off(history: GitRepo) -> None:
    found = discover_keys(Settings(branch="ABC-100", commit_keys=False, title_keys=False),
                          CiContext(pr_title="ABC-200"), repo_path=history.path)
    assert found.key_names() == ["ABC-100"]
    found = discover_keys(Settings(branch="ABC-100", branch_keys=False), CiContext(pr_title="ABC-200"),
                          repo_path=history.path)
    assert found.key_names() == ["ABC-200", "ABC-6"]


def test_max_commits_cuts_the_range_with_a_warning(history: GitRepo) -> None:
    found = keys_of(history, since="v1.0", max_commits=2)
    assert found.key_names() == ["ABC-6", "ABC-5"]
    assert found.truncated
    assert any("more than 2 commits" in warning for warning in found.warnings)


def test_a_range_exactly_max_commits_long_is_not_cut(history: GitRepo) -> None:
    found = keys_of(history, since="v1.1", max_commits=2)
    assert not found.truncated
    assert found.warnings == ()


def test_non_utf8_messages_are_read(repo: GitRepo) -> None:
    repo.commit(raw="Größe ABC-7".encode("latin-1"))
    repo.commit(raw=b"ABC-8 \xff\xfe broken bytes")
    assert keys_of(repo, range="HEAD~1..HEAD").key_names() == ["ABC-8"]
    assert keys_of(repo, since_tag="none-*").key_names() == ["ABC-8", "ABC-7"]


def test_detached_head_reads_head_and_has_no_branch(history: GitRepo) -> None:
    history.git("checkout", "-q", "--detach", "HEAD~1")
    found = discover_keys(Settings(), NO_CI, repo_path=history.path)
    assert found.key_names() == ["ABC-5"]


def test_branch_name_comes_from_git(repo: GitRepo) -> None:
    repo.git("checkout", "-q", "-b", "feature/OPS-3-thing")
    repo.commit("no key here")
    found = discover_keys(Settings(), NO_CI, repo_path=repo.path)
    assert [(key.key, key.sources) for key in found.keys] == [("OPS-3", ("branch",))]


def test_empty_repository_gives_branch_keys_and_a_warning(tmp_path: Path) -> None:
    repo = GitRepo.init(tmp_path / "empty", branch="ABC-1-start")
    found = discover_keys(Settings(), NO_CI, repo_path=repo.path)
    assert found.key_names() == ["ABC-1"]
    assert any("no commits yet" in warning for warning in found.warnings)


def test_outside_a_repository_explicit_keys_still_count(tmp_path: Path) -> None:
    found = discover_keys(Settings(issue_key=("ABC-1",)), CiContext(branch="OPS-2-x"), repo_path=tmp_path)
    assert found.key_names() == ["ABC-1", "OPS-2"]
    assert any("not inside a git repository" in warning for warning in found.warnings)


def test_outside_a_repository_a_range_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(GitError, match="--since needs a git repository"):
        discover_keys(Settings(since="v1"), NO_CI, repo_path=tmp_path)


@pytest.mark.parametrize(("settings", "message"), [
    ({"range": "v1.0"}, "is not A..B"),
    ({"range": "..v1.0"}, "is not A..B"),
    ({"range": "v1.0...v1.1"}, "is not A..B"),
    ({"range": "v1.0..v1.1", "since": "v1.0"}, "give only one"),
    ({"since": "v1.0", "since_tag": "v*"}, "give only one"),
    ({"max_commits": 0}, "at least 1"),
    ({"issue_key": ("abc-1",)}, "is not an issue key"),
    ({"issue_key": ("ABC-1 OPS-2",)}, "is not an issue key"),
    ({"key_pattern": "(("}, "not a valid regular expression"),
])
def test_bad_settings_are_usage_errors(history: GitRepo, settings: dict[str, Any], message: str) -> None:
    with pytest.raises(UsageError, match=message.replace(".", r"\.")):
        keys_of(history, **settings)


@pytest.mark.parametrize("ref", ["nope", "--output=x", "v9.9"])
def test_unknown_base_in_a_full_clone_is_an_error(history: GitRepo, ref: str) -> None:
    with pytest.raises(GitError, match="is not a commit in this repository"):
        keys_of(history, since=ref)


def test_explicit_keys_ignore_the_project_filter_and_are_upper_cased_with_ignore_case(history: GitRepo) -> None:
    found = keys_of(history, issue_key=("ops-5",), ignore_case=True, project=("ABC",))
    assert found.key_names() == ["OPS-5", "ABC-6"]


def test_project_filter_drops_look_alikes_from_commits(repo: GitRepo) -> None:
    repo.commit("ABC-1 move to UTF-8 and SHA-256")
    assert keys_of(repo).key_names() == ["ABC-1", "UTF-8", "SHA-256"]
    assert keys_of(repo, project=("ABC",)).key_names() == ["ABC-1"]


def test_commit_setting_moves_head_for_since_and_head_only(history: GitRepo) -> None:
    assert keys_of(history, commit="v1.1").key_names() == ["ABC-4"]
    assert keys_of(history, commit="v1.1", since="v1.0").key_names() == ["ABC-4", "ABC-3"]
    with pytest.raises(GitError, match="is not a commit in this repository"):
        keys_of(history, commit="0" * 40)


def test_ci_commit_is_head_when_the_repository_has_it(history: GitRepo) -> None:
    v11 = history.git("rev-parse", "v1.1")
    assert keys_of(history, CiContext(commit=v11)).key_names() == ["ABC-4"]
    assert keys_of(history, CiContext(commit="f" * 40)).key_names() == ["ABC-6"]


# The reader takes a first-parent shortcut for straight ranges and falls back to BASE..TIP otherwise;
# these check that the result is the range either way, each commit counted once.

def test_a_straight_range_counts_each_commit_once(history: GitRepo) -> None:
    history.commit("ABC-6 again")
    found = keys_of(history, since="v1.1")
    assert [(key.key, key.commits) for key in found.keys] == [("ABC-6", 2), ("ABC-5", 1)]
    assert found.commits_read == 3


def test_a_merge_inside_the_range_falls_back_without_counting_twice(repo: GitRepo) -> None:
    base = repo.commit("ABC-1 base")
    repo.git("checkout", "-q", "-b", "side")
    repo.commit("OPS-1 on the side")
    repo.git("checkout", "-q", "main")
    repo.commit("ABC-2 before the merge")
    repo.merge("side", "merge the side")
    repo.commit("ABC-3 after the merge, ABC-2 again")
    found = keys_of(repo, since=base)
    assert [(key.key, key.commits) for key in found.keys] == [("ABC-3", 1), ("ABC-2", 2), ("OPS-1", 1)]
    assert found.commits_read == 4


@pytest.mark.parametrize("side_first", [True, False])
def test_a_base_on_another_line_gives_the_commits_since_the_fork(repo: GitRepo, side_first: bool) -> None:
    repo.commit("ABC-1 root")
    repo.git("checkout", "-q", "-b", "side")
    if side_first:
        side = repo.commit("OPS-1 side")
    repo.git("checkout", "-q", "main")
    repo.commit("ABC-2 main")
    repo.commit("ABC-3 main")
    if not side_first:
        repo.git("checkout", "-q", "side")
        side = repo.commit("OPS-1 side")
        repo.git("checkout", "-q", "main")
    found = keys_of(repo, since=side)
    assert found.key_names() == ["ABC-3", "ABC-2"]


def test_a_straight_range_longer_than_the_limit_is_cut_like_any_range(history: GitRepo) -> None:
    found = keys_of(history, since="v1.0", max_commits=3)
    assert found.key_names() == ["ABC-6", "ABC-5", "ABC-4"]
    assert found.truncated and found.commits_read == 3


@pytest.fixture
def pull_request(repo: GitRepo) -> tuple[GitRepo, str]:
    """main: ABC-1, ABC-2; the PR branch forks there with OPS-1..OPS-3; main then gains ABC-3 and ABC-4.
    Returns the repository (PR head checked out) and main's head, the PR's base as a CI names it."""
    repo.commit("ABC-1 first on main")
    repo.commit("ABC-2 second on main")
    repo.git("checkout", "-q", "-b", "feature/pr")
    for number in (1, 2, 3):
        repo.commit(f"OPS-{number} pull request change {number}")
    repo.git("checkout", "-q", "main")
    repo.commit("ABC-3 main moved on")
    base = repo.commit("ABC-4 main moved on again")
    repo.git("checkout", "-q", "feature/pr")
    return repo, base


def test_a_pull_request_run_reads_every_commit_since_its_base(pull_request: tuple[GitRepo, str]) -> None:
    repo, base = pull_request
    found = keys_of(repo, CiContext(provider="github", provider_name="GitHub Actions", pr_base_commit=base))
    assert found.key_names() == ["OPS-3", "OPS-2", "OPS-1"]
    assert found.commits_read == 3
    assert found.base_source == "the pull request's base (GitHub event)"
    assert found.range_used == f"{base[:7]}..{repo.head()[:7]}"


def test_the_pull_request_base_wins_over_a_previous_commit_and_loses_to_since(
        pull_request: tuple[GitRepo, str]) -> None:
    repo, base = pull_request
    ci = CiContext(provider="gitlab", provider_name="GitLab CI", pr_base_commit=base,
                   previous_commit=repo.git("rev-parse", "HEAD~1"))
    assert keys_of(repo, ci).key_names() == ["OPS-3", "OPS-2", "OPS-1"]
    assert keys_of(repo, ci, since="HEAD~2").key_names() == ["OPS-3", "OPS-2"]


def test_a_pull_request_base_unknown_to_the_repository_reads_head_with_a_warning(
        pull_request: tuple[GitRepo, str]) -> None:
    repo, _ = pull_request
    found = keys_of(repo, CiContext(provider="github", pr_base_commit="0123456789abcdef0123456789abcdef01234567"))
    assert found.key_names() == ["OPS-3"]
    assert len(found.warnings) == 1 and "pull request's base" in found.warnings[0]
