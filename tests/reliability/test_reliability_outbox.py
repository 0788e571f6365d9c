"""The outbox folder: durable private entries, oldest first, bounded, locked for delivery."""

from __future__ import annotations

import json
import os
import stat
import time
from pathlib import Path

import pytest

from jira_devops.delivery.outbox import EXPIRED, Destination, Outbox, OutboxError, default_outbox_dir, open_outbox
from jira_devops.errors import ConfigError, ExitCode

HERE = Destination(api_url="https://api.example.test", site_url="https://acme.atlassian.net")


def _body(number: int) -> dict[str, object]:
    return {"builds": [{"pipelineId": "acme/app", "buildNumber": number, "updateSequenceNumber": 1000 + number}],
            "providerMetadata": {"product": "jira-devops"}}


def test_an_entry_is_a_private_file_holding_the_exact_body(box: Outbox) -> None:
    entry = box.keep("builds", _body(7), HERE, "POST builds: HTTP 503 after 3 attempts")
    assert stat.S_IMODE(box.directory.stat().st_mode) == 0o700
    assert stat.S_IMODE(entry.path.stat().st_mode) == 0o600
    stored = json.loads(entry.path.read_text(encoding="utf-8"))
    assert stored["body"] == _body(7)
    assert stored["kind"] == "builds"
    assert stored["destination"] == {"apiUrl": "https://api.example.test", "siteUrl": "https://acme.atlassian.net",
                                     "cloudId": None}
    assert stored["lastError"] == "POST builds: HTTP 503 after 3 attempts"
    assert [path.name for path in box.directory.iterdir() if path.name != ".lock"] == [entry.name], \
        "no temporary file is left behind"


def test_entries_come_back_oldest_first(box: Outbox) -> None:
    kept = [box.keep("builds", _body(number), HERE, "down").name for number in (3, 1, 2)]
    pending, problems = box.pending()
    assert [entry.name for entry in pending] == kept
    assert [entry.body["builds"][0]["buildNumber"] for entry in pending] == [3, 1, 2]  # type: ignore[index]
    assert problems == []


def test_an_outbox_in_a_shared_folder_goes_to_a_private_subfolder_and_leaves_the_folder_alone(
        tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    os.chmod(folder, 0o1777)  # noqa: S103 - a world-writable, sticky folder like the system temp folder
    box = Outbox(folder)
    entry = box.keep("builds", _body(1), HERE, "down")
    assert stat.S_IMODE(folder.stat().st_mode) == 0o1777
    assert entry.path.parent == folder / f"jira-devops-{os.getuid()}"
    assert stat.S_IMODE(entry.path.parent.stat().st_mode) == 0o700
    assert [e.name for e in Outbox(folder).pending()[0]] == [entry.name]


def test_an_outbox_that_is_a_symbolic_link_is_refused(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    link = tmp_path / "link"
    link.symlink_to(real)
    with pytest.raises(OutboxError, match="not a plain folder"):
        Outbox(link).keep("builds", _body(1), HERE, "down")
    with pytest.raises(ConfigError, match="not a plain folder"), Outbox(link).lock(0):
        pass
    assert list(real.iterdir()) == []


def test_an_entry_file_that_is_a_symbolic_link_is_skipped_with_a_warning(box: Outbox, tmp_path: Path) -> None:
    kept = box.keep("builds", _body(1), HERE, "down")
    elsewhere = tmp_path / "elsewhere.json"
    elsewhere.write_text(kept.path.read_text(encoding="utf-8"), encoding="utf-8")
    (box.directory / "00000000000000000001-1-aaaa.json").symlink_to(elsewhere)
    pending, problems = box.pending()
    assert [entry.name for entry in pending] == [kept.name]
    assert len(problems) == 1 and "unreadable" in problems[0]


def test_a_full_outbox_refuses_loudly_and_keeps_what_it_has(tmp_path: Path) -> None:
    small = Outbox(tmp_path / "outbox", max_entries=2)
    small.keep("builds", _body(1), HERE, "down")
    small.keep("builds", _body(2), HERE, "down")
    with pytest.raises(OutboxError, match="full") as caught:
        small.keep("builds", _body(3), HERE, "down")
    assert caught.value.exit_code == ExitCode.UNREACHABLE
    assert len(small.pending()[0]) == 2


def test_a_corrupt_entry_is_reported_and_the_others_still_read(box: Outbox) -> None:
    good = box.keep("builds", _body(1), HERE, "down")
    (box.directory / "00000000000000000002-1-bbbb.json").write_text("{not json", encoding="utf-8")
    pending, problems = box.pending()
    assert [entry.name for entry in pending] == [good.name]
    assert "00000000000000000002-1-bbbb.json" in problems[0]


def test_entries_older_than_the_maximum_age_move_to_expired(tmp_path: Path) -> None:
    aged = Outbox(tmp_path / "outbox", max_age_seconds=60)
    old = aged.keep("builds", _body(1), HERE, "down")
    young = aged.keep("builds", _body(2), HERE, "down")
    stored = json.loads(old.path.read_text(encoding="utf-8"))
    old.path.write_text(json.dumps({**stored, "keptAt": stored["keptAt"] - 120}), encoding="utf-8")
    moved = aged.expire()
    assert [entry.name for entry in moved] == [old.name]
    assert [entry.name for entry in aged.pending()[0]] == [young.name]
    expired, _ = aged.settled(EXPIRED)
    assert expired[0].body == _body(1)
    assert "not delivered within" in expired[0].reasons[0]


def test_the_delivery_lock_is_held_by_one_holder_at_a_time(box: Outbox) -> None:
    with box.lock(0) as first:
        assert first
        started = time.monotonic()
        with box.lock(0.2) as second:
            assert not second
        assert time.monotonic() - started >= 0.2
    with box.lock(0) as again:
        assert again


def test_an_entry_never_holds_the_secret_or_a_token(box: Outbox) -> None:
    from jira_devops.redact import forget_secrets, register_secret

    register_secret("tok-very-secret-value")
    try:
        entry = box.keep("builds", _body(1), HERE, "Authorization: Bearer tok-very-secret-value was refused")
    finally:
        forget_secrets()
    assert "tok-very-secret-value" not in entry.path.read_text(encoding="utf-8")


def test_the_outbox_setting_names_a_folder_the_default_or_off(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    assert default_outbox_dir() == tmp_path / "state" / "jira-devops" / "outbox"
    default = open_outbox(None)
    assert default is not None and default.directory == default_outbox_dir()
    given = open_outbox(str(tmp_path / "ci-cache"))
    assert given is not None and given.directory == tmp_path / "ci-cache"
    assert open_outbox("off") is None


@pytest.mark.parametrize(("stored", "current", "matches"), [
    (HERE, HERE, True),
    (HERE, Destination("https://api.example.test", "https://other.atlassian.net"), False),
    (HERE, Destination("https://elsewhere.test", "https://acme.atlassian.net"), False),
    (Destination("https://api.example.test", None, "c-1"), Destination("https://api.example.test", None, "c-2"),
     False),
    (Destination("https://api.example.test"), HERE, True),
])
def test_an_entry_is_only_delivered_to_the_site_it_was_meant_for(stored: Destination, current: Destination,
                                                                  matches: bool) -> None:
    assert stored.matches(current) is matches
