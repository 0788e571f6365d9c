"""``jira-devops hook post-receive`` in a real bare repository, fed by real ``git push``, against the emulator."""

from __future__ import annotations

import shlex
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from jira_devops.emulator.validation import RequestValidator
from support.cli import OUTPUTS, clean_environment
from support.emulator import RunningEmulator
from support.gitrepo import git, make_repo

WEB_URL = "https://git.example.com/shop/app"
REPOSITORY_ID = "git.example.com~shop~app"


class Server:
    """A bare repository with the hook installed, and a clone that pushes to it."""

    def __init__(self, tmp_path: Path, emulator: RunningEmulator) -> None:
        self.bare = tmp_path / "server" / "app.git"
        self.bare.parent.mkdir(parents=True)
        subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(self.bare)], check=True, timeout=30)
        hook = self.bare / "hooks" / "post-receive"
        hook.write_text(f"#!/bin/sh\nexec {shlex.quote(sys.executable)} -m jira_devops hook post-receive\n",
                        encoding="utf-8")
        hook.chmod(0o755)
        self.outbox = tmp_path / "outbox"
        self.env = clean_environment({**emulator.env(tmp_path), "JIRA_DEVOPS_REPOSITORY_URL": WEB_URL,
                                      "JIRA_DEVOPS_OUTBOX": str(self.outbox), "JIRA_DEVOPS_TIMEOUT": "4s"})
        self.clone = make_repo(tmp_path / "clone", ("first commit on main",), remote=str(self.bare))
        self.emulator = emulator

    def commit(self, message: str, file_name: str = "") -> str:
        if file_name:
            (self.clone / file_name).write_text(message, encoding="utf-8")
            git(self.clone, "add", file_name)
            git(self.clone, "commit", "-q", "-m", message)
        else:
            git(self.clone, "commit", "-q", "--allow-empty", "-m", message)
        return git(self.clone, "rev-parse", "HEAD")

    def push(self, *args: str) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(["git", "push", *args], cwd=self.clone, env=self.env, capture_output=True, text=True,
                              timeout=60, check=False)
        OUTPUTS.extend((done.stdout, done.stderr))
        return done

    def repository(self) -> dict[str, Any]:
        (stored,) = self.emulator.state()["repositories"]
        assert stored["id"] == REPOSITORY_ID
        return dict(stored)

    def hook_lines(self, done: subprocess.CompletedProcess[str]) -> list[str]:
        return [line for line in done.stderr.splitlines() if "jira-devops" in line]


@pytest.fixture
def server(tmp_path: Path, emulator: RunningEmulator) -> Server:
    running = Server(tmp_path, emulator)
    assert running.push("-q", "origin", "main").returncode == 0
    return running


def _bodies_valid(emulator: RunningEmulator) -> int:
    validator = RequestValidator("devinfo")
    bodies = [request["body"] for request in emulator.requests()
              if "/devinfo/" in request["path"] and request["path"].endswith("/bulk") and request.get("body")]
    for body in bodies:
        assert validator.request_errors(body) == []
        for repository in body["repositories"]:
            assert validator.item_errors(repository) == []
            for name in ("commits", "branches", "pullRequests"):
                for entity in repository.get(name) or []:
                    assert validator.entity_errors(name, entity) == []
    return len(bodies)


def test_a_new_branch_sends_only_its_own_commits_and_the_branch(server: Server) -> None:
    git(server.clone, "checkout", "-q", "-b", "feature/ABC-3-cart")
    first = server.commit("ABC-1 the cart", "cart.py")
    server.commit("no key here")
    second = server.commit("OPS-2 pay")
    done = server.push("origin", "feature/ABC-3-cart")
    assert done.returncode == 0, done.stderr
    (line,) = server.hook_lines(done)
    assert "sent 2 commit(s), 1 branch(es)" in line and "1 commit(s) without an issue key left out" in line
    stored = server.repository()
    assert {commit["id"] for commit in stored["commits"]} == {first, second}
    assert stored["url"] == WEB_URL
    (branch,) = stored["branches"]
    assert branch["name"] == "feature/ABC-3-cart" and branch["lastCommit"]["id"] == second
    # git.example.com is no host kind jira-devops knows: stable, distinct fallbacks rather than guessed pages
    assert branch["url"] == WEB_URL + "#refs/heads/feature/ABC-3-cart"
    assert stored["commits"][0]["url"] == f"{WEB_URL}#commit-{stored['commits'][0]['id']}"
    assert _bodies_valid(server.emulator) == 1


def test_fast_forward_force_push_and_delete(server: Server) -> None:
    git(server.clone, "checkout", "-q", "-b", "ABC-4-search")
    server.commit("ABC-4 search box")
    assert server.push("-q", "origin", "ABC-4-search").returncode == 0
    third = server.commit("ABC-5 search results")
    done = server.push("origin", "ABC-4-search")
    assert done.returncode == 0 and "sent 1 commit(s), 1 branch(es)" in server.hook_lines(done)[0]
    git(server.clone, "reset", "-q", "--hard", "HEAD~1")
    rewritten = server.commit("ABC-6 search, done differently")
    forced = server.push("--force", "origin", "ABC-4-search")
    assert forced.returncode == 0, forced.stderr
    assert "sent 1 commit(s), 1 branch(es)" in server.hook_lines(forced)[0]
    stored = server.repository()
    assert {third, rewritten} <= {commit["id"] for commit in stored["commits"]}
    assert stored["branches"][0]["lastCommit"]["id"] == rewritten
    deleted = server.push("origin", ":ABC-4-search")
    assert deleted.returncode == 0, deleted.stderr
    (line,) = server.hook_lines(deleted)
    assert "deleted branch ABC-4-search" in line
    assert server.repository()["branches"] == []
    _bodies_valid(server.emulator)


def test_a_tag_push_never_fails_and_sends_what_no_branch_has(server: Server) -> None:
    git(server.clone, "checkout", "-q", "--detach")
    tagged = server.commit("ABC-8 release notes")
    git(server.clone, "tag", "-a", "-m", "v1", "v1.0.0")
    done = server.push("origin", "v1.0.0")
    assert done.returncode == 0, done.stderr
    (line,) = server.hook_lines(done)
    assert "1 tag(s) read" in line
    assert [commit["id"] for commit in server.repository()["commits"]] == [tagged]


def test_jira_down_the_push_succeeds_and_the_next_push_delivers(server: Server) -> None:
    git(server.clone, "checkout", "-q", "-b", "ABC-9-outage")
    kept = server.commit("ABC-9 during the outage")
    server.emulator.fault("/jira/devinfo", 503, count=1000)
    done = server.push("origin", "ABC-9-outage")
    assert done.returncode == 0, done.stderr
    (line,) = server.hook_lines(done)
    assert "kept 1 request(s) in the outbox" in line
    assert len(list(server.outbox.glob("*.json"))) == 1
    assert server.emulator.state()["repositories"] == []
    server.emulator.reset()
    later = server.commit("ABC-10 after the outage")
    again = server.push("origin", "ABC-9-outage")
    assert again.returncode == 0, again.stderr
    assert {kept, later} <= {commit["id"] for commit in server.repository()["commits"]}
    assert list(server.outbox.glob("*.json")) == []


def test_jira_unreachable_never_holds_the_push_longer_than_the_timeout(server: Server, tmp_path: Path) -> None:
    server.env["JIRA_DEVOPS_API_URL"] = "http://127.0.0.1:9"  # nothing listens on the discard port
    git(server.clone, "checkout", "-q", "-b", "ABC-11-offline")
    server.commit("ABC-11 offline")
    done = server.push("origin", "ABC-11-offline")
    assert done.returncode == 0, done.stderr
    assert len(server.hook_lines(done)) == 1
    assert len(list(server.outbox.glob("*.json"))) == 1


def test_a_jira_that_hangs_holds_the_push_no_longer_than_the_timeout(server: Server) -> None:
    server.env["JIRA_DEVOPS_TIMEOUT"] = "2s"
    server.emulator.fault("/jira/devinfo", 202, count=1000, delay=60)
    git(server.clone, "checkout", "-q", "-b", "ABC-13-slow")
    server.commit("ABC-13 slow")
    started = time.monotonic()
    done = server.push("origin", "ABC-13-slow")
    elapsed = time.monotonic() - started
    assert done.returncode == 0, done.stderr
    assert elapsed < 30, f"the push took {elapsed:.0f}s"  # generous: 2s budget, plus start-up on a loaded machine
    assert len(server.hook_lines(done)) == 1


def test_without_a_repository_url_it_says_so_in_one_line_and_exits_0(server: Server) -> None:
    del server.env["JIRA_DEVOPS_REPOSITORY_URL"]
    git(server.clone, "checkout", "-q", "-b", "ABC-12-nourl")
    server.commit("ABC-12 x")
    done = server.push("origin", "ABC-12-nourl")
    assert done.returncode == 0
    (line,) = server.hook_lines(done)
    assert "JIRA_DEVOPS_REPOSITORY_URL" in line


def test_the_hook_command_exits_0_even_on_a_usage_error(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "jira_devops", "hook", "post-receive", "--timeout", "soon"],
                          input="", capture_output=True, text=True, env=clean_environment(), timeout=60,
                          check=False, cwd=tmp_path)
    assert done.returncode == 0
    assert len(done.stderr.strip().splitlines()) == 1
