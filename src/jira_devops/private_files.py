"""Private folders and files of this user: the token cache and the outbox keep theirs the same way.

- :func:`private_location` says where to keep private files asked for in a folder: the folder itself, or,
  when it is shared (others may write to it, or it is another user's, like the system temp folder), a subfolder of this
  user's inside it;
- :func:`ensure_private_dir` creates a 0700 folder, or checks that an existing one is a real folder (not
  a symbolic link) of this user that others cannot write to. The mode of a folder this tool did not
  create is never changed: tightening a shared folder (the system temp folder, as root in a container) breaks a machine;
- :func:`owned_by_another_user` tells whether a file or folder belongs to someone else;
- :func:`write_private_file` writes text atomically as a 0600 file (temp file, fsync, rename).
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from jira_devops.errors import ConfigError


def owned_by_another_user(info: os.stat_result) -> bool:
    """Whether ``info`` (from ``lstat``/``fstat``) is owned by another user (never on systems without uids)."""
    return hasattr(os, "getuid") and info.st_uid != os.getuid()


def _has_modes() -> bool:
    """Whether folder modes and owners mean anything here (POSIX); on Windows, ACLs decide instead."""
    return hasattr(os, "getuid")


def _others_may_write(info: os.stat_result) -> bool:
    return _has_modes() and bool(stat.S_IMODE(info.st_mode) & 0o022)


def private_location(directory: Path) -> Path:
    """``directory``, or this user's subfolder ``jira-devops-<uid>`` in it when ``directory`` is shared.

    Shared means: an existing real folder that other users may write to, or that belongs to another user.
    Nothing is created or changed here; :func:`ensure_private_dir` does that when the folder is needed.
    """
    try:
        info = os.lstat(directory)
    except OSError:
        return directory
    if stat.S_ISDIR(info.st_mode) and (_others_may_write(info) or owned_by_another_user(info)):
        return directory / f"jira-devops-{os.getuid()}"
    return directory


def ensure_private_dir(directory: Path, *, name: str, setting_hint: str) -> None:
    """Create ``directory`` as a 0700 folder, or check an existing one is a private folder of this user.

    ``name`` says what the folder is in messages (``outbox /x``); ``setting_hint`` what to change instead
    (``point --outbox at``). A :class:`ConfigError` says what is wrong. An existing folder's mode is never
    changed: one that others may write to is refused (see :func:`private_location` for shared folders).
    """
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    info = os.lstat(directory)
    if stat.S_ISLNK(info.st_mode) or not stat.S_ISDIR(info.st_mode):
        raise ConfigError(f"{name} {directory} is not a plain folder (a symbolic link?); refusing to use it",
                          hint=f"{setting_hint} a real folder")
    if owned_by_another_user(info):
        raise ConfigError(f"{name} {directory} belongs to another user; refusing to use it",
                          hint=f"{setting_hint} a folder of your own")
    if _others_may_write(info):
        raise ConfigError(f"{name} {directory} can be written by other users; refusing to use it",
                          hint=f"{setting_hint} a folder of your own, or make it 0700 yourself")


def write_private_file(path: Path, text: str, *, prefix: str = ".tmp-", suffix: str = ".tmp") -> None:
    """Write ``text`` to ``path`` atomically as a 0600 file; a failure leaves no temp file behind.

    The temp file's name starts with a dot (``prefix``), so folder listings of entries skip it.
    """
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=prefix, suffix=suffix)
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
