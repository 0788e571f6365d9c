"""report-dev, report-flag and their get/delete commands, as installed, against the emulator."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from jira_devops.emulator.validation import RequestValidator
from support.cli import run_cli
from support.emulator import RunningEmulator, start_emulator
from support.gitrepo import git, make_repo


def _validate(kind: str, body: dict[str, Any]) -> None:
    """The body passes the bundled schema as a whole and item by item, entity by entity."""
    validator = RequestValidator(kind)
    assert validator.request_errors(body) == []
    for item in body["repositories" if kind == "devinfo" else "flags"]:
        assert validator.item_errors(item) == []
        for name in ("commits", "branches", "pullRequests") if kind == "devinfo" else ():
            for entity in item.get(name) or []:
                assert validator.entity_errors(name, entity) == [], entity


def _repo_with_history(path: Path, remote: str) -> Path:
    repo = make_repo(path, ("base without a key",), branch="main", remote=remote)
    git(repo, "checkout", "-q", "-b", "feature/ABC-7-checkout")
    (repo / "cart.py").write_text("cart = []\n", encoding="utf-8")
    (repo / "pay.py").write_text("pay = 1\n", encoding="utf-8")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "ABC-1 the cart\n\nlonger text")
    git(repo, "commit", "-q", "--allow-empty", "-m", "tidy up, no key")
    git(repo, "commit", "-q", "--allow-empty", "-m", "OPS-2 retry payments")
    return repo


def _report_dev(emulator: RunningEmulator, repo: Path, tmp_path: Path, *extra: str,
                env: dict[str, str] | None = None) -> tuple[int, dict[str, Any], str]:
    done = run_cli("report-dev", "--json", "--range", "main..HEAD", *extra,
                   env={**emulator.env(tmp_path), "JIRA_DEVOPS_OUTBOX": str(tmp_path / "outbox"), **(env or {})},
                   cwd=repo)
    return done.returncode, json.loads(done.stdout) if done.stdout.strip() else {}, done.stderr


@pytest.mark.parametrize(("remote", "repository_id", "commit_page", "branch_page"), [
    ("git@github.com:Acme/Shop.git", "github.com~acme~shop", "https://github.com/Acme/Shop/commit/{sha}",
     "https://github.com/Acme/Shop/tree/feature/ABC-7-checkout"),
    ("https://gitlab.example.com/acme/shop.git", "gitlab.example.com~acme~shop",
     "https://gitlab.example.com/acme/shop/-/commit/{sha}",
     "https://gitlab.example.com/acme/shop/-/tree/feature/ABC-7-checkout"),
    ("ssh://git@bitbucket.example.com:7999/shop/app.git", "bitbucket.example.com~projects~shop~repos~app",
     "https://bitbucket.example.com/projects/SHOP/repos/app/commits/{sha}",
     "https://bitbucket.example.com/projects/SHOP/repos/app/browse?at=refs/heads/feature/ABC-7-checkout"),
])
def test_report_dev_sends_keyed_commits_and_the_branch_with_the_hosts_pages(
        emulator: RunningEmulator, tmp_path: Path, remote: str, repository_id: str, commit_page: str,
        branch_page: str) -> None:
    repo = _repo_with_history(tmp_path / "repo", remote)
    code, result, stderr = _report_dev(emulator, repo, tmp_path, "--ci", "generic")
    assert code == 0, stderr
    assert result["counts"] == {"commits": 2, "branches": 1, "pullRequests": 0, "commitsWithoutKeys": 1}
    (body,) = result["bodies"]
    _validate("devinfo", body)
    (stored,) = emulator.state()["repositories"]
    assert stored["id"] == repository_id
    commits = {commit["message"].split()[0]: commit for commit in stored["commits"]}
    assert set(commits) == {"ABC-1", "OPS-2"}
    cart = commits["ABC-1"]
    assert cart["url"] == commit_page.format(sha=cart["id"])
    assert cart["fileCount"] == 2
    assert cart["author"] == {"name": "Test Author", "email": "author@example.com"}
    assert cart["associatedIssueKeys"] == ["ABC-1"]
    assert commits["OPS-2"]["associatedIssueKeys"] == ["OPS-2"]
    (branch,) = stored["branches"]
    assert branch["url"] == branch_page
    assert branch["lastCommit"]["id"] == git(repo, "rev-parse", "HEAD")
    assert branch["associatedIssueKeys"] == ["ABC-7"]
    assert "createPullRequestUrl" in branch


def test_a_second_run_from_another_clone_updates_the_same_repository(emulator: RunningEmulator,
                                                                     tmp_path: Path) -> None:
    first = _repo_with_history(tmp_path / "one", "https://github.com/acme/shop.git")
    assert _report_dev(emulator, first, tmp_path, "--ci", "generic")[0] == 0
    second = make_repo(tmp_path / "two", ("ABC-3 elsewhere",), branch="ABC-3-more", remote="git@github.com:acme/shop")
    done = run_cli("report-dev", "--json", "--ci", "generic", env=emulator.env(tmp_path), cwd=second)
    assert done.returncode == 0, done.stderr
    (stored,) = emulator.state()["repositories"]
    assert {branch["name"] for branch in stored["branches"]} == {"feature/ABC-7-checkout", "ABC-3-more"}
    sequences = [request["body"]["repositories"][0]["updateSequenceId"] for request in emulator.requests()
                 if "/devinfo/" in request["path"] and request["path"].endswith("/bulk")]
    assert len(sequences) == 2 and sequences[0] < sequences[1]


def test_dry_run_prints_the_exact_bodies_and_sends_nothing(emulator: RunningEmulator, tmp_path: Path) -> None:
    repo = _repo_with_history(tmp_path / "repo", "https://github.com/acme/shop.git")
    done = run_cli("report-dev", "--dry-run", "--ci", "generic", "--range", "main..HEAD", cwd=repo)
    assert done.returncode == 0, done.stderr
    body = json.loads(done.stdout)
    _validate("devinfo", body)
    assert [commit["displayId"] for commit in body["repositories"][0]["commits"]] == \
        [git(repo, "rev-parse", "--short=7", "HEAD"), git(repo, "rev-parse", "--short=7", "HEAD~2")]
    assert emulator.requests() == []


def test_a_github_pull_request_run_sends_the_pull_request(emulator: RunningEmulator, tmp_path: Path) -> None:
    repo = _repo_with_history(tmp_path / "repo", "https://github.com/acme/shop.git")
    head = git(repo, "rev-parse", "HEAD")
    base = git(repo, "rev-parse", "main")
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {
        "number": 42, "title": "ABC-9 Checkout", "state": "closed", "merged": True, "comments": 2,
        "review_comments": 1, "user": {"login": "octocat"}, "html_url": "https://github.com/acme/shop/pull/42",
        "updated_at": "2026-01-02T03:04:05Z", "head": {"ref": "feature/ABC-7-checkout", "sha": head},
        "base": {"ref": "main", "sha": base}, "requested_reviewers": [{"login": "hubot"}]}}), encoding="utf-8")
    env = {"GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": str(event),
           "GITHUB_REPOSITORY": "acme/shop", "GITHUB_SERVER_URL": "https://github.com", "GITHUB_SHA": head,
           "GITHUB_HEAD_REF": "feature/ABC-7-checkout", "GITHUB_BASE_REF": "main", "GITHUB_RUN_ID": "1",
           "GITHUB_REF": "refs/pull/42/merge", "GITHUB_WORKFLOW": "ci"}
    done = run_cli("report-dev", "--json", env={**emulator.env(tmp_path), **env}, cwd=repo)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["counts"]["commits"] == 2  # the PR's base from the event bounds the range
    _validate("devinfo", result["bodies"][0])
    (stored,) = emulator.state()["repositories"]
    (pull,) = stored["pullRequests"]
    assert pull["id"] == "42" and pull["status"] == "MERGED" and pull["commentCount"] == 3
    assert pull["author"] == {"name": "octocat"} and pull["reviewers"] == [{"name": "hubot"}]
    assert pull["destinationBranch"] == "main" and pull["url"] == "https://github.com/acme/shop/pull/42"
    assert sorted(pull["associatedIssueKeys"]) == ["ABC-7", "ABC-9"]


def test_a_gitlab_merge_request_run_sends_the_merge_request(emulator: RunningEmulator, tmp_path: Path) -> None:
    repo = _repo_with_history(tmp_path / "repo", "https://gitlab.example.com/acme/shop.git")
    env = {"GITLAB_CI": "true", "CI_PROJECT_URL": "https://gitlab.example.com/acme/shop",
           "CI_PROJECT_PATH": "acme/shop", "CI_PIPELINE_ID": "9", "CI_COMMIT_SHA": git(repo, "rev-parse", "HEAD"),
           "CI_MERGE_REQUEST_IID": "5", "CI_MERGE_REQUEST_TITLE": "OPS-4 retries",
           "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME": "feature/ABC-7-checkout",
           "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main",
           "CI_MERGE_REQUEST_DIFF_BASE_SHA": git(repo, "rev-parse", "main"),
           "CI_MERGE_REQUEST_PROJECT_URL": "https://gitlab.example.com/acme/shop"}
    done = run_cli("report-dev", "--json", env={**emulator.env(tmp_path), **env}, cwd=repo)
    assert done.returncode == 0, done.stderr
    _validate("devinfo", json.loads(done.stdout)["bodies"][0])
    (stored,) = emulator.state()["repositories"]
    (merge,) = stored["pullRequests"]
    assert merge["id"] == "5" and merge["status"] == "OPEN"
    assert merge["url"] == "https://gitlab.example.com/acme/shop/-/merge_requests/5"
    assert merge["sourceBranchUrl"] == "https://gitlab.example.com/acme/shop/-/tree/feature/ABC-7-checkout"
    assert sorted(merge["associatedIssueKeys"]) == ["ABC-7", "OPS-4"]


def test_get_and_delete_repository_and_one_branch(emulator: RunningEmulator, tmp_path: Path) -> None:
    repo = _repo_with_history(tmp_path / "repo", "https://github.com/acme/shop.git")
    assert _report_dev(emulator, repo, tmp_path, "--ci", "generic")[0] == 0
    env = emulator.env(tmp_path)
    got = run_cli("get-repository", env=env, cwd=repo)
    assert got.returncode == 0, got.stderr
    assert json.loads(got.stdout)["id"] == "github.com~acme~shop"
    deleted = run_cli("delete-dev", "--branch-name", "feature/ABC-7-checkout", "--yes", env=env, cwd=repo)
    assert deleted.returncode == 0, deleted.stderr
    assert emulator.state()["repositories"][0]["branches"] == []
    gone = run_cli("delete-repository", "--repository-id", "github.com~acme~shop", "--yes", env=env, cwd=tmp_path)
    assert gone.returncode == 0, gone.stderr
    assert emulator.state()["repositories"] == []
    missing = run_cli("get-repository", "--repository-id", "github.com~acme~shop", env=env, cwd=tmp_path)
    assert missing.returncode == 1
    assert "Jira has no repository github.com~acme~shop" in missing.stderr


def test_report_flag_round_trips_with_get_flag(emulator: RunningEmulator, tmp_path: Path) -> None:
    env = emulator.env(tmp_path)
    done = run_cli("report-flag", "--json", "--flag-key", "new-checkout", "--display-name", "New checkout",
                   "--disabled", "--default-value", "false", "--rollout-percentage", "25", "-e", "production,staging",
                   "--url", "https://flags.example.com/new-checkout", "-k", "ABC-5",
                   "--property", "team=web", env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    _validate("featureflags", result["bodies"][0])
    assert result["accepted"] == [{"flagId": "new-checkout"}]
    got = run_cli("get-flag", "--flag-key", "new-checkout", env=env, cwd=tmp_path)
    assert got.returncode == 0, got.stderr
    flag = json.loads(got.stdout)
    assert flag["summary"]["status"] == {"enabled": False, "defaultValue": "false", "rollout": {"percentage": 25.0}}
    assert [(d["environment"]["name"], d["environment"]["type"]) for d in flag["details"]] == \
        [("production", "production"), ("staging", "staging")]
    assert run_cli("delete", "--property", "team=web", "--kind", "featureflags", "--yes", env=env,
                   cwd=tmp_path).returncode == 0
    assert run_cli("get-flag", "--flag-id", "new-checkout", env=env, cwd=tmp_path).returncode == 1


def test_report_flag_and_delete_flag(emulator: RunningEmulator, tmp_path: Path) -> None:
    env = emulator.env(tmp_path)
    assert run_cli("report-flag", "--flag-key", "dark-mode", "--url", "https://flags.example.com/dark-mode",
                   "-k", "DEMO-1", env=env, cwd=tmp_path).returncode == 0
    assert emulator.state()["flags"][0]["summary"]["status"]["enabled"] is True
    deleted = run_cli("delete-flag", "--flag-key", "dark-mode", "--yes", env=env, cwd=tmp_path)
    assert deleted.returncode == 0, deleted.stderr
    assert emulator.state()["flags"] == []


def test_report_flag_needs_a_key_and_a_page(emulator: RunningEmulator, tmp_path: Path) -> None:
    done = run_cli("report-flag", "--url", "https://flags.example.com/x", "-k", "ABC-1",
                   env=emulator.env(tmp_path), cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.startswith("error: no flag key given")
    assert emulator.requests() == []


def test_unknown_only_keys_are_rejected_and_named(emulator: RunningEmulator, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", ("ZZZ-1 not a project here",), branch="topic")
    done = run_cli("report-dev", "--json", "--ci", "generic", env=emulator.env(tmp_path), cwd=repo)
    assert done.returncode == 1
    result = json.loads(done.stdout)
    assert result["unknownIssueKeys"] == ["ZZZ-1"]
    assert result["rejected"][0]["key"]["type"] == "commits"


def test_a_credential_without_the_permission_gets_one_line_naming_it(tmp_path: Path) -> None:
    with start_emulator(tmp_path / "emu", "--permissions", "builds,deployments") as limited:
        repo = _repo_with_history(tmp_path / "repo", "https://github.com/acme/shop.git")
        done = run_cli("report-dev", "--ci", "generic", "--range", "main..HEAD", "--outbox", "off",
                       env=limited.env(tmp_path), cwd=repo)
        assert done.returncode == 3
        errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
        assert errors == ["error: the OAuth credentials lack the Development information permission; not kept: the "
                          "outbox is off (create the "
                          "credentials with the Development information permission: a site admin can add "
                          "'Development information' to them under Settings > Apps > OAuth credentials)"]
        flag = run_cli("report-flag", "--flag-key", "x", "--url", "https://flags.example.com/x", "-k", "ABC-1",
                       "--outbox", "off", env=limited.env(tmp_path), cwd=tmp_path)
        assert flag.returncode == 3
        assert "lack the Feature flags permission" in flag.stderr


def test_jira_down_keeps_the_bodies_and_flush_delivers_them(emulator: RunningEmulator, tmp_path: Path) -> None:
    repo = _repo_with_history(tmp_path / "repo", "https://github.com/acme/shop.git")
    emulator.fault("/jira/devinfo", 503, count=50)
    code, result, stderr = _report_dev(emulator, repo, tmp_path, "--ci", "generic", "--timeout", "2s")
    assert code == 4, stderr
    assert result["outboxed"] == 1
    emulator.reset()
    flushed = run_cli("flush", env={**emulator.env(tmp_path), "JIRA_DEVOPS_OUTBOX": str(tmp_path / "outbox")},
                      cwd=tmp_path)
    assert flushed.returncode == 0, flushed.stderr + flushed.stdout
    assert emulator.state()["repositories"], flushed.stderr + flushed.stdout
    assert len(emulator.state()["repositories"][0]["commits"]) == 2


def test_secrets_never_reach_the_output(emulator: RunningEmulator, tmp_path: Path) -> None:
    repo = _repo_with_history(tmp_path / "repo", "https://github.com/acme/shop.git")
    code, result, stderr = _report_dev(emulator, repo, tmp_path, "--ci", "generic", "--debug")
    secret = emulator.secret_file.read_text(encoding="utf-8").strip()
    assert code == 0
    assert secret not in stderr and secret not in json.dumps(result)
    assert os.environ.get("JIRA_CLIENT_SECRET", "") == "" or os.environ["JIRA_CLIENT_SECRET"] not in stderr


def test_bad_input_is_one_line_with_a_distinct_exit_code(emulator: RunningEmulator, tmp_path: Path) -> None:
    outside = run_cli("report-dev", "--ci", "generic", env=emulator.env(tmp_path), cwd=tmp_path)
    assert outside.returncode == 2
    assert outside.stderr.startswith("error: ") and "not inside a git repository" in outside.stderr
    no_remote = make_repo(tmp_path / "repo", ("ABC-1 x",), remote="")
    unnamed = run_cli("report-dev", "--ci", "generic", env=emulator.env(tmp_path), cwd=no_remote)
    assert unnamed.returncode == 2
    assert unnamed.stderr.strip().splitlines() == [
        "error: cannot name the repository for Jira: no repository URL is known (pass --repository-url (or "
        "JIRA_DEVOPS_REPOSITORY_URL) with the repository's web page, or add an 'origin' remote)"]
    template = run_cli("report-dev", "--ci", "generic", "--commit-url-template", "https://x.example/c",
                       "--repository-url", "https://x.example/r", env=emulator.env(tmp_path), cwd=no_remote)
    assert template.returncode == 2 and "has no {sha}" in template.stderr
    assert emulator.requests() == []


def test_a_commit_url_template_serves_an_unknown_host(emulator: RunningEmulator, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", ("ABC-1 x",), remote="ssh://git@code.example.com/shop/app.git")
    done = run_cli("report-dev", "--dry-run", "--ci", "generic", "--commit-url-template",
                   "https://code.example.com/cgit/app/commit/?id={sha}", cwd=repo)
    assert done.returncode == 0, done.stderr
    (commit,) = json.loads(done.stdout)["repositories"][0]["commits"]
    assert commit["url"] == f"https://code.example.com/cgit/app/commit/?id={commit['id']}"


def test_a_merge_commit_is_flagged_and_counts_no_files(tmp_path: Path) -> None:
    repo = _repo_with_history(tmp_path / "repo", "https://github.com/acme/shop.git")
    git(repo, "checkout", "-q", "main")
    git(repo, "commit", "-q", "--allow-empty", "-m", "meanwhile on main")
    git(repo, "merge", "-q", "--no-ff", "-m", "ABC-20 merge the checkout", "feature/ABC-7-checkout")
    done = run_cli("report-dev", "--dry-run", "--ci", "generic", "--range", "HEAD~1..HEAD", cwd=repo)
    assert done.returncode == 0, done.stderr
    commits = {c["message"].split()[0]: c for c in json.loads(done.stdout)["repositories"][0]["commits"]}
    assert commits["ABC-20"]["flags"] == ["MERGE_COMMIT"]
    assert "flags" not in commits["ABC-1"] and commits["ABC-1"]["fileCount"] == 2
    assert set(commits) == {"ABC-20", "ABC-1", "OPS-2"}  # the merge brings the branch's commits into the range
