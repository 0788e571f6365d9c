"""The git ref marker on real repositories with a real bare remote: record, find, shallow, rewrite, rollback."""

from __future__ import annotations

from pathlib import Path

import pytest

from jira_devops.ci.context import CiContext
from jira_devops.errors import UsageError
from jira_devops.history.deploys import LastDeploy, find_last_deploy, record_deploy
from jira_devops.settings import Settings

MARKER = "refs/jira-devops/deploys/production"


def settings_for(repo: Path, **values: object) -> Settings:
    given: dict[str, object] = {"environment": "production", "repo": str(repo), **values}
    return Settings(**given)  # type: ignore[arg-type]


def find(repo: Path, **values: object) -> LastDeploy:
    return find_last_deploy(settings_for(repo, **values), CiContext(), repo, environ={})


def deploy(repo: Path, sha: str, **values: object) -> list[str]:
    return record_deploy(settings_for(repo, **values), CiContext(), sha, "production")


def test_first_deploy_says_so_and_reads_head_only(origin) -> None:
    last = find(origin.work)

    assert last.base is None
    assert last.first_deploy
    assert last.rollback is False
    assert last.head == origin.git(origin.work, "rev-parse", "HEAD")
    assert any("first deploy to production" in warning and f"no git ref {MARKER} on origin" in warning
               for warning in last.warnings)
    assert last.source == f"no git ref {MARKER} on origin; the CI gives no previous successful commit"


def test_recording_pushes_the_marker_to_the_remote(origin) -> None:
    deployed = origin.git(origin.work, "rev-parse", "HEAD")

    assert deploy(origin.work, deployed) == []

    assert origin.remote_ref(MARKER) == deployed


def test_second_deploy_reads_exactly_the_commits_in_between(origin) -> None:
    first = origin.git(origin.work, "rev-parse", "HEAD")
    deploy(origin.work, first)
    shipped = [origin.commit("ABC-1 login form"), origin.commit("ABC-2 fix the button")]
    runner = origin.clone("runner")

    last = find(runner)

    assert last.base == first
    assert last.source == f"git ref {MARKER} on origin"
    assert last.warnings == ()
    assert origin.between(runner, last.base, "HEAD") == shipped


def test_each_environment_has_its_own_marker(origin) -> None:
    staged = origin.git(origin.work, "rev-parse", "HEAD")
    record_deploy(settings_for(origin.work), CiContext(), staged, "staging")
    origin.commit("ABC-3 later work")

    assert find(origin.clone("runner")).first_deploy
    assert find(origin.clone("runner2"), environment="staging").base == staged


def test_shallow_clone_of_depth_one_still_finds_the_base(origin) -> None:
    origin.commits(400, "old work")
    first = origin.git(origin.work, "rev-parse", "HEAD")
    deploy(origin.work, first)
    shipped = origin.commits(180)  # more than two deepening steps
    runner = origin.clone("runner", depth=1)
    assert origin.git(runner, "rev-parse", "--is-shallow-repository") == "true"

    last = find(runner)

    assert last.base == first
    assert last.warnings == ()
    assert origin.between(runner, first, "HEAD") == shipped
    # only as much history as needed was fetched: the old work stays out of the clone
    assert origin.git(runner, "rev-parse", "--is-shallow-repository") == "true"
    assert len(origin.git(runner, "rev-list", "HEAD").split()) < 400


def test_shallow_clone_without_deepening_warns_that_the_range_is_cut(origin) -> None:
    first = origin.git(origin.work, "rev-parse", "HEAD")
    deploy(origin.work, first)
    origin.commits(3)
    runner = origin.clone("runner", depth=1)

    last = find(runner, deepen=False)

    assert last.base == first
    assert any("--no-deepen" in warning and "fetch-depth: 0" in warning for warning in last.warnings)


def test_force_pushed_history_warns_and_falls_back_to_the_common_ancestor(origin) -> None:
    kept = origin.git(origin.work, "rev-parse", "HEAD")
    rewritten = origin.commit("ABC-4 first try")
    deploy(origin.work, rewritten)
    origin.git(origin.work, "reset", "-q", "--hard", kept)
    redone = origin.commit("ABC-4 second try", push=False)
    origin.git(origin.work, "push", "-q", "--force", "origin", "HEAD:main")
    runner = origin.clone("runner")

    last = find(runner)

    assert last.base == kept
    assert last.rollback is False
    assert "common ancestor" in last.source
    assert any(rewritten[:7] in warning and "force-push" in warning for warning in last.warnings)
    assert origin.between(runner, last.base, "HEAD") == [redone]


def test_commit_that_is_gone_warns_and_falls_back_to_the_next_history(origin) -> None:
    deploy(origin.work, origin.git(origin.work, "rev-parse", "HEAD"))
    ci = CiContext(provider="jenkins", provider_name="Jenkins", previous_commit="0123456789abcdef" * 2 + "01234567")

    last = find_last_deploy(Settings(environment="production", history="ci"), ci, origin.work, environ={})

    assert last.first_deploy
    assert any("not in the repository any more" in warning and "force-push" in warning
               for warning in last.warnings)
    assert last.source == "the commit from the previous successful commit (Jenkins) could not be used"


def test_rollback_when_the_new_commit_is_older_than_the_recorded_one(origin) -> None:
    older = origin.git(origin.work, "rev-parse", "HEAD")
    rolled_back = [origin.commit("ABC-5 risky"), origin.commit("ABC-6 riskier")]
    deploy(origin.work, rolled_back[-1])
    runner = origin.clone("runner")
    origin.git(runner, "checkout", "-q", "--detach", older)

    last = find(runner)

    assert last.rollback is True
    assert last.base == rolled_back[-1]
    assert origin.between(runner, "HEAD", last.base) == rolled_back


def test_rollback_in_a_shallow_clone(origin) -> None:
    origin.commits(200, "old work")
    older = origin.git(origin.work, "rev-parse", "HEAD")
    origin.git(origin.work, "tag", "v1")
    origin.git(origin.work, "push", "-q", "origin", "v1")
    rolled_back = origin.commits(3, "ABC-11 risky")
    deploy(origin.work, rolled_back[-1])
    runner = origin.root / "runner"
    origin.git(origin.root, "clone", "-q", "--depth=1", "--branch", "v1", origin.url, str(runner))

    last = find(runner)

    assert last.head == older
    assert last.rollback is True
    assert last.base == rolled_back[-1]
    assert origin.between(runner, "HEAD", last.base) == rolled_back
    assert len(origin.git(runner, "rev-list", "--all").split()) < 100


def test_rollback_recording_moves_the_marker_back(origin) -> None:
    older = origin.git(origin.work, "rev-parse", "HEAD")
    newer = origin.commit("ABC-7 new")
    deploy(origin.work, newer)

    assert deploy(origin.work, older) == []

    assert origin.remote_ref(MARKER) == older


def test_redeploying_the_same_commit_says_so(origin) -> None:
    deployed = origin.git(origin.work, "rev-parse", "HEAD")
    deploy(origin.work, deployed)

    last = find(origin.clone("runner"))

    assert last.base == deployed == last.head
    assert last.first_deploy is False
    assert "redeploy" in last.source


def test_first_deploy_depth_reads_that_many_commits(origin) -> None:
    made = origin.commits(5)
    runner = origin.clone("runner", depth=1)

    last = find(runner, first_deploy_depth=3)

    assert last.first_deploy
    assert last.first_deploy_depth == 3
    assert last.base is None
    newest = origin.git(runner, "rev-list", "--max-count=3", "--reverse", "HEAD").split()
    assert newest == made[-3:]  # the shallow clone was deepened far enough to read them
    assert any("the last 3 commits are read" in warning for warning in last.warnings)


def test_push_refused_is_a_warning_naming_the_missing_permission(origin) -> None:
    origin.reject_pushes()
    deployed = origin.git(origin.work, "rev-parse", "HEAD")

    warnings = record_deploy(settings_for(origin.work), CiContext(provider="github", provider_name="GitHub Actions"),
                             deployed, "production")

    assert len(warnings) == 1
    assert "could not push the deploy marker" in warnings[0]
    assert "contents: write" in warnings[0]
    assert "--no-record" in warnings[0]
    assert origin.remote_ref(MARKER) is None


def test_push_refused_outside_github_names_push_access(origin) -> None:
    origin.reject_pushes()

    warnings = deploy(origin.work, origin.git(origin.work, "rev-parse", "HEAD"))

    assert "push (write) access" in warnings[0]


def test_no_record_leaves_the_remote_alone(origin) -> None:
    assert deploy(origin.work, origin.git(origin.work, "rev-parse", "HEAD"), record=False) == []

    assert origin.remote_ref(MARKER) is None


def test_other_histories_record_nothing(origin) -> None:
    assert deploy(origin.work, origin.git(origin.work, "rev-parse", "HEAD"), history="github") == []

    assert origin.remote_ref(MARKER) is None


def test_ref_prefix_and_remote_are_settings(origin) -> None:
    origin.git(origin.work, "remote", "rename", "origin", "upstream")
    deployed = origin.git(origin.work, "rev-parse", "HEAD")

    assert deploy(origin.work, deployed, remote="upstream", ref_prefix="refs/deploys") == []

    assert origin.remote_ref("refs/deploys/production") == deployed
    origin.commit("ABC-10 next", push=False)
    assert find(origin.work, remote="upstream", ref_prefix="refs/deploys").base == deployed


def test_an_unreadable_remote_falls_back_to_this_clones_copy(origin) -> None:
    deployed = origin.git(origin.work, "rev-parse", "HEAD")
    deploy(origin.work, deployed)
    origin.commit("ABC-8 next", push=False)
    origin.git(origin.work, "remote", "set-url", "origin", (origin.root / "missing.git").as_uri())

    last = find(origin.work)

    assert last.base == deployed
    assert any("could not read the deploy marker from origin" in warning for warning in last.warnings)


def test_without_a_remote_the_marker_lives_in_the_clone(tmp_path: Path, origin) -> None:
    origin.git(origin.work, "remote", "remove", "origin")
    deployed = origin.git(origin.work, "rev-parse", "HEAD")

    warnings = deploy(origin.work, deployed)
    origin.commit("ABC-9 local", push=False)
    last = find(origin.work)

    assert "recorded in this clone only" in warnings[0]
    assert last.base == deployed
    assert "this clone" in last.source


def test_environment_ids_git_refuses_are_folded_into_a_valid_ref(origin) -> None:
    deployed = origin.git(origin.work, "rev-parse", "HEAD")

    record_deploy(settings_for(origin.work), CiContext(), deployed, "EU prod: blue")

    assert origin.remote_ref("refs/jira-devops/deploys/EU-prod-blue") == deployed


def test_a_prefix_outside_refs_is_a_usage_error(origin) -> None:
    with pytest.raises(UsageError, match="must start with 'refs/'"):
        find(origin.work, ref_prefix="deploys")


def test_since_last_deploy_needs_an_environment(origin) -> None:
    with pytest.raises(UsageError, match="which environment"):
        find_last_deploy(Settings(repo=str(origin.work)), CiContext(), origin.work, environ={})


def test_outside_a_repository_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="not a git repository"):
        find_last_deploy(Settings(environment="production"), CiContext(), tmp_path, environ={})


def test_history_git_ref_alone_ignores_the_ci(origin) -> None:
    previous = origin.git(origin.work, "rev-parse", "HEAD")
    origin.commit("ABC-12 next")
    ci = CiContext(provider="jenkins", provider_name="Jenkins", previous_commit=previous)

    last = find_last_deploy(settings_for(origin.work, history="git-ref"), ci, origin.work, environ={})

    assert last.first_deploy
    assert last.source == f"no git ref {MARKER} on origin"


def test_an_unknown_history_is_a_usage_error(origin) -> None:
    with pytest.raises(UsageError, match="unknown deploy history 'svn'"):
        find(origin.work, history="svn")


@pytest.mark.parametrize("name", ["production", "  EU Prod (blue) ", "Ünïcode stage", "---", "x" * 300])
def test_environment_ids_match_the_deployment_payload(name: str) -> None:
    from jira_devops.history.deploys import environment_of
    from jira_devops.jira.payloads import GitFacts, deployment_item

    settings = Settings(environment=name, deployment_number=1, url="https://ci.example.test/1", pipeline_id="p",
                        issue_key=("ABC-1",))
    payload = deployment_item(settings, CiContext(), GitFacts(), ["ABC-1"]).item
    assert environment_of(settings, CiContext())[1] == payload.environment.id
