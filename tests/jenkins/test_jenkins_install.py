"""Where the CLI comes from on an agent, and what a step does when it cannot run it at all.

A bare agent here is a PATH holding a shell's usual tools, git and a python3 (the interpreter this test
environment was made from, without jira-devops), whose only package source is a local wheelhouse standing
in for the organisation's mirror (``PIP_FIND_LINKS``, ``PIP_NO_INDEX``, no pip configuration file). The
library is the released copy: its lock holds the hash of the wheel built from this tree.
"""

from __future__ import annotations

from pathlib import Path

from jira_devops._version import __version__
from support.jenkins_pipeline import (
    BARE_AGENT_TOOLS,
    SECRET,
    Outcome,
    ScenarioBook,
    base_python,
    cli_bin_dir,
    mirror_env,
)

BOOK = ScenarioBook(emulator=True, released=True)
BARE = {"tools": BARE_AGENT_TOOLS, "python": base_python()}
REPORT = "return jiraSendBuildInfo(site: 'acme', credentialsId: 'jira-oauth')"
INSTALLING = f"jira-devops: installing jira-devops {__version__} into "


def _stderr(outcome: Outcome) -> str:
    return "".join(call["stderr"] for call in outcome.steps("sh"))


def _cannot_report(outcome: Outcome, step: str = "jiraSendBuildInfo") -> str:
    """The one warning line of a step that could not run the CLI; asserts the build turned UNSTABLE."""
    assert outcome.error is None, outcome.log
    assert outcome.build_result == "UNSTABLE", outcome.log
    assert outcome.returned["cannotRun"] is True
    [line] = [call["message"] for call in outcome.steps("unstable")]
    assert line.startswith(f"{step}: cannot report: ")
    assert "\n" not in line
    return str(line)


# --- a bare agent gets the CLI from the mirror, once per agent and version ----------------------------------

@BOOK.scenario(REPORT, env=mirror_env(), **BARE)
def test_a_bare_agent_reports_on_the_first_step(outcome: Outcome) -> None:
    assert outcome.returned["ok"] is True, outcome.log
    assert outcome.emulator_state is not None
    [build] = outcome.emulator_state["builds"]
    assert set(build["issueKeys"]) >= {"ABC-12", "OPS-7"}
    [sh] = outcome.steps("sh")
    [installing] = [line for line in sh["stderr"].splitlines() if line.startswith(INSTALLING)]
    install = Path(installing[len(INSTALLING):].split(" (")[0])
    assert install.parts[-3:] == (".cache", "jira-devops", __version__)
    assert (install / ".installed").is_file()
    lock = Path(sh["env"]["JIRA_DEVOPS_STEP_REQUIREMENTS"]).read_text(encoding="utf-8")
    assert (install / "requirements.txt").read_text(encoding="utf-8") == lock  # what was installed, hash-locked
    assert sorted(path.name for path in install.parent.iterdir()) == [__version__]  # no lock, no temp dir left
    assert f"installed jira-devops {__version__} in " in sh["stderr"]
    print(f"first install and report: {sh['millis']} ms")  # shown with -s; the report's install figures
    assert SECRET not in outcome.log
    assert all(SECRET not in call["script"] for call in outcome.steps("sh"))


@BOOK.scenario("return jiraSendBuildInfo(site: 'acme', credentialsId: 'jira-oauth')",
               branch="feature/ABC-13-second", files={}, env=mirror_env(), **BARE)
def test_a_second_workspace_on_the_agent_reuses_the_install(outcome: Outcome) -> None:
    assert outcome.returned["ok"] is True, outcome.log
    [sh] = outcome.steps("sh")
    assert "installing" not in sh["stderr"]
    assert outcome.emulator_state is not None
    [build] = outcome.emulator_state["builds"]
    assert "ABC-13" in build["issueKeys"]
    print(f"reused install and report: {sh['millis']} ms")


# --- loud when it cannot run ------------------------------------------------------------------------------

STALE_LOCK = f"""
    // What a killed install leaves: its lock (no owner record, made minutes ago) and a half-built folder.
    File lock = new File(env.WORKSPACE, 'agent-cache/.{__version__}.lock')
    lock.mkdirs()
    lock.setLastModified(System.currentTimeMillis() - 5 * 60 * 1000)
    Map soft = jiraSendBuildInfo(site: 'acme', credentialsId: 'jira-oauth')
    return [soft: soft, left: new File(env.WORKSPACE, 'agent-cache').list().sort()]
"""


@BOOK.scenario(STALE_LOCK, files={"empty-mirror/index.txt": "nothing here\n"},
               env={**mirror_env("{workspace}/empty-mirror"), "JIRA_DEVOPS_INSTALL_DIR": "{workspace}/agent-cache"},
               **BARE)
def test_an_index_with_nothing_to_offer_turns_the_build_unstable(outcome: Outcome) -> None:
    line = _cannot_report(_soft(outcome))
    assert line.startswith(f"jiraSendBuildInfo: cannot report: could not install jira-devops {__version__} "
                           "(pip's message is above): its package index or mirror (PIP_INDEX_URL, PIP_FIND_LINKS "
                           "or pip.conf on the agent) must offer it")
    assert "it has no owner" in _stderr(outcome)  # the dead install's lock was taken over, not waited on
    assert outcome.returned["left"] == []  # the lock and the half-built folders are gone
    assert outcome.emulator_state is not None
    assert outcome.emulator_state["builds"] == []


def _soft(outcome: Outcome) -> Outcome:
    """The outcome as seen by the first step of a scenario returning [soft: ..., ...]."""
    return Outcome(name=outcome.name, returned=outcome.returned["soft"], error=outcome.error,
                   build_result=outcome.build_result, calls=outcome.calls, log=outcome.log)


@BOOK.scenario("jiraSendBuildInfo(site: 'acme', credentialsId: 'jira-oauth', failOnError: true)",
               files={"empty-mirror/index.txt": "nothing here\n"},
               env={**mirror_env("{workspace}/empty-mirror"), "JIRA_DEVOPS_INSTALL_DIR": "{workspace}/agent-cache"},
               **BARE)
def test_with_fail_on_error_a_step_that_cannot_run_fails_the_build(outcome: Outcome) -> None:
    assert outcome.error is not None
    assert outcome.error.startswith(f"jiraSendBuildInfo: cannot report: could not install jira-devops {__version__}")
    assert outcome.steps("unstable") == []


KILLED_INSTALL = f"""
    // What an install killed with SIGKILL leaves: its lock, owned by a PID that no longer runs on this host.
    String host = ['uname', '-n'].execute().text.trim()
    File root = new File(env.WORKSPACE, 'agent-cache')
    File lock = new File(root, '.{__version__}.lock')
    lock.mkdirs()
    new File(lock, 'owner').text = "99999999 ${{host}} ${{(long) (System.currentTimeMillis() / 1000)}}\\n"
    new File(root, '.build-{__version__}-99999999/bin').mkdirs()
    Map sent = jiraSendBuildInfo(site: 'acme', credentialsId: 'jira-oauth')
    return [sent: sent, left: root.list().sort()]
"""


@BOOK.scenario(KILLED_INSTALL, files={}, branch="feature/ABC-14-killed",
               env={**mirror_env(), "JIRA_DEVOPS_INSTALL_DIR": "{workspace}/agent-cache"}, **BARE)
def test_a_stale_lock_from_a_killed_install_does_not_stall_the_next_build(outcome: Outcome) -> None:
    assert outcome.returned["sent"]["ok"] is True, outcome.log
    stderr = _stderr(outcome)
    assert "took over the install lock" in stderr
    assert "its owner (PID 99999999) is gone" in stderr
    assert "waiting for" not in stderr
    assert outcome.returned["left"] == [__version__]
    [sh] = outcome.steps("sh")
    assert sh["millis"] < 180_000  # an install, not 300 x 2 s of waiting


@BOOK.scenario("return jiraSendBuildInfo(dryRun: true)", tools=BARE_AGENT_TOOLS,
               env={"JIRA_DEVOPS_INSTALL_DIR": "{workspace}/agent-cache"}, files={})
def test_without_python_the_step_says_what_to_install(outcome: Outcome) -> None:
    line = _cannot_report(outcome)
    assert line == ("jiraSendBuildInfo: cannot report: no python3 on this agent: install Python 3.9+ with its venv "
                    "module (Debian/Ubuntu: apt-get install python3 python3-venv), set JIRA_DEVOPS_PYTHON, or put "
                    "jira-devops on PATH")


# Stand-ins for interpreters the agent might have: they answer the script's two questions as those would.
OLD_PYTHON = """#!/bin/sh
case "$*" in -V) echo "Python 3.8.10" ;; *) exit 1 ;; esac
"""
NO_VENV_PYTHON = """#!/bin/sh
case "$*" in *ensurepip*) echo "ModuleNotFoundError: No module named 'ensurepip'" >&2; exit 1 ;; *) exit 0 ;; esac
"""


@BOOK.scenario("return jiraSendBuildInfo(dryRun: true)", files={"old/python3": OLD_PYTHON},
               env={"JIRA_DEVOPS_PYTHON": "{workspace}/old/python3",
                    "JIRA_DEVOPS_INSTALL_DIR": "{workspace}/agent-cache"}, **BARE)
def test_a_python_older_than_3_9_is_named(outcome: Outcome) -> None:
    line = _cannot_report(outcome)
    assert "cannot report: Python 3.8.10 at " in line
    assert line.endswith("/old/python3 is too old: jira-devops needs Python 3.9+ (install it and set "
                         "JIRA_DEVOPS_PYTHON to it, or put jira-devops on PATH)")


@BOOK.scenario("return jiraSendBuildInfo(dryRun: true)", files={"bin/python3": NO_VENV_PYTHON},
               env={"JIRA_DEVOPS_PYTHON": "{workspace}/bin/python3",
                    "JIRA_DEVOPS_INSTALL_DIR": "{workspace}/agent-cache"}, **BARE)
def test_a_python_without_venv_names_the_package(outcome: Outcome) -> None:
    line = _cannot_report(outcome)
    assert line.endswith("/bin/python3 has no venv module: install it (Debian/Ubuntu: apt-get install "
                         "python3-venv), set JIRA_DEVOPS_PYTHON, or put jira-devops on PATH")


@BOOK.scenario(f"""
    return [given: jiraSendBuildInfo(dryRun: true, cliPath: '{cli_bin_dir() / "jira-devops"}'),
            missing: jiraSendBuildInfo(dryRun: true, cliPath: '/opt/nothing/jira-devops')]
""", tools=BARE_AGENT_TOOLS)
def test_cli_path_points_at_a_pre_installed_cli(outcome: Outcome) -> None:
    given, missing = outcome.returned["given"], outcome.returned["missing"]
    assert given["ok"] is True, outcome.log
    assert "installing" not in _stderr(outcome)
    assert missing["cannotRun"] is True
    assert missing["message"].startswith("cliPath '/opt/nothing/jira-devops' is not an executable file on this agent")
    assert outcome.build_result == "UNSTABLE"


@BOOK.scenario("return jiraSendBuildInfo(dryRun: true)", windows=True)
def test_a_windows_agent_is_refused_with_the_supported_set_up(outcome: Outcome) -> None:
    line = _cannot_report(outcome)
    assert line == ("jiraSendBuildInfo: cannot report: jiraSendBuildInfo needs a Linux or macOS agent (sh, and "
                    "python3 3.9+ or jira-devops on PATH); this one is Windows: run it in node('linux') { } or pass "
                    "nodeLabel: 'linux'")
    assert outcome.steps("sh") == []
