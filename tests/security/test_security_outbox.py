"""The outbox and the token cache under attack: bad entries, shared folders, symbolic links.

One bad entry (wrong field types, JSON nested 200,000 deep, a FIFO named *.json) never breaks a later
run: it is skipped with one warning, set aside in ``unreadable/`` by a flush, and the rest is delivered.
A folder the tool did not create keeps its mode.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

from security.conftest import hostile_env, report_build
from support.cli import run_cli
from support.hostile_server import HostileServer

_BAD_ENTRIES = {
    "00000000000000000001-1-aaaaaaaa.json": {"keptat": "yesterday", "attempts": {}, "reasons": 5},
    "00000000000000000002-1-bbbbbbbb.json": {"keptAt": "yesterday"},
    "00000000000000000003-1-cccccccc.json": {"attempts": {}},
    "00000000000000000004-1-dddddddd.json": {"reasons": 5},
    "00000000000000000005-1-eeeeeeee.json": {"lastError": ["x"], "destination": {"apiUrl": "u", "siteUrl": 7}},
}


def _plant(outbox: Path, api_url: str) -> list[str]:
    """A valid entry kept by the test's own run first, then every kind of bad file; the bad names."""
    template = json.loads(sorted(outbox.glob("*.json"))[0].read_text(encoding="utf-8"))
    assert template["destination"]["apiUrl"] == api_url
    for name, fields in _BAD_ENTRIES.items():
        (outbox / name).write_text(json.dumps({**template, **fields}), encoding="utf-8")
    (outbox / "00000000000000000006-1-ffffffff.json").write_text("[" * 200_000 + "]" * 200_000, encoding="utf-8")
    os.mkfifo(outbox / "00000000000000000007-1-00000000.json")
    return [*_BAD_ENTRIES, "00000000000000000006-1-ffffffff.json", "00000000000000000007-1-00000000.json"]


def test_bad_outbox_entries_are_set_aside_and_the_rest_is_delivered(hostile: HostileServer, tmp_path: Path) -> None:
    kept = report_build(hostile, "teapot", tmp_path)
    assert len(kept.kept()) == 1
    bad = _plant(kept.outbox, f"{hostile.url}/teapot")

    listing = run_cli("outbox", "--json", env=hostile_env(hostile, "teapot", tmp_path), timeout=30)
    assert listing.returncode == 0, listing.stderr
    assert "Traceback" not in listing.stderr
    assert sum("is unreadable" in line for line in listing.stderr.splitlines()) == len(bad)

    hostile.override = "ok"
    try:
        flushed = run_cli("flush", "--timeout", "5", env=hostile_env(hostile, "teapot", tmp_path), timeout=30)
    finally:
        hostile.override = None
    assert flushed.returncode == 0, flushed.stderr
    assert "Traceback" not in flushed.stderr
    warnings = [line for line in flushed.stderr.splitlines() if line.startswith("warning: ")]
    assert len(warnings) == len(bad), flushed.stderr
    assert all("moved to" in line and "unreadable" in line for line in warnings)
    assert kept.kept() == []
    assert sorted(path.name for path in (kept.outbox / "unreadable").iterdir()) == sorted(bad)

    again = report_build(hostile, "ok", tmp_path)
    assert again.done.returncode == 0, again.done.stderr
    assert "unreadable" not in again.done.stderr


def test_a_shared_outbox_and_cache_folder_keep_their_mode(hostile: HostileServer, tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o1777)  # noqa: S103 - a world-writable, sticky folder like the system temp folder
    team = tmp_path / "team"
    team.mkdir()
    os.chmod(team, 0o777)  # noqa: S103 - a team folder
    run = report_build(hostile, "teapot", tmp_path,
                       env={"JIRA_DEVOPS_OUTBOX": str(shared), "JIRA_DEVOPS_CACHE_DIR": str(team)})
    assert run.done.returncode == 4, run.done.stderr
    assert stat.S_IMODE(shared.stat().st_mode) == 0o1777
    assert stat.S_IMODE(team.stat().st_mode) == 0o777
    mine = f"jira-devops-{os.getuid()}"
    assert len(list((shared / mine).glob("*.json"))) == 1
    assert stat.S_IMODE((shared / mine).stat().st_mode) == 0o700
    assert len(list((team / mine).glob("token-*.json"))) == 1
    assert f"{shared / mine}" in run.done.stderr


def test_a_symlinked_token_cache_folder_never_fails_the_run(hostile: HostileServer, tmp_path: Path) -> None:
    real = tmp_path / "elsewhere"
    real.mkdir(mode=0o700)
    link = tmp_path / "cache-link"
    link.symlink_to(real)
    run = report_build(hostile, "ok", tmp_path, env={"JIRA_DEVOPS_CACHE_DIR": str(link)})
    assert run.done.returncode == 0, run.done.stderr
    warnings = [line for line in run.done.stderr.splitlines() if "token cache" in line]
    assert len(warnings) == 1 and warnings[0].startswith("warning: running without the token cache")
    assert list(real.iterdir()) == []
