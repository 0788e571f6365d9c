"""Issue 16 item 9: one report to several Jira sites, each with its own credentials where they differ; the
summary, --json, the exit code and the outbox are per site. Two emulators stand for two sites."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from jira_devops.delivery.report import worst_exit_code
from jira_devops.jira.sites import site_suffix
from support.cli import run_cli
from support.emulator import RunningEmulator, start_emulator
from support.gitrepo import make_repo

REPORT = ("report-build", "--ci", "generic", "--state", "successful", "--pipeline-id", "acme/api",
          "--build-number", "7", "--url", "https://ci.example.com/7", "--issue-key", "ABC-1")


@pytest.fixture
def globex(tmp_path: Path) -> Iterator[RunningEmulator]:
    """A second site whose OAuth credentials have another secret than the first's."""
    secret = tmp_path / "globex-secret.txt"
    secret.write_text("globex-has-its-own-secret\n", encoding="utf-8")
    running = start_emulator(tmp_path / "globex", "--client-secret-file", str(secret))
    try:
        yield running
    finally:
        running.stop()


def _env(acme: RunningEmulator, globex: RunningEmulator, tmp_path: Path) -> dict[str, str]:
    """acme uses the shared (unsuffixed) credentials, globex its own secret file; each its own API URL."""
    return {**acme.env(tmp_path), "JIRA_SITE": "acme, globex.atlassian.net",
            "JIRA_DEVOPS_API_URL_ACME": acme.url, "JIRA_DEVOPS_API_URL_GLOBEX": globex.url,
            "JIRA_DEVOPS_API_URL": "http://shared.invalid", "JIRA_CLIENT_SECRET_FILE_GLOBEX": str(globex.secret_file),
            "JIRA_DEVOPS_OUTBOX": str(tmp_path / "outbox")}


def _builds(emulator: RunningEmulator) -> list[dict]:
    return list(emulator.state()["builds"])


def test_a_build_reaches_every_site_with_each_sites_credentials(emulator: RunningEmulator, globex: RunningEmulator,
                                                                tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", remote="")
    done = run_cli(*REPORT, "--json", env=_env(emulator, globex, tmp_path), cwd=repo)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert [site["site"] for site in result["sites"]] == ["acme", "globex.atlassian.net"]
    assert [site["exitCode"] for site in result["sites"]] == [0, 0]
    assert all(len(site["accepted"]) == 1 for site in result["sites"])
    assert result["exitCode"] == 0 and len(result["accepted"]) == 2 and result["issueKeys"] == ["ABC-1"]
    assert [build["buildNumber"] for build in _builds(emulator)] == [7]
    assert [build["buildNumber"] for build in _builds(globex)] == [7]

    summary = run_cli(*REPORT, env=_env(emulator, globex, tmp_path), cwd=repo)
    assert summary.returncode == 0, summary.stderr
    lines = summary.stdout.splitlines()
    assert lines[:4] == ["site acme: exit 0", "  accepted: build acme/api #7",
                         "site globex.atlassian.net: exit 0", "  accepted: build acme/api #7"]
    assert lines.count("issue keys:") == 1, "the keys are the same for every site: shown once"


def test_an_unreachable_site_is_kept_in_its_own_outbox_entry_and_gives_the_exit_code(
        emulator: RunningEmulator, globex: RunningEmulator, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", remote="")
    env = _env(emulator, globex, tmp_path)
    globex.stop()
    done = run_cli(*REPORT, "--json", "--timeout", "3s", env=env, cwd=repo)
    assert done.returncode == 4, done.stderr
    result = json.loads(done.stdout)
    acme, other = result["sites"]
    assert (acme["exitCode"], len(acme["accepted"]), acme["outboxed"]) == (0, 1, 0)
    assert (other["exitCode"], other["outboxed"]) == (4, 1)
    assert "error: globex.atlassian.net: " in done.stderr
    kept = [json.loads(path.read_text()) for path in (tmp_path / "outbox").glob("*.json")]
    assert [entry["destination"]["siteUrl"] for entry in kept] == ["https://globex.atlassian.net"]

    # a later report to acme alone leaves globex's entry for globex
    again = run_cli(*REPORT, "--json", env={**env, "JIRA_SITE": "acme"}, cwd=repo)
    assert again.returncode == 0, again.stderr
    assert "sites" not in json.loads(again.stdout), "one site: the single-site shape, unchanged"
    assert len(list((tmp_path / "outbox").glob("*.json"))) == 1


def test_a_site_without_credentials_stops_the_run_before_anything_is_sent(
        emulator: RunningEmulator, globex: RunningEmulator, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", remote="")
    env = {**_env(emulator, globex, tmp_path), "JIRA_CLIENT_ID": "", "JIRA_CLIENT_ID_ACME": emulator.client_id}
    done = run_cli(*REPORT, env=env, cwd=repo)
    assert done.returncode == 2
    assert "site globex.atlassian.net: no OAuth client ID given" in done.stderr
    assert "JIRA_CLIENT_ID_GLOBEX" in done.stderr
    assert "Traceback" not in done.stderr
    assert _builds(emulator) == [], "nothing half-sent"


def test_a_sites_own_credentials_win_over_the_shared_ones_with_one_site_too(
        emulator: RunningEmulator, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", remote="")
    env = {**emulator.env(tmp_path), "JIRA_SITE": "acme", "JIRA_DEVOPS_API_URL": "http://shared.invalid",
           "JIRA_DEVOPS_API_URL_ACME": emulator.url, "JIRA_CLIENT_ID": "wrong-client",
           "JIRA_CLIENT_ID_ACME": emulator.client_id}
    done = run_cli(*REPORT, "--json", env=env, cwd=repo)
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)["accepted"]) == 1


def test_the_repositorys_own_file_may_not_name_sites(emulator: RunningEmulator, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", remote="")
    (repo / ".jira-devops.yml").write_text("site: [acme, evil]\n", encoding="utf-8")
    done = run_cli(*REPORT, "--dry-run", env=emulator.env(tmp_path), cwd=repo)
    assert done.returncode == 0, done.stderr
    assert "site is ignored" in done.stderr


@pytest.mark.parametrize(("codes", "worst"), [
    ([0, 0], 0), ([0, 1], 1), ([1, 4], 4), ([4, 3], 3), ([3, 2], 2), ([0, 5], 5), ([6, 5], 5), ([6, 3], 6),
])
def test_the_exit_code_is_the_worst_of_the_sites(codes: list[int], worst: int) -> None:
    assert worst_exit_code(codes) == worst


@pytest.mark.parametrize(("site", "suffix"), [
    ("acme", "ACME"), ("acme.atlassian.net", "ACME"), ("https://acme-eu.atlassian.net/jira", "ACME_EU"),
    ("jira.acme.example", "JIRA_ACME_EXAMPLE"),
])
def test_the_variable_suffix_of_a_site(site: str, suffix: str) -> None:
    assert site_suffix(site) == suffix
