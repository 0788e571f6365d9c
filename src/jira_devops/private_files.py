"""Private folders and files of this user: the token cache and the outbox keep theirs the same way.

- :func:`ensure_private_dir` creates a 0700 folder, or checks that an existing one is a real folder (not
  a symbolic link) owned by this user, tightening its mode if needed;
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


def ensure_private_dir(directory: Path, *, name: str, setting_hint: str) -> None:
    """Create ``directory`` as a 0700 folder, or check an existing one is a plain folder of this user.

    ``name`` says what the folder is in messages (``outbox /x``); ``setting_hint`` what to change instead
    (``point --outbox at``). A :class:`ConfigError` says what is wrong; a mode open to others is tightened.
    """
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    info = os.lstat(directory)
    if stat.S_ISLNK(info.st_mode) or not stat.S_ISDIR(info.st_mode):
        raise ConfigError(f"{name} {directory} is not a plain folder (a symbolic link?); refusing to use it",
                          hint=f"{setting_hint} a real folder")
    if owned_by_another_user(info):
        raise ConfigError(f"{name} {directory} belongs to another user; refusing to use it",
                          hint=f"{setting_hint} a folder of your own")
    if stat.S_IMODE(info.st_mode) & 0o077:
        os.chmod(directory, 0o700)


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
