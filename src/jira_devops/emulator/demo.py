"""``jira-devops demo``: the whole job, end to end, with nothing but this package.

Starts an emulator on a free loopback port, makes a throwaway git repository whose commits mention issue
keys, runs the real ``jira-devops report-build`` and ``report-deploy`` commands against it, prints what
Jira accepted per issue key, and cleans up. No network, no Jira site, no settings of the user's are read.
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
from jira_devops.git import run_git

COMMITS = (
    "DEMO-1 Add the sign-in page",
    "Tidy the stylesheet (no issue)",
    "DEMO-2 Check the e-mail address before sending",
)
BRANCH = "feature/DEMO-3-sign-in"
# Variables that would point the demo's commands at a real site or make them read a real CI's run.
_IGNORED_PREFIXES = ("JIRA_", "GITHUB_", "GITLAB_", "CI", "JENKINS", "BUILD_", "BITBUCKET_", "BUILDKITE",
                     "CIRCLE", "TRAVIS", "TEAMCITY", "TF_BUILD", "SYSTEM_", "AGENT_", "GIT_")


def demo_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """The environment the demo's commands run in: the user's, without Jira, git and CI variables."""
    return {name: value for name, value in environ.items() if not name.startswith(_IGNORED_PREFIXES)}


def make_demo_repository(folder: Path) -> str:
    """A git repository with a few commits mentioning issue keys; returns the HEAD commit."""
    folder.mkdir(parents=True, exist_ok=True)
    identity = ["-c", "user.name=Demo Developer", "-c", "user.email=dev@example.com", "-c", "commit.gpgsign=false"]
    run_git(["init", "-q", "-b", BRANCH], folder)
    for message in COMMITS:
        run_git([*identity, "commit", "-q", "--allow-empty", "-m", message], folder)
    run_git(["remote", "add", "origin", "https://example.com/acme/shop.git"], folder)
    return run_git(["rev-parse", "HEAD"], folder)


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
            make_demo_repository(repo)
            self.say(f"1. A local Jira stand-in is listening on {emulator.url} "
                     f"(projects {', '.join(emulator.config.projects)}).")
            self.say(f"2. A throwaway repository on branch {BRANCH} with {len(COMMITS)} commits:")
            for message in reversed(COMMITS):
                self.say(f"     {message}")
            settings = {"JIRA_DEVOPS_API_URL": emulator.url, "JIRA_CLIENT_ID": DEFAULT_CLIENT_ID,
                        "JIRA_CLIENT_SECRET_FILE": str(secret_file),
                        "JIRA_DEVOPS_CACHE_DIR": str(folder / "cache"), "JIRA_DEVOPS_CI": "generic"}
            self.say("3. The commands find the stand-in and its OAuth credentials in the environment, "
                     "as they would in CI:")
            for name, value in settings.items():
                self.say(f"     {name}={value}")
            environment = {**demo_environment(os.environ), **settings}
            self.say("4. Report the build:")
            code = self._cli(repo, environment, "report-build", "--state", "successful", "--build-number", "1",
                             "--url", "https://ci.example.com/shop/builds/1")
            if code == 0:
                self.say("5. Report the deployment to production:")
                code = self._cli(repo, environment, "report-deploy", "--state", "successful",
                                 "--environment", "production", "--deployment-number", "1", "--no-record",
                                 "--url", "https://ci.example.com/shop/deploys/1")
            self.say("6. What Jira now shows on each issue:")
            self._show(emulator.state.snapshot())
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

    def _show(self, snapshot: Mapping[str, Any]) -> None:
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
        if not per_key:
            self.say("     nothing")
        for key in sorted(per_key):
            self.say(f"     {key}: {'; '.join(per_key[key])}")


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
