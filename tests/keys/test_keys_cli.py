"""`jira-devops keys` as a user runs it: the installed CLI in a subprocess, in real repositories."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Optional

import pytest

from support.cli import run_cli
from support.emulator import RunningEmulator
from support.git_history import GitRepo


def cli(*args: str, cwd: Path, env: Optional[dict[str, str]] = None) -> subprocess.CompletedProcess[str]:
    return run_cli("keys", *args, cwd=cwd, env=env)


@pytest.fixture
def project(tmp_path: Path) -> GitRepo:
    repo = GitRepo.init(tmp_path / "app", branch="feature/ABC-12-login")
    repo.commit("OPS-1 setup")
    repo.tag("v1.0")
    repo.commit("ABC-13 form\n\nAlso touches OPS-2 and UTF-8 handling")
    repo.commit("ABC-12 more of the login")
    return repo


def test_prints_one_key_per_line(project: GitRepo) -> None:
    done = cli("--since", "v1.0", cwd=project.path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["ABC-12", "ABC-13", "OPS-2", "UTF-8"]
    assert done.stderr == ""


def test_project_filter_on_the_command_line(project: GitRepo) -> None:
    done = cli("--since", "v1.0", "--project", "ABC", "--project", "OPS", cwd=project.path)
    assert done.stdout.splitlines() == ["ABC-12", "ABC-13", "OPS-2"]


def test_json_gives_sources_and_the_range(project: GitRepo) -> None:
    done = cli("--range", "v1.0..HEAD", "--json", cwd=project.path)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    head = project.head()[:7]
    assert result["issueKeys"] == ["ABC-12", "ABC-13", "OPS-2", "UTF-8"]
    assert result["keys"][0] == {"key": "ABC-12", "sources": ["branch", f"commit:{head}"], "commits": 1}
    assert result["range"] == f"{project.git('rev-parse', 'v1.0')[:7]}..{head}"
    assert result["rangeBase"] == "--range v1.0..HEAD"
    assert result["commitsRead"] == 2
    assert result["truncated"] is False


def test_verbose_explains_the_range_choice_on_stderr(project: GitRepo) -> None:
    done = cli("--verbose", cwd=project.path)
    assert done.stdout.splitlines() == ["ABC-12"]
    assert "reading HEAD" in done.stderr
    assert "branch 'feature/ABC-12-login' (the checked-out branch)" in done.stderr
    assert "ABC-12: from branch, commit:" in done.stderr


def test_environment_variables_choose_the_range(project: GitRepo) -> None:
    done = cli(cwd=project.path, env={"JIRA_DEVOPS_SINCE_TAG": "v*", "JIRA_DEVOPS_BRANCH_KEYS": "false"})
    assert done.stdout.splitlines() == ["ABC-12", "ABC-13", "OPS-2", "UTF-8"]


def test_max_commits_warning_goes_to_stderr(project: GitRepo) -> None:
    done = cli("--since", "v1.0", "--max-commits", "1", "--no-branch-keys", cwd=project.path)
    assert done.returncode == 0
    assert done.stdout.splitlines() == ["ABC-12"]
    assert done.stderr.startswith("warning: the range")


def test_not_a_repository_explains_and_still_prints_explicit_keys(tmp_path: Path) -> None:
    done = cli("--issue-key", "ABC-1,OPS-2", cwd=tmp_path)
    assert done.returncode == 0
    assert done.stdout.splitlines() == ["ABC-1", "OPS-2"]
    assert done.stderr.count("\n") == 1
    assert "is not inside a git repository" in done.stderr


def test_range_outside_a_repository_is_a_usage_error(tmp_path: Path) -> None:
    done = cli("--since", "v1", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.startswith("error: --since needs a git repository")
    assert done.stderr.count("\n") == 1


@pytest.mark.parametrize(("args", "message"), [
    (["--key-pattern", "ABC-("], "error: --key-pattern is not a valid regular expression"),
    (["--issue-key", "abc-1"], "error: --issue-key: 'abc-1' is not an issue key"),
    (["--range", "nope..HEAD"], "error: --range nope..HEAD: 'nope' is not a commit"),
    (["--max-commits", "many"], "error: jira-devops keys: argument --max-commits"),
])
def test_bad_input_is_one_line_and_exit_2(project: GitRepo, args: list[str], message: str) -> None:
    done = cli(*args, cwd=project.path)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith(message)
    assert done.stderr.count("\n") == 1


def test_repo_flag_reads_another_folder(project: GitRepo, tmp_path: Path) -> None:
    done = cli("--repo", str(project.path), "--no-branch-keys", cwd=tmp_path)
    assert done.stdout.splitlines() == ["ABC-12"]


def test_report_build_outside_a_repository_works_with_explicit_keys(tmp_path: Path) -> None:
    done = run_cli("report-build", "--dry-run", "--json", "--issue-key", "ABC-1", "--state", "successful",
                   "--pipeline-id", "p", "--build-number", "1", "--url", "https://ci.example.com/1",
                   "--ci", "generic", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["issueKeys"] == ["ABC-1"]
    assert result["bodies"][0]["builds"][0]["issueKeys"] == ["ABC-1"]
    assert any("not inside a git repository" in warning for warning in result["warnings"])


@pytest.mark.e2e
def test_report_build_sends_the_keys_of_the_range_to_jira(project: GitRepo, emulator: RunningEmulator,
                                                          tmp_path: Path) -> None:
    done = run_cli("report-build", "--since", "v1.0", "--project", "ABC", "--project", "OPS", "--state",
                   "successful", "--pipeline-id", "app", "--build-number", "7", "--url",
                   "https://ci.example.com/7", "--ci", "generic", "--json", cwd=project.path,
                   env=emulator.env(tmp_path))
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["keySources"]["ABC-12"][0] == "branch"
    assert result["range"] == f"{project.git('rev-parse', 'v1.0')[:7]}..{project.head()[:7]}"
    assert result["commitsRead"] == 2
    [build] = emulator.state()["builds"]
    assert build["issueKeys"] == ["ABC-12", "ABC-13", "OPS-2"]


def test_no_keys_prints_nothing_on_stdout_and_a_note_on_stderr(tmp_path: Path) -> None:
    repo = GitRepo.init(tmp_path / "plain")
    repo.commit("no key in this message")
    done = cli(cwd=repo.path)
    assert done.returncode == 0
    assert done.stdout == ""
    assert done.stderr == "note: no issue keys found (--verbose says where it looked)\n"
    assert cli("--quiet", cwd=repo.path).stderr == ""


def test_keys_command_imports_no_heavy_dependency(project: GitRepo) -> None:
    probe = ("import contextlib, io, sys\n"
             "from jira_devops.cli.app import main\n"
             "with contextlib.redirect_stdout(io.StringIO()):\n"
             "    main(['keys', '--since', 'v1.0'])\n"
             "heavy = {'pydantic', 'httpx', 'yaml', 'tenacity'}\n"  # GitPython ('git') reads the history
             "print(sorted({m.split('.')[0] for m in sys.modules} & heavy))\n")
    done = subprocess.run([sys.executable, "-c", probe], cwd=project.path, capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_plain_output_lists_the_keys_json_lists_with_their_sources(tmp_path: Path) -> None:
    """One key per line comes from the names-only scan; --json from the full one: the same keys in order."""
    repo = GitRepo.init(tmp_path / "merges", branch="main")
    repo.commit("DEMO-1 root")
    base = repo.head()
    repo.git("checkout", "-q", "-b", "side")
    repo.commit("OPS-10 on the side, naïve café")
    repo.commit("修复OPS-11的问题 and ÄBC-12 is none")
    repo.git("checkout", "-q", "main")
    repo.commit("ABC-2 on main\n\nGröße ändern: ABC-3é is glued, ABC-4 is not")
    repo.commit(raw=b"ABC-5 in Latin-1: caf\xe9 \xc4BC-6")
    repo.merge("side", "Merge OPS-9 into main")
    plain = cli("--range", f"{base}..HEAD", "--no-branch-keys", cwd=repo.path)
    detailed = cli("--range", f"{base}..HEAD", "--no-branch-keys", "--json", cwd=repo.path)
    assert plain.returncode == detailed.returncode == 0, plain.stderr + detailed.stderr
    names = plain.stdout.splitlines()
    assert names == json.loads(detailed.stdout)["issueKeys"]
    assert set(names) == {"OPS-9", "OPS-10", "OPS-11", "ABC-2", "ABC-4", "ABC-5"}
