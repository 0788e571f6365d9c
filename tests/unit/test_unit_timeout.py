"""`--timeout` takes the same durations as `--gate-timeout` (90, 90s, 2m, 500ms) from flags, env and file."""

from __future__ import annotations

from pathlib import Path

import pytest

from jira_devops.errors import ConfigError, ExitCode, UsageError
from jira_devops.jira.connection import connection_from_settings
from jira_devops.settings import OPTIONS_BY_NAME, Settings, convert, load_settings
from support.cli import run_cli

CREDENTIALS = {"JIRA_SITE": "acme", "JIRA_CLIENT_ID": "client", "JIRA_CLIENT_SECRET": "not-a-real-secret"}


@pytest.mark.parametrize(("text", "seconds"), [("90", 90.0), ("90s", 90.0), ("2m", 120.0), ("1.5", 1.5),
                                               ("500ms", 0.5), (" 1h ", 3600.0)])
def test_timeout_accepts_plain_seconds_and_durations(text: str, seconds: float, tmp_path: Path) -> None:
    assert convert(OPTIONS_BY_NAME["timeout"], text) == seconds
    settings = load_settings({}, {**CREDENTIALS, "JIRA_DEVOPS_TIMEOUT": text}, cwd=tmp_path)
    assert connection_from_settings(settings).timeout == seconds


def test_timeout_in_the_config_file_may_be_a_number_or_a_duration(tmp_path: Path) -> None:
    config = tmp_path / ".jira-devops.yml"
    config.write_text("timeout: 45\n", encoding="utf-8")
    assert load_settings({}, CREDENTIALS, cwd=tmp_path).timeout == 45.0
    config.write_text("timeout: 3m\n", encoding="utf-8")
    assert load_settings({}, CREDENTIALS, cwd=tmp_path).timeout == 180.0


def test_a_zero_or_unreadable_timeout_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="must be more than 0"):
        connection_from_settings(Settings(timeout=0.0, site="acme", client_id="c", client_secret="s"))
    with pytest.raises(ConfigError, match="expected a duration such as 90s"):
        load_settings({}, {**CREDENTIALS, "JIRA_DEVOPS_TIMEOUT": "soon"}, cwd=tmp_path)


@pytest.mark.parametrize("value", ["0", "-5", "soon"])
def test_a_bad_timeout_flag_is_one_usage_line(value: str, tmp_path: Path) -> None:
    done = run_cli("report-build", "--timeout", value, "--pipeline-id", "p", "--build-number", "1",
                   "--issue-key", "ABC-1", "--url", "https://ci.example.com/1", env=CREDENTIALS, cwd=tmp_path)
    assert done.returncode == ExitCode.USAGE, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "timeout" in done.stderr
    assert "Traceback" not in done.stderr
