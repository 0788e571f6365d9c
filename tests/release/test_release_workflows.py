"""The project's CI and release workflows: valid for GitHub, pinned, and doing what RELEASING.md says."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / ".github" / "workflows"
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}  # v\d+(\.\d+)*$")


def _load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    return data


def _schema(schema: str, *paths: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, *map(str, paths)],
                          capture_output=True, text=True, timeout=120, check=False)


def test_the_workflows_pass_githubs_workflow_schema() -> None:
    paths = sorted(WORKFLOWS.glob("*.yml"))
    assert [path.name for path in paths] == ["ci.yml", "release.yml"]
    done = _schema("vendor.github-workflows", *paths)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_schema_check_catches_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - usees: a/b@v1\n",
                      encoding="utf-8")
    assert _schema("vendor.github-workflows", broken).returncode != 0


@pytest.mark.parametrize("path", [ROOT / "action.yml", *sorted(WORKFLOWS.glob("*.yml")),
                                  *sorted((ROOT / "examples" / "github").glob("*.yml"))],
                         ids=lambda path: path.name)
def test_third_party_actions_are_pinned_by_commit_with_the_tag_in_a_comment(path: Path) -> None:
    for line in path.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^\s*(?:- )?uses: (.*)$", line)
        if not match or match.group(1) == "./" or match.group(1).startswith("your-org/jira-devops@"):
            continue
        assert PINNED.match(match.group(1)), line


def test_ci_runs_the_readme_check_on_every_os_and_supported_python() -> None:
    test = _load("ci.yml")["jobs"]["test"]
    assert set(test["strategy"]["matrix"]["os"]) == {"ubuntu-latest", "macos-latest", "windows-latest"}
    assert test["strategy"]["matrix"]["python"] == ["3.9", "3.10", "3.11", "3.12", "3.13"]
    assert 'requires-python = ">=3.9"' in (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert "`bash .ci/run` is the whole check" in (ROOT / "README.md").read_text(encoding="utf-8")
    assert any(step.get("run") == "bash .ci/run" for step in test["steps"])


def test_ci_runs_the_action_from_the_repository_in_dry_run_mode() -> None:
    jobs = _load("ci.yml")["jobs"]
    for name in ("action", "container"):
        uses = [step for step in jobs[name]["steps"] if step.get("uses") == "./"]
        assert any(str(step["with"].get("dry-run")).lower() == "true" for step in uses), name
    assert jobs["container"]["container"] == "python:3.12-slim"


def _steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    steps: list[dict[str, Any]] = job["steps"]
    return steps


def test_release_checks_the_jenkins_lock_before_publishing_and_moves_the_major_tag() -> None:
    workflow = _load("release.yml")
    assert workflow[True] == {"push": {"tags": ["v[0-9]+.[0-9]+.[0-9]+"]}}  # YAML reads 'on' as True
    jobs = workflow["jobs"]
    build = [str(step.get("run", "")) for step in _steps(jobs["build"])]
    assert any("uv build --sdist --wheel" in run for run in build)
    assert any(run.strip() == "python scripts/jenkins_lock.py --check dist/*.whl" for run in build)
    assert not any("SOURCE_DATE_EPOCH" in run for run in build)
    assert jobs["pypi"]["needs"] == "build"
    assert jobs["pypi"]["permissions"] == {"id-token": "write"}
    assert any(str(step.get("uses", "")).startswith("pypa/gh-action-pypi-publish@") for step in _steps(jobs["pypi"]))
    assert jobs["github-release"]["needs"] == "pypi"
    release = "\n".join(str(step.get("run", "")) for step in _steps(jobs["github-release"]))
    assert 'gh release create "$TAG" dist/*' in release
    assert 'git push --force origin "refs/tags/$major"' in release
    assert all(job["permissions"] != {"contents": "write"} or name == "github-release"
               for name, job in jobs.items())


def test_releasing_md_and_the_changelog_state_the_process_and_the_scheme() -> None:
    releasing = (ROOT / "RELEASING.md").read_text(encoding="utf-8")
    assert "python scripts/jenkins_lock.py" in releasing
    assert "python scripts/jenkins_lock.py --check" in releasing
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "semantic versioning" in changelog and "`v1`" in changelog
