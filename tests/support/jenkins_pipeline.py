"""Run the Jenkins shared library's steps for real with Debian's groovy, in batches.

A :class:`Scenario` is a piece of pipeline code (``jiraSendBuildInfo(site: 'acme')``) plus the job's
environment, the build's result so far and the Jenkins credentials store. :func:`run_scenarios` runs many
of them in one groovy process (the JVM's start-up is the slow part) through
``tests/jenkins/pipeline_harness.groovy``, whose stand-ins for the pipeline steps record every call and
run every ``sh`` script as a real subprocess. Each :class:`Outcome` holds what the steps returned, the
calls, the log, and (with an emulator) what the emulator stored and received.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from support.jenkins_library import LIBRARY, LOCK_SCRIPT, ROOT

HARNESS = ROOT / "tests" / "jenkins" / "pipeline_harness.groovy"
CLIENT_ID = "jenkins-client"
SECRET = "s3cret-jenkins-Value-9f27"
GITHUB_TOKEN = "ghp_jenkinsTestToken0123456789"


# The plugin's steps (atlassian-jira-software-cloud-plugin, JiraSendBuildInfoStep, JiraSendDeploymentInfoStep,
# JiraCheckGatingStatusStep): @DataBoundConstructor arguments are required, @DataBoundSetter ones optional.
PLUGIN_STEPS = {
    "jiraSendBuildInfo": {"parameters": ["site", "branch"], "required": []},
    "jiraSendDeploymentInfo": {
        "parameters": ["site", "environmentId", "environmentName", "environmentType", "state", "serviceIds",
                       "enableGating", "issueKeys"],
        "required": ["environmentId", "environmentName", "environmentType"],
    },
    "checkGatingStatus": {"parameters": ["site", "environmentId"], "required": ["environmentId"]},
}


def java_home() -> Optional[str]:
    """JAVA_HOME as groovy needs it: the given one, else the JDK that ``java`` on PATH belongs to."""
    if os.environ.get("JAVA_HOME"):
        return os.environ["JAVA_HOME"]
    java = shutil.which("java")
    return str(Path(java).resolve().parent.parent) if java else None


def groovy_available() -> bool:
    """Whether groovy and a JDK are installed (the tests skip otherwise)."""
    return shutil.which("groovy") is not None and java_home() is not None


def cli_bin_dir() -> Path:
    """A directory holding a ``jira-devops`` command that runs this checkout's CLI."""
    here = Path(sys.executable).parent
    if (here / "jira-devops").exists():
        return here
    raise RuntimeError("jira-devops is not installed next to the test interpreter (pip install -e .)")


@dataclass
class Scenario:
    """Pipeline code to run with the library's steps in scope, and the job around it."""

    script: str
    current_result: str = "SUCCESS"
    env: dict[str, str] = field(default_factory=dict)
    credentials: Optional[dict[str, dict[str, str]]] = None
    setup: list[dict[str, Any]] = field(default_factory=list)
    path: Optional[str] = None  # the agent's PATH; default: the test CLI's folder, then /usr/bin:/bin
    tools: Optional[tuple[str, ...]] = None  # else: a PATH holding only these commands (no jira-devops)
    workspace: Optional[Path] = None
    branch: Optional[str] = None  # with files: a workspace of its own, a repository on this branch
    files: Optional[dict[str, str]] = None  # files to write there (made executable when they start with #!)
    python: Optional[str] = None  # with tools: the interpreter linked as the agent's python3
    windows: bool = False  # isUnix() answers false
    node_workspace: Optional[str] = None  # the workspace node(label) gives (default: the job's)
    plugin_steps: Optional[dict[str, dict[str, list[str]]]] = None  # Atlassian's plugin installed: its steps
    test_results: Optional[dict[str, int]] = None  # the run's test results (total, failed, skipped)


@dataclass
class Outcome:
    """What one scenario did."""

    name: str
    returned: Any
    error: Optional[str]
    build_result: Optional[str]
    calls: list[dict[str, Any]]
    log: str
    emulator_state: Optional[dict[str, Any]] = None
    emulator_requests: Optional[list[dict[str, Any]]] = None
    trace: Optional[str] = None

    def steps(self, name: str) -> list[dict[str, Any]]:
        """The recorded calls of pipeline step ``name``."""
        return [call for call in self.calls if call["step"] == name]

    @property
    def echoed(self) -> list[str]:
        """Messages passed to ``echo``."""
        return [call["message"] for call in self.steps("echo")]

    @property
    def sh_environment(self) -> dict[str, str]:
        """The environment the (single) ``sh`` call ran with, beyond the job's own."""
        calls = self.steps("sh")
        assert len(calls) == 1, f"expected one sh call, got {len(calls)}"
        return dict(calls[0]["env"])

    def body(self) -> dict[str, Any]:
        """The first request body of a dry run, as the CLI printed it."""
        assert isinstance(self.returned, dict), self.returned
        return dict(self.returned["bodies"][0])


def default_credentials() -> dict[str, dict[str, str]]:
    """The Jenkins credentials store of a scenario: a username/password and two secret texts."""
    return {
        "jira-oauth": {"type": "usernamePassword", "username": CLIENT_ID, "password": SECRET},
        "jira-client-id": {"type": "string", "secret": CLIENT_ID},
        "jira-client-secret": {"type": "string", "secret": SECRET},
        "github-token": {"type": "string", "secret": GITHUB_TOKEN},
    }


def jenkins_environment(workspace: Path, number: int) -> dict[str, str]:
    """What Jenkins puts in a Pipeline job's environment on an agent."""
    return {
        "JENKINS_URL": "https://jenkins.example.com/",
        "JOB_NAME": "acme/app",
        "JOB_BASE_NAME": "app",
        "JOB_URL": "https://jenkins.example.com/job/acme/job/app/",
        "BUILD_NUMBER": str(number),
        "BUILD_ID": str(number),
        "BUILD_URL": f"https://jenkins.example.com/job/acme/job/app/{number}/",
        "BRANCH_NAME": "feature/ABC-12-login",  # the branch make_repository checks out
        "WORKSPACE": str(workspace),
        "NODE_NAME": "built-in",
        "EXECUTOR_NUMBER": "0",
    }


def run_scenarios(scenarios: dict[str, Scenario], *, workspace: Path, tmp: Path,
                  emulator_url: Optional[str] = None, agent_env: Optional[dict[str, str]] = None,
                  timeout: float = 300, library: Path = LIBRARY,
                  placeholders: Optional[dict[str, str]] = None) -> dict[str, Outcome]:
    """Run every scenario in one groovy process, with the library at ``library``; outcomes by scenario name.

    In a scenario's environment, ``{workspace}`` (and each key of ``placeholders``) is replaced by its value.
    """
    home = tmp / "home"
    home.mkdir(parents=True, exist_ok=True)
    entries = []
    for number, (name, scenario) in enumerate(scenarios.items(), start=1):
        space = scenario.workspace or workspace
        if scenario.branch is not None or scenario.files is not None:
            space = _own_workspace(tmp / "workspaces" / name, scenario)
        path = scenario.path or f"{cli_bin_dir()}:/usr/bin:/bin"
        if scenario.tools is not None:
            path = str(_tool_dir(tmp / "tools" / name, scenario.tools, scenario.python))
        env = {
            "PATH": path,
            "HOME": str(home),
            "LANG": "C.UTF-8",
            "JIRA_DEVOPS_CACHE_DIR": str(tmp / "cache" / name),
            **jenkins_environment(space, number),
            **({"BRANCH_NAME": scenario.branch} if scenario.branch else {}),
            **(agent_env or {}),
            **{key: _substitute(value, {"{workspace}": str(space), **(placeholders or {})})
               for key, value in scenario.env.items()},
        }
        entries.append({
            "name": name,
            "script": scenario.script,
            "workspace": str(space),
            "env": env,
            "currentResult": scenario.current_result,
            "credentials": default_credentials() if scenario.credentials is None else scenario.credentials,
            "emulator": emulator_url,
            "setup": scenario.setup,
            "windows": scenario.windows,
            "nodeWorkspace": scenario.node_workspace,
            "pluginSteps": scenario.plugin_steps or {},
            "testResults": scenario.test_results,
        })
    source = tmp / "scenarios.json"
    target = tmp / "results.json"
    source.write_text(json.dumps({"scenarios": entries}), encoding="utf-8")
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home), "LANG": "C.UTF-8"}
    env["JAVA_HOME"] = java_home() or ""
    done = subprocess.run(["groovy", str(HARNESS), str(library), str(source), str(target)], env=env,
                          capture_output=True, text=True, timeout=timeout, check=False)
    if done.returncode != 0 or not target.exists():
        raise RuntimeError(f"the groovy harness failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    outcomes = {}
    for record in json.loads(target.read_text(encoding="utf-8"))["results"]:
        outcomes[record["name"]] = Outcome(
            name=record["name"], returned=record.get("returned"), error=record.get("error"),
            build_result=record.get("buildResult"), calls=record["calls"], log=record["log"],
            emulator_state=record.get("emulatorState"), emulator_requests=record.get("emulatorRequests"),
            trace=record.get("trace"),
        )
    return outcomes


def _substitute(value: str, placeholders: dict[str, str]) -> str:
    for name, replacement in placeholders.items():
        value = value.replace(name, replacement)
    return value


def _own_workspace(folder: Path, scenario: Scenario) -> Path:
    make_repository(folder, branch=scenario.branch or "feature/ABC-12-login")
    for name, text in (scenario.files or {}).items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        if text.startswith("#!"):
            target.chmod(0o755)
    return folder


def _tool_dir(folder: Path, tools: tuple[str, ...], python: Optional[str] = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for tool in tools:
        found = shutil.which(tool)
        if found is None:
            raise RuntimeError(f"{tool} is not installed")
        (folder / tool).symlink_to(found)
    if python is not None:
        (folder / "python3").symlink_to(python)
    return folder


# What a bare Unix agent has: a shell's usual tools and git, no jira-devops (python3 is given separately).
BARE_AGENT_TOOLS = ("sh", "cat", "cksum", "cp", "cut", "date", "find", "head", "mkdir", "mv", "rm", "sleep",
                    "touch", "uname", "git")


def base_python() -> str:
    """The interpreter the test virtual environment was made from: a python3 without jira-devops installed."""
    base = getattr(sys, "_base_executable", None) or sys.executable
    return str(Path(base).resolve())


def make_repository(path: Path, branch: str = "feature/ABC-12-login",
                    messages: tuple[str, ...] = ("OPS-7 fix the login form",)) -> str:
    """A real git repository with a remote URL and commits; returns HEAD's SHA."""
    path.mkdir(parents=True, exist_ok=True)

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=path, check=True, capture_output=True, text=True).stdout

    git("init", "-q", "-b", branch)
    for message in messages:
        git("-c", "user.name=Dev", "-c", "user.email=dev@example.com", "commit", "-q", "--allow-empty",
            "-m", message)
    git("remote", "add", "origin", "https://github.com/acme/app.git")
    return git("rev-parse", "HEAD").strip()


class ScenarioBook:
    """The scenarios of one test module, keyed by the test that asserts on each; run together, once.

    ``released``: run them with the library as a release ships it (:func:`released_library`), its lock
    holding the hash of the wheel built from this tree, rather than the checkout's ``jenkins/``.
    """

    def __init__(self, *, emulator: bool = False, released: bool = False) -> None:
        self.scenarios: dict[str, Scenario] = {}
        self.emulator = emulator
        self.released = released

    def scenario(self, script: str, **fields: Any) -> Any:
        """Decorator: the test receives this scenario's :class:`Outcome` as its ``outcome`` fixture."""

        def register(test: Any) -> Any:
            self.scenarios[test.__name__] = Scenario(script, **fields)
            return test

        return register


@dataclass
class ReleasedLibrary:
    """The library as a release ships it, and a wheelhouse standing in for the organisation's mirror."""

    path: Path
    wheelhouse: Path

    @property
    def placeholders(self) -> dict[str, str]:
        """What ``{wheelhouse}`` in a scenario's environment stands for."""
        return {"{wheelhouse}": str(self.wheelhouse)}


def mirror_env(find_links: str = "{wheelhouse}") -> dict[str, str]:
    """pip's settings of an agent whose only package source is ``find_links`` (by default the released
    library's wheelhouse): no configuration file, no index, so nothing leaves the machine."""
    return {"PIP_CONFIG_FILE": os.devnull, "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": find_links}


def released_library(folder: Path) -> ReleasedLibrary:
    """Copy the library into ``folder`` and lock it as the release does (scripts/jenkins_lock.py builds the
    wheel from this tree and writes its hash into the copy's lock); fill a wheelhouse with that wheel and
    the dependencies of requirements/runtime.txt for this interpreter (``pip download --require-hashes``,
    from the package index pip is configured with)."""
    library = folder / "jenkins"
    shutil.copytree(LIBRARY, library)
    wheelhouse = folder / "wheelhouse"
    lock = library / "resources" / "jira-devops" / "requirements.txt"
    for command in (
        [sys.executable, str(LOCK_SCRIPT), "--output", str(lock), "--keep-wheel", str(wheelhouse)],
        [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check", "--require-hashes",
         "--only-binary", ":all:", "--dest", str(wheelhouse), "-r", str(ROOT / "requirements" / "runtime.txt")],
    ):
        done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=600)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(command[:4])} failed:\n{done.stdout}{done.stderr}")
    return ReleasedLibrary(path=library, wheelhouse=wheelhouse)
