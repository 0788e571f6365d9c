"""The steps' shell script on its own: its install lock when the build is aborted mid-install, or waits.

The script is the library's constant CLI_SCRIPT, run as Jenkins' ``sh`` would run it (a file, in the
workspace, with the step's environment). Aborting a build sends SIGTERM to the step's whole process tree;
here that is the script's process group.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from jira_devops._version import __version__
from support.jenkins_library import LIBRARY
from support.jenkins_pipeline import BARE_AGENT_TOOLS, base_python

SOURCE = (LIBRARY / "vars" / "jiraDevops.groovy").read_text(encoding="utf-8")
_FOUND = re.search(r"CLI_SCRIPT = '''(.*?)'''", SOURCE, re.DOTALL)
assert _FOUND is not None
# The ''' string as Groovy reads it: only \\ is an escape in it.
SCRIPT = _FOUND.group(1).replace("\\\\", "\\")


@pytest.fixture
def agent(tmp_path: Path) -> dict[str, Path]:
    """A bare agent's PATH, a workspace holding the step's lock file, and an install folder."""
    tools = tmp_path / "tools"
    tools.mkdir()
    for tool in BARE_AGENT_TOOLS:
        found = subprocess.run(["sh", "-c", f"command -v {tool}"], capture_output=True, text=True, check=True)
        (tools / tool).symlink_to(found.stdout.strip())
    (tools / "python3").symlink_to(base_python())
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    lock = workspace / "requirements.txt"
    lock.write_text(f"jira-devops=={__version__} --hash=sha256:{'0' * 64}\n", encoding="utf-8")
    script = tmp_path / "script.sh"
    script.write_text(SCRIPT, encoding="utf-8")
    script.chmod(0o755)
    return {"tools": tools, "workspace": workspace, "lock": lock, "root": tmp_path / "cache", "script": script,
            "home": tmp_path / "home"}


def _start(agent: dict[str, Path], **pip: str) -> subprocess.Popen[str]:
    env = {"PATH": str(agent["tools"]), "HOME": str(agent["home"]), "LANG": "C.UTF-8",
           "JIRA_DEVOPS_STEP_VERSION": __version__, "JIRA_DEVOPS_STEP_REQUIREMENTS": str(agent["lock"]),
           "JIRA_DEVOPS_INSTALL_DIR": str(agent["root"]), "JIRA_DEVOPS_STEP_COMMAND": "--version",
           "PIP_CONFIG_FILE": os.devnull, **pip}
    return subprocess.Popen([str(agent["script"])], cwd=agent["workspace"], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)


@pytest.fixture
def silent_index() -> Iterator[str]:
    """A package index on loopback that accepts connections and never answers: pip waits on it."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        yield f"http://127.0.0.1:{server.getsockname()[1]}/simple/"


def _wait_for(path: Path, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.1)


def test_an_install_aborted_by_sigterm_leaves_no_lock_and_no_half_install(agent: dict[str, Path],
                                                                           silent_index: str) -> None:
    process = _start(agent, PIP_INDEX_URL=silent_index, PIP_DEFAULT_TIMEOUT="600")
    lock = agent["root"] / f".{__version__}.lock"
    _wait_for(lock / "owner")
    _wait_for(agent["root"] / f".build-{__version__}-{process.pid}" / "bin" / "python")
    time.sleep(1)  # pip is now waiting on the index
    os.killpg(process.pid, signal.SIGTERM)  # what aborting the build does to the step's processes
    process.communicate(timeout=60)
    assert sorted(path.name for path in agent["root"].iterdir()) == []


def test_a_build_waits_for_a_live_install_then_takes_over_when_its_owner_dies(agent: dict[str, Path],
                                                                              tmp_path: Path) -> None:
    owner = subprocess.Popen(["sleep", "4"])
    host = os.uname().nodename
    lock = agent["root"] / f".{__version__}.lock"
    lock.mkdir(parents=True)
    (lock / "owner").write_text(f"{owner.pid} {host} {int(time.time())}\n", encoding="utf-8")
    empty = tmp_path / "empty-mirror"
    empty.mkdir()
    process = _start(agent, PIP_NO_INDEX="1", PIP_FIND_LINKS=str(empty))
    owner.wait()
    stdout, stderr = process.communicate(timeout=120)
    assert f"jira-devops: waiting for the install of jira-devops {__version__} by PID {owner.pid} on {host}" in stderr
    assert f"took over the install lock {lock}: its owner (PID {owner.pid}) is gone" in stderr
    assert stdout.splitlines()[-2].startswith(f"could not install jira-devops {__version__} (pip's message is above)")
    assert stdout.splitlines()[-1] == "127"
    assert not lock.exists()


SITECUSTOMIZE = """
import os, sys
with open(os.environ["RECORD"], "a") as record:
    record.write(f"{'secret' if 'JIRA_CLIENT_SECRET' in os.environ else 'clean'} {' '.join(sys.argv[:3])}\\n")
"""


def test_venv_and_pip_run_without_the_secret(agent: dict[str, Path], tmp_path: Path) -> None:
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    (hooks / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    record = tmp_path / "record.txt"
    empty = tmp_path / "empty-mirror"
    empty.mkdir()
    process = _start(agent, PIP_NO_INDEX="1", PIP_FIND_LINKS=str(empty), PYTHONPATH=str(hooks), RECORD=str(record),
                     JIRA_CLIENT_ID="client", JIRA_CLIENT_SECRET="s3cret-not-for-pip")
    stdout, _ = process.communicate(timeout=120)
    assert stdout.splitlines()[-1] == "127"
    runs = record.read_text(encoding="utf-8").splitlines()
    # Every Python the script started, in order: its two interpreter checks, then venv and pip.
    assert runs[:2] == ["secret -c", "secret -c"]  # the secret was there, in the step's environment
    later = runs[2:]
    assert any(f".build-{__version__}-" in run for run in later)  # python -m venv <temporary folder>
    assert any(run.startswith("clean -m install") for run in later)  # pip install
    assert all(run.startswith("clean ") for run in later), runs
