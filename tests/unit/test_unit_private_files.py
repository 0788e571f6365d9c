"""The one place that keeps private folders and files: real folders, links and modes in tmp dirs."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from jira_devops.errors import ConfigError
from jira_devops.private_files import ensure_private_dir, private_location, write_private_file


def test_a_new_folder_is_0700_and_an_existing_readable_one_keeps_its_mode(tmp_path: Path) -> None:
    fresh = tmp_path / "a" / "b"
    ensure_private_dir(fresh, name="outbox", setting_hint="point --outbox at")
    assert stat.S_IMODE(os.lstat(fresh).st_mode) == 0o700
    readable = tmp_path / "readable"
    readable.mkdir(mode=0o755)
    os.chmod(readable, 0o755)  # noqa: S103 - the mode under test
    ensure_private_dir(readable, name="outbox", setting_hint="point --outbox at")
    assert stat.S_IMODE(os.lstat(readable).st_mode) == 0o755


@pytest.mark.parametrize("mode", [0o1777, 0o777, 0o775])
def test_a_shared_folder_is_never_chmodded_and_a_private_subfolder_is_used(tmp_path: Path, mode: int) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, mode)
    location = private_location(shared)
    assert location == shared / f"jira-devops-{os.getuid()}"
    ensure_private_dir(location, name="outbox", setting_hint="point --outbox at")
    assert stat.S_IMODE(os.lstat(shared).st_mode) == mode
    assert stat.S_IMODE(os.lstat(location).st_mode) == 0o700


def test_a_folder_others_may_write_to_is_refused_not_tightened(tmp_path: Path) -> None:
    loose = tmp_path / "loose"
    loose.mkdir()
    os.chmod(loose, 0o777)  # noqa: S103 - the loose mode under test
    with pytest.raises(ConfigError, match="can be written by other users; refusing to use it"):
        ensure_private_dir(loose, name="outbox", setting_hint="point --outbox at")
    assert stat.S_IMODE(os.lstat(loose).st_mode) == 0o777


def test_a_private_or_missing_folder_is_its_own_location(tmp_path: Path) -> None:
    assert private_location(tmp_path / "missing") == tmp_path / "missing"
    own = tmp_path / "own"
    own.mkdir(mode=0o700)
    assert private_location(own) == own


def test_a_symbolic_link_is_refused_and_says_what_to_change(tmp_path: Path) -> None:
    target = tmp_path / "real"
    target.mkdir()
    link = tmp_path / "link"
    link.symlink_to(target)
    with pytest.raises(ConfigError) as raised:
        ensure_private_dir(link, name="token cache directory", setting_hint="set --cache-dir to")
    assert raised.value.one_line() == (f"token cache directory {link} is not a plain folder (a symbolic link?); "
                                       "refusing to use it (set --cache-dir to a real folder)")


def test_a_file_is_written_whole_as_0600_and_leaves_no_temp_file(tmp_path: Path) -> None:
    path = tmp_path / "entry.json"
    write_private_file(path, '{"a": 1}', suffix=".json")
    assert path.read_text(encoding="utf-8") == '{"a": 1}'
    assert stat.S_IMODE(os.lstat(path).st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["entry.json"]
