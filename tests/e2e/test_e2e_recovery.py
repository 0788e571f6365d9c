"""The installed CLI against the emulator: recovery from 429, 503, resets and a failing token endpoint,
giving up with exit 4, a revoked token renewed once, and wrong credentials as exit 3."""

from __future__ import annotations

from pathlib import Path

from support.cli import run_cli
from support.emulator import RunningEmulator
from support.gitrepo import make_repo


def _report(emulator: RunningEmulator, tmp_path: Path) -> int:
    repo = make_repo(tmp_path / "repo", ("ABC-3 change",))
    done = run_cli("report-build", "--ci", "generic", "--state", "successful", "--build-number", "1",
                   "--url", "https://ci.example.com/1", env=emulator.env(tmp_path), cwd=repo)
    return done.returncode


def _bulk_statuses(emulator: RunningEmulator) -> list[int]:
    return [entry["status"] for entry in emulator.requests() if entry["path"].endswith("/bulk")]


def test_cli_recovers_from_429_with_retry_after(emulator: RunningEmulator, tmp_path: Path) -> None:
    emulator.fault("/jira/builds/", 429, retry_after=0)
    assert _report(emulator, tmp_path) == 0
    assert _bulk_statuses(emulator) == [429, 202]


def test_cli_recovers_from_503s(emulator: RunningEmulator, tmp_path: Path) -> None:
    emulator.fault("/jira/builds/", 503, count=2)
    assert _report(emulator, tmp_path) == 0
    assert _bulk_statuses(emulator) == [503, 503, 202]


def test_cli_recovers_from_a_reset_connection(emulator: RunningEmulator, tmp_path: Path) -> None:
    emulator.fault("/jira/builds/", reset_connection=True)
    assert _report(emulator, tmp_path) == 0
    assert _bulk_statuses(emulator) == [0, 202]


def test_cli_recovers_from_a_failing_token_endpoint(emulator: RunningEmulator, tmp_path: Path) -> None:
    emulator.fault("/oauth/token", 503)
    assert _report(emulator, tmp_path) == 0
    assert [e["status"] for e in emulator.requests() if e["path"] == "/oauth/token"] == [503, 200]


def test_cli_gives_up_with_exit_4_when_jira_stays_down(emulator: RunningEmulator, tmp_path: Path) -> None:
    emulator.fault("/jira/builds/", 503, count=50)
    repo = make_repo(tmp_path / "repo", ("ABC-3 change",))
    done = run_cli("report-build", "--ci", "generic", "--state", "successful", "--build-number", "1",
                   "--url", "https://ci.example.com/1", "--timeout", "2", env=emulator.env(tmp_path), cwd=repo)
    assert done.returncode == 4
    assert "Traceback" not in done.stderr


def test_cli_fetches_a_new_token_once_after_revocation(emulator: RunningEmulator, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", ("ABC-5 change",))
    args = ("report-build", "--ci", "generic", "--state", "successful", "--url", "https://ci.example.com/1")
    assert run_cli(*args, "--build-number", "1", env=emulator.env(tmp_path), cwd=repo).returncode == 0
    emulator.revoke_tokens()
    done = run_cli(*args, "--build-number", "2", env=emulator.env(tmp_path), cwd=repo)
    assert done.returncode == 0, done.stderr
    assert emulator.state()["tokens_issued"] == 2
    statuses = [entry["status"] for entry in emulator.requests() if entry["path"].endswith("/bulk")]
    assert statuses == [202, 401, 202]


def test_cli_with_a_wrong_secret_exits_3_in_one_line(emulator: RunningEmulator, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", ("ABC-5 change",))
    wrong = tmp_path / "wrong-secret"
    wrong.write_text("not-the-secret-at-all\n", encoding="utf-8")
    env = {**emulator.env(tmp_path), "JIRA_CLIENT_SECRET_FILE": str(wrong)}
    done = run_cli("report-build", "--ci", "generic", "--state", "successful", "--build-number", "1",
                   "--url", "https://ci.example.com/1", env=env, cwd=repo)
    assert done.returncode == 3
    assert done.stderr.strip().splitlines()[-1].startswith("error: Jira refused the OAuth credentials")
    assert "Traceback" not in done.stderr
    assert "not-the-secret-at-all" not in done.stdout + done.stderr
