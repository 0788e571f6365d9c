"""User journeys outside a CI: a config file with overrides, an outage and its flush, looking up and deleting."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from support.cli import run_cli
from support.emulator import RunningEmulator
from support.gitrepo import make_repo

pytestmark = pytest.mark.e2e

RUN = ("--ci", "generic", "--pipeline-id", "acme/api", "--url", "https://ci.example.com/run/1")


def _env(emulator: RunningEmulator, tmp_path: Path) -> dict[str, str]:
    return {**emulator.env(tmp_path), "JIRA_DEVOPS_OUTBOX": str(tmp_path / "outbox")}


def _errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("error:")]


def test_config_file_values_and_environment_overrides(emulator: RunningEmulator, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", ("initial import", "ABC-1 login", "OPS-2 deploy script"))
    (repo / ".jira-devops.yml").write_text("pipeline_id: acme/from-file\nenvironment: staging\nproject: [ABC]\n"
                                           "label: v1.2.3\n", encoding="utf-8")
    env = _env(emulator, tmp_path)
    keys = run_cli("keys", "--range", "HEAD~2..HEAD", "--json", env={**env, "JIRA_DEVOPS_PROJECT": "OPS"}, cwd=repo)
    assert keys.returncode == 0, keys.stderr
    shown = json.loads(keys.stdout)
    assert shown["issueKeys"] == ["OPS-2"], "the environment overrides the file's project filter"
    assert shown["range"] and shown["commitsRead"] == 2

    done = run_cli("report-deploy", "--range", "HEAD~2..HEAD", "--deployment-number", "5", "--url",
                   "https://ci.example.com/5", env={**env, "JIRA_DEVOPS_ENVIRONMENT": "production"}, cwd=repo)
    assert done.returncode == 0, done.stderr
    deployment = emulator.state()["deployments"][0]
    assert deployment["pipeline"]["id"] == "acme/from-file"
    assert deployment["environment"]["id"] == "production"
    assert deployment["label"] == "v1.2.3"


def test_a_misspelt_setting_in_the_config_file_is_one_line_and_exit_2(emulator: RunningEmulator,
                                                                      tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    (repo / ".jira-devops.yml").write_text("enviroment: production\n", encoding="utf-8")
    done = run_cli("report-deploy", *RUN, "--deployment-number", "1", env=_env(emulator, tmp_path), cwd=repo)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"error: {repo / '.jira-devops.yml'}:1: unknown setting 'enviroment'; did you mean 'environment'?"]
    assert emulator.requests() == []


def test_outage_keeps_reports_then_flush_delivers_them_in_order(emulator: RunningEmulator, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", ("ABC-1 login",))
    env = _env(emulator, tmp_path)
    emulator.fault("/jira/builds/", 503, count=100)
    for number in ("100", "101"):
        kept = run_cli("report-build", *RUN, "--build-number", number, "--timeout", "1", env=env, cwd=repo)
        assert kept.returncode == 4, kept.stderr
        assert len(_errors(kept.stderr)) == 1
        assert "kept 1 request(s) in the outbox" in kept.stderr
    listed = run_cli("outbox", "--json", env=env, cwd=repo)
    assert [entry["items"] for entry in json.loads(listed.stdout)["pending"]] == [["build acme/api #100"],
                                                                                  ["build acme/api #101"]]
    stopped = run_cli("flush", "--timeout", "1", env=env, cwd=repo)
    assert stopped.returncode == 4, "README: 4 when Jira could not be reached"
    assert _errors(stopped.stderr) and _errors(stopped.stderr)[0].startswith("error: flush stopped: "), \
        stopped.stderr
    assert "2 request(s) still wait" in stopped.stderr

    emulator.reset()
    flushed = run_cli("flush", "--json", env=env, cwd=repo)
    assert flushed.returncode == 0, flushed.stderr
    assert len(json.loads(flushed.stdout)["delivered"]) == 2
    assert [b["buildNumber"] for b in emulator.state()["builds"]] == [100, 101]
    assert json.loads(run_cli("outbox", "--json", env=env, cwd=repo).stdout)["pending"] == []


def test_get_build_then_delete_by_property(emulator: RunningEmulator, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", ("ABC-1 login",))
    env = _env(emulator, tmp_path)
    sent = run_cli("report-build", *RUN, "--build-number", "7", "--property", "team=payments", "-q",
                   env=env, cwd=repo)
    assert (sent.returncode, sent.stdout) == (0, "")
    got = run_cli("get-build", "--pipeline-id", "acme/api", "--build-number", "7", env=env, cwd=repo)
    assert got.returncode == 0, got.stderr
    assert json.loads(got.stdout)["issueKeys"] == ["ABC-1"]

    refused = run_cli("delete", "--property", "team=payments", env=env, cwd=repo)
    assert refused.returncode == 2
    assert len(_errors(refused.stderr)) == 1 and "--yes" in refused.stderr
    deleted = run_cli("delete", "--property", "team=payments", "--yes", env=env, cwd=repo)
    assert deleted.returncode == 0, deleted.stderr
    gone = run_cli("get-build", "--pipeline-id", "acme/api", "--build-number", "7", env=env, cwd=repo)
    assert gone.returncode == 1
    assert _errors(gone.stderr) == ["error: Jira has no build acme/api #7 (check --pipeline-id and --build-number)"]


def test_context_outside_a_ci_and_keys_json(emulator: RunningEmulator, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", ("ABC-1 login", "ABC-2 logout"), branch="feature/OPS-4-x")
    env = _env(emulator, tmp_path)
    context = run_cli("context", env=env, cwd=repo)
    assert context.returncode == 0, context.stderr
    assert context.stdout.splitlines()[0].startswith("provider: ")
    keys = run_cli("keys", "--json", env=env, cwd=repo)
    assert keys.returncode == 0, keys.stderr
    shown = json.loads(keys.stdout)
    assert shown["issueKeys"][0] == "OPS-4"
    assert {key["key"] for key in shown["keys"]} == {"OPS-4", "ABC-2"}, "HEAD only without a range or CI base"
    assert emulator.requests() == [], "keys and context never call Jira"


def test_first_run_without_settings_says_what_to_set_in_one_plain_line(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", ("ABC-1 login",))
    done = run_cli("report-build", *RUN, "--build-number", "1", env={"HOME": str(tmp_path)}, cwd=repo)
    assert done.returncode == 2
    assert done.stderr.splitlines() == ["error: no Jira site given (set JIRA_SITE or --site, or JIRA_CLOUD_ID)"]
    no_secret = run_cli("report-build", *RUN, "--build-number", "1", cwd=repo,
                        env={"HOME": str(tmp_path), "JIRA_SITE": "acme", "JIRA_CLIENT_ID": "id"})
    assert no_secret.returncode == 2
    assert no_secret.stderr.splitlines() == [
        "error: no OAuth client secret given (set JIRA_CLIENT_SECRET or --client-secret-file; it is never a flag)"]
