"""The action on the runners people use, emulated: a cp1252 console (Windows), a broken ``python3`` first on
the PATH, pull requests without secrets (forks, Dependabot), no git in the container, and jobs sharing a
self-hosted runner's tool cache."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Optional

import pytest

from conftest import ACTION_DIR, RunnerFactory
from support.gha_runner import ActionRun, read_outputs

pytestmark = pytest.mark.wrappers

SETUP = ACTION_DIR / "src" / "jira_devops" / "wrappers" / "github_setup.py"


def _tracebacks(run: ActionRun) -> list[str]:
    return [line for line in run.raw_log if "Traceback" in line]


@pytest.mark.parametrize("name", ["Déploiement", "Build ✓"])
def test_a_cp1252_console_keeps_non_ascii_names_and_writes_the_outputs(make_runner: RunnerFactory,
                                                                      name: str) -> None:
    run = make_runner(job_env={"PYTHONIOENCODING": "cp1252"}).run(
        {"command": "deploy", "dry-run": "true", "deployment-number": "3", "environment": "Produktion ✓",
         "display-name": name, "description": f"{name}: née", "label": name, "pipeline-name": f"CI {name}"})
    assert run.outcome == "success", run.text()
    assert _tracebacks(run) == []
    assert run.outputs["exit-code"] == "0"
    deployment = json.loads(run.outputs["result-json"])["bodies"][0]["deployments"][0]
    assert (deployment["displayName"], deployment["description"], deployment["label"]) == (
        name, f"{name}: née", name)
    assert deployment["environment"]["displayName"] == "Produktion ✓"
    assert name in run.summary  # the summary file is UTF-8 whatever the console
    shown = [line for line in run.raw_log if line.startswith("not sent: ")]
    assert shown and ("Produktion \\u2713" in shown[0])  # the console cannot show it: escaped, not a crash


def _fake_python(folder: Path, name: str, script: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(f"#!/bin/sh\n{script}\n", encoding="utf-8")
    path.chmod(0o755)


def test_a_broken_python3_first_on_the_path_is_passed_over(make_runner: RunnerFactory, tmp_path: Path) -> None:
    broken = tmp_path / "broken-bin"
    _fake_python(broken, "python3", 'echo "Python was not found; run without arguments to install from the '
                                   'Microsoft Store" >&2; exit 9009')
    _fake_python(broken, "python", 'echo "Python 3.8.18"; exit 1')  # an old interpreter fails the check
    runner = make_runner()
    runner.base_env["PATH"] = f"{broken}{os.pathsep}{runner.base_env['PATH']}"
    run = runner.run({"command": "keys"})
    assert run.outcome == "success", run.text()
    chosen = run.step("locate").outputs["python"]
    assert not chosen.startswith(str(broken))
    assert run.step("locate").outputs["found"] == "true"  # the same interpreter found the installed tool


def test_no_usable_python_says_what_was_tried_and_what_to_add(make_runner: RunnerFactory, tmp_path: Path) -> None:
    only = tmp_path / "only-bin"
    _fake_python(only, "python3", "exit 9009")
    _fake_python(only, "python", "exit 1")
    bash = shutil.which("bash")
    assert bash is not None
    (only / "bash").symlink_to(bash)
    runner = make_runner()
    runner.base_env["PATH"] = str(only)
    run = runner.run({"command": "keys"})
    assert run.outcome == "failure"
    assert [a.message for a in run.annotations] == [
        f"no Python 3.9 or newer found (tried: {only}/python3 {only}/python); add actions/setup-python before "
        "this action or set its python input"]
    assert run.step("run").status == "skipped"


def test_the_windows_launcher_py_dash_3_is_tried_after_python3_and_python(make_runner: RunnerFactory,
                                                                          tmp_path: Path) -> None:
    only = tmp_path / "launcher-bin"
    _fake_python(only, "python3", "exit 9009")  # the Microsoft Store stub
    _fake_python(only, "python", "exit 9009")
    real = os.path.realpath(sys.executable)
    _fake_python(only, "py", f'[ "$1" = -3 ] || exit 1\nshift\nexec "{real}" "$@"')
    bash = shutil.which("bash")
    assert bash is not None
    (only / "bash").symlink_to(bash)
    runner = make_runner()
    runner.base_env["PATH"] = str(only)
    run = runner.run({"command": "keys", "commit-keys": "false"})
    assert run.outcome == "success", run.text()
    assert os.path.realpath(run.step("locate").outputs["python"]) == real
    assert run.outputs["issue-keys"] == "ABC-2"


@pytest.mark.parametrize("missing", ["client-secret", "client-id"])
def test_empty_credentials_with_fail_on_error_false_skip_the_report(make_runner: RunnerFactory,
                                                                     missing: str) -> None:
    inputs = {"command": "build", "build-number": "5", "url": "https://ci.example.com/5", "site": "acme",
              "client-id": "ci-client", "client-secret": "s3cr3t-Fork-Value", "api-url": "https://jira.invalid",
              "fail-on-error": "false", missing: ""}
    run = make_runner().run(inputs)
    assert run.outcome == "success", run.text()
    assert run.outputs["exit-code"] == "0"
    assert run.outputs["skipped"].startswith("no OAuth client ")
    assert json.loads(run.outputs["result-json"])["skipped"] == run.outputs["skipped"]
    [warning] = [a for a in run.annotations if a.level == "warning"]
    assert "pull requests from forks and Dependabot get no secrets" in warning.message
    assert "Nothing sent: no OAuth client" in run.summary
    assert not [a for a in run.annotations if a.level == "error"]


def test_empty_credentials_with_failing_on_still_fail_with_exit_2(make_runner: RunnerFactory) -> None:
    run = make_runner().run({"command": "build", "build-number": "5", "url": "https://ci.example.com/5",
                             "site": "acme", "client-id": "ci-client", "client-secret": ""})
    assert run.outcome == "failure"
    assert run.outputs["exit-code"] == "2"
    assert run.outputs["skipped"] == ""
    assert any(a.message.startswith("no OAuth client secret given") for a in run.annotations if a.level == "error")


def test_without_git_the_run_says_in_one_line_that_commit_keys_are_unavailable(make_runner: RunnerFactory,
                                                                               tmp_path: Path) -> None:
    no_git = tmp_path / "no-git-bin"
    no_git.mkdir()
    bash = shutil.which("bash")
    assert bash is not None
    (no_git / "bash").symlink_to(bash)
    (no_git / "python3").symlink_to(os.path.realpath(sys.executable))
    runner = make_runner()
    runner.base_env["PATH"] = str(no_git)
    run = runner.run({"command": "build", "dry-run": "true", "issue-keys": "ABC-9"})
    assert run.outcome == "success", run.text()
    git_lines = [a.message for a in run.annotations if "git" in a.message]
    assert len(git_lines) == 1, run.annotations
    assert git_lines[0] == ("git is not installed or not on PATH, so no commit messages were read (install git "
                            "in the job's image, or name the keys with --issue-key)")
    # the input's key and the branch's (from the GitHub context); ABC-1 is only in the commit message
    assert json.loads(run.outputs["result-json"])["issueKeys"] == ["ABC-9", "ABC-2"]


def _install(tool_cache: Path, venv: Path, temp: Path, *, python: str = sys.executable,
             path: Optional[str] = None) -> subprocess.CompletedProcess[str]:
    output = temp / "output"
    env = {**os.environ, "RUNNER_TOOL_CACHE": str(tool_cache), "GITHUB_ACTION_PATH": str(ACTION_DIR),
           "GITHUB_OUTPUT": str(output), **({"PATH": path} if path is not None else {})}
    done = subprocess.run([python, str(SETUP), "install", str(venv)], env=env, capture_output=True,
                          text=True, timeout=300, check=False)
    done.stdout += "".join(f"\noutput {name}={value}" for name, value in read_outputs(output).items())
    return done


def test_two_jobs_installing_into_one_tool_cache_at_once_both_succeed(tmp_path: Path) -> None:
    tool_cache = tmp_path / "shared-tool-cache"
    env = {**os.environ, "RUNNER_TOOL_CACHE": str(tool_cache), "GITHUB_ACTION_PATH": str(ACTION_DIR)}
    located = subprocess.run([sys.executable, str(SETUP), "locate"], env={**env, "GITHUB_OUTPUT": str(
        tmp_path / "locate")}, capture_output=True, text=True, timeout=60, check=True)
    assert located.stdout == ""
    venv = Path(read_outputs(tmp_path / "locate")["venv"])
    temps = [tmp_path / "job-a", tmp_path / "job-b"]
    for temp in temps:
        temp.mkdir()
    with ThreadPoolExecutor(max_workers=2) as pool:
        done = list(pool.map(lambda temp: _install(tool_cache, venv, temp), temps))
    for job in done:
        assert job.returncode == 0, job.stdout + job.stderr
        assert f"output python={venv}" in job.stdout
    messages = sorted(line for job in done for line in job.stdout.splitlines() if line.startswith("installed "))
    assert len(messages) == 2
    assert sum("installed by another job" in line for line in messages) <= 1
    assert sorted(path.name for path in venv.parent.iterdir() if not path.name.startswith("uv-")) == [venv.name]
    check = subprocess.run([str(venv / "bin" / "python"), "-c", "import httpx, pydantic, yaml, git; print('ok')"],
                           capture_output=True, text=True, timeout=60, check=False)
    assert check.stdout.strip() == "ok", check.stderr
    again = _install(tool_cache, venv, temps[0])
    assert again.stdout.startswith(f"jira-devops: using the installed tool in {venv}")


def test_a_half_made_environment_is_replaced_and_a_complete_one_kept(tmp_path: Path) -> None:
    from jira_devops.wrappers.github_setup import COMPLETE, publish

    final = tmp_path / "env"
    (final / "lib").mkdir(parents=True)  # a killed job's leftover: no completion marker
    made = tmp_path / ".tmp-a"
    (made / "lib").mkdir(parents=True)
    (made / "lib" / "new").write_text("", encoding="utf-8")
    assert publish(made, final) is True
    assert (final / "lib" / "new").exists() and (final / COMPLETE).exists()
    late = tmp_path / ".tmp-b"
    late.mkdir()
    assert publish(late, final) is False  # another job finished first: its copy stays, ours goes
    assert not late.exists()
    assert sorted(path.name for path in tmp_path.iterdir()) == ["env"]


def _path_without_uv() -> str:
    return os.pathsep.join(entry for entry in os.environ["PATH"].split(os.pathsep)
                           if entry and not (Path(entry) / "uv").exists())


def _imports_the_dependencies(venv: Path) -> str:
    check = subprocess.run([str(venv / "bin" / "python"), "-c", "import httpx, pydantic, yaml, git; print('ok')"],
                           capture_output=True, text=True, timeout=60, check=False)
    return check.stdout.strip() or check.stderr


def test_without_uv_on_the_path_the_locked_uv_is_fetched_once_into_the_tool_cache(tmp_path: Path) -> None:
    tool_cache = tmp_path / "tool-cache"
    path = _path_without_uv()
    first = _install(tool_cache, tool_cache / "jira-devops" / "env-a", tmp_path, path=path)
    assert first.returncode == 0, first.stdout + first.stderr
    assert any(line.startswith("installed with uv in ") for line in first.stdout.splitlines()), first.stdout
    [fetched] = (tool_cache / "jira-devops").glob("uv-*")
    assert (fetched / ".complete").is_file()
    assert _imports_the_dependencies(tool_cache / "jira-devops" / "env-a") == "ok"
    second = _install(tool_cache, tool_cache / "jira-devops" / "env-b", tmp_path, path=path)
    assert second.returncode == 0, second.stdout + second.stderr
    assert list((tool_cache / "jira-devops").glob("uv-*")) == [fetched]  # fetched once, reused


def test_an_interpreter_without_pip_and_no_uv_installs_with_pip_in_the_environment(tmp_path: Path) -> None:
    bare = tmp_path / "bare-python"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(bare)], check=True, timeout=120)
    tool_cache = tmp_path / "tool-cache"
    venv = tool_cache / "jira-devops" / "env"
    done = _install(tool_cache, venv, tmp_path, python=str(bare / "bin" / "python"), path=_path_without_uv())
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert "uv could not be fetched: pip installs the dependencies instead" in lines
    assert any(line.startswith("installed with pip in ") for line in lines), done.stdout
    assert _imports_the_dependencies(venv) == "ok"
    assert sorted(path.name for path in venv.parent.iterdir()) == ["env"]  # the failed uv fetch left nothing


def test_the_key_follows_the_lock_and_the_interpreter_not_the_source(tmp_path: Path) -> None:
    from jira_devops.wrappers.github_setup import environment_key, locate

    lock = (ACTION_DIR / "requirements" / "runtime.txt").read_bytes()
    other_release = tmp_path / "other-release"  # another version of the action's code, the same lock
    (other_release / "requirements").mkdir(parents=True)
    (other_release / "requirements" / "runtime.txt").write_bytes(lock)
    environ = {"RUNNER_TOOL_CACHE": str(tmp_path / "tools")}
    assert locate(other_release, environ)["key"] == locate(ACTION_DIR, environ)["key"]
    assert environment_key(lock) == environment_key(lock)
    assert environment_key(lock + b"# another pin\n") != environment_key(lock)
    other = subprocess.run([sys.executable, "-I", "-c",
                            f"import sys; sys.path.insert(0, {str(SETUP.parent)!r}); sys.executable = '/other/python'; "
                            "import github_setup; print(github_setup.environment_key(sys.stdin.buffer.read()))"],
                           input=lock, capture_output=True, timeout=60, check=True)
    assert other.stdout.decode().strip() != environment_key(lock)
