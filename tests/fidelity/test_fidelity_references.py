"""Issue 16 item 1: one build reference holding commit and ref, the ref linking to the branch's or tag's own page."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import pytest

from jira_devops.history.hosts import repository_links
from support.cli import run_cli
from support.emulator import RunningEmulator
from support.gitrepo import git, make_repo

SHA = "0123456789abcdef0123456789abcdef01234567"

# (remote as a clone or CI gives it, ci hint, repository page, branch page of "feature/ABC-1 x#y", tag page of v1.2)
HOSTS = [
    pytest.param("https://github.com/acme/api.git", None, "https://github.com/acme/api",
                 "https://github.com/acme/api/tree/feature/ABC-1%20x%23y", "https://github.com/acme/api/tree/v1.2",
                 id="github"),
    pytest.param("git@github.com:acme/api.git", None, "https://github.com/acme/api",
                 "https://github.com/acme/api/tree/feature/ABC-1%20x%23y", "https://github.com/acme/api/tree/v1.2",
                 id="github-scp"),
    pytest.param("https://code.acme.example/acme/api", "github", "https://code.acme.example/acme/api",
                 "https://code.acme.example/acme/api/tree/feature/ABC-1%20x%23y",
                 "https://code.acme.example/acme/api/tree/v1.2", id="github-enterprise-named-by-the-ci"),
    pytest.param("https://github.acme.example/acme/api.git", None, "https://github.acme.example/acme/api",
                 "https://github.acme.example/acme/api/tree/feature/ABC-1%20x%23y",
                 "https://github.acme.example/acme/api/tree/v1.2", id="github-enterprise-by-name"),
    pytest.param("https://oauth2:tok@gitlab.com/acme/group/api.git", None, "https://gitlab.com/acme/group/api",
                 "https://gitlab.com/acme/group/api/-/tree/feature/ABC-1%20x%23y",
                 "https://gitlab.com/acme/group/api/-/tree/v1.2", id="gitlab-credentials-stripped"),
    pytest.param("https://git.acme.example/acme/api", "gitlab", "https://git.acme.example/acme/api",
                 "https://git.acme.example/acme/api/-/tree/feature/ABC-1%20x%23y",
                 "https://git.acme.example/acme/api/-/tree/v1.2", id="gitlab-self-managed-named-by-the-ci"),
    pytest.param("git@bitbucket.org:acme/api.git", None, "https://bitbucket.org/acme/api",
                 "https://bitbucket.org/acme/api/src/feature/ABC-1%20x%23y", "https://bitbucket.org/acme/api/src/v1.2",
                 id="bitbucket-cloud"),
    pytest.param("https://bitbucket.acme.example/scm/ops/api.git", None,
                 "https://bitbucket.acme.example/projects/OPS/repos/api",
                 "https://bitbucket.acme.example/projects/OPS/repos/api/browse?at=refs/heads/feature/ABC-1%20x%23y",
                 "https://bitbucket.acme.example/projects/OPS/repos/api/browse?at=refs/tags/v1.2",
                 id="bitbucket-server-http-clone"),
    pytest.param("ssh://git@scm.acme.example:7999/ops/api.git", None, "https://scm.acme.example/projects/OPS/repos/api",
                 "https://scm.acme.example/projects/OPS/repos/api/browse?at=refs/heads/feature/ABC-1%20x%23y",
                 "https://scm.acme.example/projects/OPS/repos/api/browse?at=refs/tags/v1.2",
                 id="bitbucket-data-center-ssh-7999"),
    pytest.param("https://codeberg.org/acme/api.git", None, "https://codeberg.org/acme/api",
                 "https://codeberg.org/acme/api/src/branch/feature/ABC-1%20x%23y",
                 "https://codeberg.org/acme/api/src/tag/v1.2", id="forgejo-codeberg"),
    pytest.param("https://gitea.acme.example/acme/api", None, "https://gitea.acme.example/acme/api",
                 "https://gitea.acme.example/acme/api/src/branch/feature/ABC-1%20x%23y",
                 "https://gitea.acme.example/acme/api/src/tag/v1.2", id="gitea"),
    pytest.param("https://git.acme.example/api.git", None, "https://git.acme.example/api",
                 "https://git.acme.example/api#refs/heads/feature/ABC-1%20x%23y",
                 "https://git.acme.example/api#refs/tags/v1.2", id="unknown-host-stable-fallback"),
]


@pytest.mark.parametrize(("remote", "ci", "repository", "branch", "tag"), HOSTS)
def test_each_host_gives_the_pages_of_its_repository_branch_and_tag(remote: str, ci: Optional[str],
                                                                    repository: str, branch: str, tag: str) -> None:
    links = repository_links(remote, ci=ci)
    assert links is not None
    assert links.repository == repository
    assert links.branch("feature/ABC-1 x#y") == branch
    assert links.tag("v1.2") == tag


def test_commit_and_create_pull_request_pages() -> None:
    github = repository_links("https://github.com/acme/api")
    gitlab = repository_links("https://gitlab.com/acme/api")
    cloud = repository_links("https://bitbucket.org/acme/api")
    server = repository_links("https://bitbucket.acme.example/scm/OPS/api.git")
    gitea = repository_links("https://codeberg.org/acme/api")
    unknown = repository_links("https://git.acme.example/api")
    assert github and gitlab and cloud and server and gitea and unknown
    assert github.commit(SHA) == f"https://github.com/acme/api/commit/{SHA}"
    assert gitlab.commit(SHA) == f"https://gitlab.com/acme/api/-/commit/{SHA}"
    assert cloud.commit(SHA) == f"https://bitbucket.org/acme/api/commits/{SHA}"
    assert server.commit(SHA) == f"https://bitbucket.acme.example/projects/OPS/repos/api/commits/{SHA}"
    assert gitea.commit(SHA) == f"https://codeberg.org/acme/api/commit/{SHA}"
    assert unknown.commit(SHA) is None
    assert github.create_pull_request("feature/x") == "https://github.com/acme/api/compare/feature/x?expand=1"
    assert gitlab.create_pull_request("feature/x") == (
        "https://gitlab.com/acme/api/-/merge_requests/new?merge_request%5Bsource_branch%5D=feature%2Fx")
    assert cloud.create_pull_request("feature/x") == "https://bitbucket.org/acme/api/pull-requests/new?source=feature%2Fx"
    assert server.create_pull_request("feature/x") == (
        "https://bitbucket.acme.example/projects/OPS/repos/api/pull-requests?create&sourceBranch=refs/heads/feature/x")
    assert gitea.create_pull_request("feature/x") is None, "Gitea compares against a named target"
    assert gitea.create_pull_request("feature/x", "main") == "https://codeberg.org/acme/api/compare/main...feature/x"
    assert unknown.create_pull_request("feature/x") is None


@pytest.mark.parametrize("remote", ["", "not a url", "file:///srv/git/api.git", "https://"])
def test_no_links_for_what_is_not_a_remote_url(remote: str) -> None:
    assert repository_links(remote) is None


def _report(emulator: RunningEmulator, repo: Path, tmp_path: Path, number: str, *extra: str,
            env: Optional[dict[str, str]] = None) -> dict:
    done = run_cli("report-build", "--json", "--ci", "generic", "--state", "successful", "--build-number", number,
                   "--pipeline-id", "acme/api", "--url", f"https://ci.example.com/{number}", *extra,
                   env={**emulator.env(tmp_path), **(env or {})}, cwd=repo)
    assert done.returncode == 0, done.stderr
    got = run_cli("get-build", "--ci", "generic", "--pipeline-id", "acme/api", "--build-number", number,
                  env=emulator.env(tmp_path), cwd=repo)
    assert got.returncode == 0, got.stderr
    stored: dict = json.loads(got.stdout)
    return stored


def test_jira_keeps_one_reference_tying_the_branch_page_to_the_commit(emulator: RunningEmulator,
                                                                      tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", ("ABC-1 login",), branch="feature/ABC-1-login",
                     remote="https://bitbucket.acme.example/scm/ops/api.git")
    head = git(repo, "rev-parse", "HEAD")
    stored = _report(emulator, repo, tmp_path, "1")
    assert stored["references"] == [{
        "commit": {"id": head, "repositoryUri": "https://bitbucket.acme.example/scm/ops/api"},
        "ref": {"name": "feature/ABC-1-login",
                "uri": "https://bitbucket.acme.example/projects/OPS/repos/api/browse?at=refs/heads/feature/ABC-1-login"},
    }]
    git(repo, "checkout", "-q", "-b", "feature/ABC-2-other")
    other = _report(emulator, repo, tmp_path, "2", "--issue-key", "ABC-2")
    assert other["references"][0]["ref"]["uri"] != stored["references"][0]["ref"]["uri"], "two branches look apart"


def test_a_tag_run_references_the_tag_page(emulator: RunningEmulator, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", ("ABC-3 release",), remote="git@gitlab.com:acme/api.git")
    git(repo, "tag", "v1.2")
    git(repo, "checkout", "-q", "--detach", "v1.2")
    head = git(repo, "rev-parse", "HEAD")
    stored = _report(emulator, repo, tmp_path, "3", "--ci", "gitlab",
                     env={"GITLAB_CI": "true", "CI_COMMIT_TAG": "v1.2", "CI_COMMIT_SHA": head})
    assert stored["references"] == [{
        "commit": {"id": head, "repositoryUri": "https://gitlab.com/acme/api"},
        "ref": {"name": "v1.2", "uri": "https://gitlab.com/acme/api/-/tree/v1.2"},
    }]
