"""``jira-devops demo``: the whole job, end to end, with nothing but this package.

Starts an emulator on a free loopback port, makes a throwaway git repository whose commits mention issue
keys, runs the real ``jira-devops report-build``, ``report-deploy``, ``report-dev`` and ``report-flag``
commands against it in the environment a Jenkins job would give them (so the keys come from every commit
since the previous successful build, not HEAD alone), prints what Jira accepted per issue key (builds,
deployments, and the development panel's commits, branches and flags), and cleans up.
No network, no Jira site, no settings of the user's are read.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Callable, TextIO

from jira_devops.emulator.server import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, Emulator, EmulatorConfig
from jira_devops.history.git import run_git

RELEASED = "DEMO-4 Open the shop"  # the commit the last successful build was made of: already in Jira
COMMITS = (
    "DEMO-1 Add the sign-in page",
    "Tidy the stylesheet (no issue)",
    "DEMO-2 Check the e-mail address before sending",
)
BRANCH = "feature/DEMO-3-sign-in"
# Variables that would point the demo's commands at a real site or make them read a real CI's run.
_IGNORED_PREFIXES = ("JIRA_", "GITHUB_", "GITLAB_", "CI", "JENKINS", "BUILD_", "BITBUCKET_", "BUILDKITE",
                     "CIRCLE", "TRAVIS", "TEAMCITY", "TF_BUILD", "SYSTEM_", "AGENT_", "GIT_", "JOB_", "BRANCH_",
                     "CHANGE_", "RUN_")


def demo_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """The environment the demo's commands run in: the user's, without Jira, git and CI variables."""
    return {name: value for name, value in environ.items() if not name.startswith(_IGNORED_PREFIXES)}


def make_demo_repository(folder: Path) -> tuple[str, str]:
    """A git repository: a released commit on main, then a branch of commits mentioning issue keys.

    Returns the released commit (the previous successful build's) and the HEAD commit.
    """
    folder.mkdir(parents=True, exist_ok=True)
    identity = ["-c", "user.name=Demo Developer", "-c", "user.email=dev@example.com", "-c", "commit.gpgsign=false"]
    run_git(["init", "-q", "-b", "main"], folder)
    run_git([*identity, "commit", "-q", "--allow-empty", "-m", RELEASED], folder)
    released = run_git(["rev-parse", "HEAD"], folder)
    run_git(["checkout", "-q", "-b", BRANCH], folder)
    for message in COMMITS:
        run_git([*identity, "commit", "-q", "--allow-empty", "-m", message], folder)
    run_git(["remote", "add", "origin", "https://example.com/acme/shop.git"], folder)
    return released, run_git(["rev-parse", "HEAD"], folder)


def jenkins_variables(released: str, head: str) -> dict[str, str]:
    """What a Jenkins job would set for its build #2, when build #1 (the last successful one) was ``released``."""
    return {"JENKINS_URL": "https://ci.example.com/", "JOB_NAME": "shop",
            "BUILD_NUMBER": "2", "BUILD_URL": "https://ci.example.com/job/shop/2/", "GIT_BRANCH": f"origin/{BRANCH}",
            "GIT_COMMIT": head, "GIT_PREVIOUS_SUCCESSFUL_COMMIT": released,
            "GIT_URL": "https://example.com/acme/shop.git"}


class Demo:
    """One run of the demo, writing its story to ``out``."""

    def __init__(self, out: TextIO, *, keep_running: bool = False) -> None:
        self.out = out
        self.keep_running = keep_running

    def say(self, text: str = "") -> None:
        """One line of the story."""
        print(text, file=self.out, flush=True)

    def run(self) -> int:
        """Run the demo; the exit code is the first failing command's, else 0."""
        with tempfile.TemporaryDirectory(prefix="jira-devops-demo-") as temp, \
                Emulator(EmulatorConfig(log_requests=False)) as emulator:
            folder = Path(temp)
            secret_file = folder / "client-secret"
            secret_file.write_text(DEFAULT_CLIENT_SECRET + "\n", encoding="utf-8")
            secret_file.chmod(0o600)
            repo = folder / "shop"
            released, head = make_demo_repository(repo)
            self.say(f"1. A local Jira stand-in is listening on {emulator.url} "
                     f"(projects {', '.join(emulator.config.projects)}).")
            self.say(f"2. A throwaway repository: the last successful build was of {released[:7]}; branch "
                     f"{BRANCH} adds {len(COMMITS)} commits since:")
            for line in run_git(["log", "--format=%h %s", f"{released}..{head}"], repo).splitlines():
                self.say(f"     {line}")
            self.say(f"     {run_git(['log', '-1', '--format=%h %s', released], repo)}   "
                     "(the previous successful build)")
            settings = {"JIRA_DEVOPS_API_URL": emulator.url, "JIRA_CLIENT_ID": DEFAULT_CLIENT_ID,
                        "JIRA_CLIENT_SECRET_FILE": str(secret_file),
                        "JIRA_DEVOPS_CACHE_DIR": str(folder / "cache"),
                        "JIRA_DEVOPS_OUTBOX": str(folder / "outbox")}
            ci = jenkins_variables(released, head)
            self.say("3. The environment, as a Jenkins job would have it (the CI's variables say which run and "
                     "commits this is; the stand-in and its OAuth credentials are set like any Jira site):")
            for name, value in {**ci, **settings}.items():
                self.say(f"     {name}={value}")
            environment = {**demo_environment(os.environ), **ci, **settings}
            self.say("4. Report the build: the pipeline, run number, link and the commits since the previous "
                     "successful one come from the CI:")
            code = self._cli(repo, environment, "report-build", "--state", "successful")
            if code == 0:
                self.say("5. Report the deployment to production:")
                code = self._cli(repo, environment, "report-deploy", "--state", "successful",
                                 "--environment", "production", "--no-record")
            if code == 0:
                self.say("6. Report the development information (the commits since the previous successful "
                         "build and the branch) and a feature flag:")
                code = self._cli(repo, environment, "report-dev")
            if code == 0:
                code = self._cli(repo, environment, "report-flag", "--flag-key", "new-sign-in", "--enabled",
                                 "--rollout-percentage", "20", "--environment", "production",
                                 "--url", "https://flags.example.com/new-sign-in", "--issue-key", "DEMO-3")
            self.say("7. What Jira now shows on each issue:")
            self._show(emulator.state.snapshot(), _keys(RELEASED))
            if self.keep_running and code == 0:
                self.say(f"The stand-in keeps running: open {emulator.url}/ in a browser; Ctrl-C stops it.")
                _wait_for_interrupt()
        return code

    def _cli(self, repo: Path, environment: Mapping[str, str], *args: str) -> int:
        command = [sys.executable, "-m", "jira_devops", *args]
        self.say(f"   $ jira-devops {shlex.join(args)}")
        done = subprocess.run(command, cwd=repo, env=dict(environment), capture_output=True,
                              text=True, timeout=120, check=False)
        for line in (done.stdout + done.stderr).splitlines():
            self.say(f"     {line}")
        if done.returncode != 0:
            self.say(f"   (exit {done.returncode})")
        return done.returncode

    def _show(self, snapshot: Mapping[str, Any], earlier: list[str]) -> None:
        per_key: dict[str, list[str]] = {}
        describe: dict[str, Callable[[dict[str, Any]], str]] = {
            "builds": lambda b: f"build #{b['buildNumber']} of {b['pipelineId']}: {b['state']}",
            "deployments": lambda d: (f"deployment #{d['deploymentSequenceNumber']} to "
                                      f"{d['environment']['displayName']}: {d['state']}"),
        }
        for kind, text in describe.items():
            for item in snapshot[kind]:
                for key in item["associatedIssueKeys"]:
                    per_key.setdefault(key, []).append(text(item))
        for repository in snapshot.get("repositories", []):
            for commit in repository.get("commits", []):
                for key in commit["associatedIssueKeys"]:
                    per_key.setdefault(key, []).append(f"commit {commit['displayId']} in {repository['name']}")
            for branch in repository.get("branches", []):
                for key in branch["associatedIssueKeys"]:
                    per_key.setdefault(key, []).append(f"branch {branch['name']}")
            for pull in repository.get("pullRequests", []):
                for key in pull["associatedIssueKeys"]:
                    per_key.setdefault(key, []).append(f"pull request {pull['displayId']}: {pull['status']}")
        for flag in snapshot.get("flags", []):
            state = "on" if flag["summary"]["status"]["enabled"] else "off"
            for key in flag["associatedIssueKeys"]:
                per_key.setdefault(key, []).append(f"feature flag {flag['key']}: {state}")
        if not per_key:
            self.say("     nothing")
        for key in sorted(per_key):
            self.say(f"     {key}: {'; '.join(per_key[key])}")
        for key in earlier:
            if key not in per_key:
                self.say(f"     {key}: nothing from this run (its commit was in the previous successful build)")


def _keys(message: str) -> list[str]:
    """The issue keys at the start of a commit message of the demo."""
    return [word for word in message.split()[:1] if "-" in word]


def _wait_for_interrupt() -> None:
    """Block until Ctrl-C or SIGTERM."""
    stop = threading.Event()
    previous = signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        with contextlib.suppress(KeyboardInterrupt):
            while not stop.wait(0.5):
                pass
    finally:
        signal.signal(signal.SIGTERM, previous)
