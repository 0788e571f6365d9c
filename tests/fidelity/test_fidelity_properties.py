"""Issue 16 item 11: every item carries ``source: jira-devops`` and its pipeline, so ``delete --property``
works without anyone having set a property."""

from __future__ import annotations

import json
from pathlib import Path

from support.cli import run_cli
from support.emulator import RunningEmulator
from support.gitrepo import make_repo


def _report(emulator: RunningEmulator, repo: Path, tmp_path: Path, pipeline: str, *extra: str) -> dict:
    build = run_cli("report-build", "--json", "--ci", "generic", "--state", "successful", "--build-number", "1",
                    "--pipeline-id", pipeline, "--url", "https://ci.example.com/1", *extra,
                    env=emulator.env(tmp_path), cwd=repo)
    assert build.returncode == 0, build.stderr
    deploy = run_cli("report-deploy", "--ci", "generic", "--state", "successful", "-e", "staging",
                     "--deployment-number", "1", "--pipeline-id", pipeline, "--url", "https://ci.example.com/d/1",
                     "--no-record", *extra, env=emulator.env(tmp_path), cwd=repo)
    assert deploy.returncode == 0, deploy.stderr
    body: dict = json.loads(build.stdout)["bodies"][0]
    return body


def _stored(emulator: RunningEmulator) -> list[tuple[str, str]]:
    state = emulator.state()
    return sorted([("build", item["pipelineId"]) for item in state["builds"]]
                  + [("deployment", item["pipeline"]["id"]) for item in state["deployments"]])


def test_every_report_carries_the_default_properties(emulator: RunningEmulator, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", ("ABC-1 x",))
    body = _report(emulator, repo, tmp_path, "acme/api")
    assert body["properties"] == {"source": "jira-devops", "pipeline": "acme/api"}
    given = _report(emulator, repo, tmp_path, "acme/web", "--property", "team=core", "--property", "source=mine")
    assert given["properties"] == {"team": "core", "source": "mine", "pipeline": "acme/web"}, "given ones win"
    full = _report(emulator, repo, tmp_path, "acme/full", *[f"--property=k{n}=v" for n in range(5)])
    assert full["properties"] == {f"k{n}": "v" for n in range(5)}, "Jira takes 5: the defaults only fill room"


def test_delete_by_the_default_properties(emulator: RunningEmulator, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", ("ABC-1 x",))
    _report(emulator, repo, tmp_path, "acme/api")
    _report(emulator, repo, tmp_path, "acme/web")
    assert len(_stored(emulator)) == 4
    done = run_cli("delete", "--property", "pipeline=acme/api", "--yes", env=emulator.env(tmp_path), cwd=repo)
    assert done.returncode == 0, done.stderr
    assert _stored(emulator) == [("build", "acme/web"), ("deployment", "acme/web")]
    done = run_cli("delete", "--property", "source=jira-devops", "--yes", env=emulator.env(tmp_path), cwd=repo)
    assert done.returncode == 0, done.stderr
    assert _stored(emulator) == []
