"""The outbox: a private folder of request bodies that could not be delivered, kept until they are.

Each entry is one JSON file holding the exact request body (with its original ``updateSequenceNumber``),
the API it was for, where it was going (API URL, site, cloud ID; never credentials or tokens), when it was kept, how
often delivery was tried and the last error. Files are written atomically (temp file, fsync, rename) with
mode 0600 in a 0700 folder; a file name starts with the time it was kept in nanoseconds, so name order is
age order and entries are delivered oldest first.

Layout::

    <outbox>/.lock                 held (``filelock``) by whoever delivers entries, so two flushes never
                                   double-send
    <outbox>/<ns>-<pid>-<hex>.json pending entries
    <outbox>/rejected/             entries Jira refused, with its reasons
    <outbox>/expired/              entries older than the maximum age, no longer tried
    <outbox>/unreadable/           files that are not entries this version can read, set aside for a human

An outbox asked for in a shared folder (the system temp folder, a team folder others may write to) lives in this
user's subfolder of it (see :func:`jira_devops.private_files.private_location`).

Bounds: at most :data:`MAX_ENTRIES` pending entries (keeping one more fails loudly rather than filling a
disk), entries older than :data:`MAX_AGE_SECONDS` are moved to ``expired/``, and no entry file over
:data:`MAX_ENTRY_BYTES` is read. A file that is not a readable entry (wrong field types, nesting too deep
to parse, not a regular file) is skipped with one warning and, by a flush, set aside in ``unreadable/``:
one bad file never stops the others.
"""

from __future__ import annotations

import json
import logging
import math
import os
import secrets
import stat
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from jira_devops.errors import ConfigError, UnreachableError
from jira_devops.jira.lookup import describe_item
from jira_devops.jira.models import BODY_LISTS, DEVOPS_APIS, DevOpsApi
from jira_devops.private_files import (
    ensure_private_dir,
    owned_by_another_user,
    private_location,
    write_private_file,
)
from jira_devops.redact import redact

log = logging.getLogger("jira_devops.delivery.outbox")

FORMAT = 1
MAX_ENTRIES = 2000
MAX_AGE_SECONDS = 30 * 24 * 3600
MAX_ENTRY_BYTES = 16 * 1024 * 1024
OFF_WORDS = frozenset({"off", "none", "false", "no"})
REJECTED = "rejected"
EXPIRED = "expired"
UNREADABLE = "unreadable"

_name_lock = threading.Lock()
_last_ns = 0


class OutboxError(UnreachableError):
    """The outbox cannot keep an entry (full, or the folder is not writable)."""


def default_outbox_dir() -> Path:
    """``outbox`` in the user's state folder (``$XDG_STATE_HOME/jira-devops`` on Linux; per platformdirs)."""
    import platformdirs  # noqa: PLC0415 - only when an outbox is used

    return Path(platformdirs.user_state_dir("jira-devops", appauthor=False)) / "outbox"


@dataclass(frozen=True)
class Destination:
    """Where an entry was going: enough to never deliver it to another site, and no credentials."""

    api_url: str
    site_url: Optional[str] = None
    cloud_id: Optional[str] = None

    def matches(self, other: Destination) -> bool:
        """Same API, and no contradiction in the site or cloud ID either side names."""
        if self.api_url != other.api_url:
            return False
        if self.cloud_id and other.cloud_id:
            return self.cloud_id == other.cloud_id
        if self.site_url and other.site_url:
            return self.site_url == other.site_url
        return True

    def to_json(self) -> dict[str, Optional[str]]:
        """The destination as stored in an entry."""
        return {"apiUrl": self.api_url, "siteUrl": self.site_url, "cloudId": self.cloud_id}

    @classmethod
    def from_json(cls, data: Any) -> Destination:
        """Read a stored destination; ``ValueError`` when it is not one."""
        if not isinstance(data, dict) or not isinstance(data.get("apiUrl"), str):
            raise ValueError("no destination")
        return cls(api_url=data["apiUrl"], site_url=_optional_text(data, "siteUrl"),
                   cloud_id=_optional_text(data, "cloudId"))

    def describe(self) -> str:
        """A short human name: the site, the cloud ID or the API URL."""
        return self.site_url or (f"cloud {self.cloud_id}" if self.cloud_id else self.api_url)


@dataclass
class Entry:
    """One kept request body."""

    path: Path
    api: DevOpsApi  # stored under "kind", the name entries of 0.1 were written with
    body: dict[str, Any]
    destination: Destination
    kept_at: float
    attempts: int = 0
    last_error: Optional[str] = None
    reasons: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        """The file name, which is also the entry's ID."""
        return self.path.name

    def items(self) -> list[dict[str, Any]]:
        """The builds, deployments, repositories or flags in the body."""
        value = self.body.get(BODY_LISTS[self.api])
        return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []

    def item_names(self) -> list[str]:
        """Human names of the items, e.g. ``build acme/app #42``."""
        return [describe_item(self.api, item) for item in self.items()]

    def to_json(self, *, with_body: bool = True) -> dict[str, Any]:
        """The entry as stored (or, without the body, as ``jira-devops outbox --json`` lists it)."""
        data: dict[str, Any] = {
            "format": FORMAT,
            "kind": self.api,
            "destination": self.destination.to_json(),
            "keptAt": self.kept_at,
            "attempts": self.attempts,
            "lastError": self.last_error,
        }
        if self.reasons:
            data["reasons"] = self.reasons
        if with_body:
            data["body"] = self.body
        else:
            data["id"] = self.name
            data["items"] = self.item_names()
        return data


def _optional_text(data: dict[str, Any], name: str) -> Optional[str]:
    value = data.get(name)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError(f"{name} is not text")
    return value


@dataclass(frozen=True)
class Unreadable:
    """A file in the outbox that is not an entry this version can read, and why."""

    path: Path
    reason: str

    def warning(self, *, set_aside: bool = False) -> str:
        """The one warning line about it."""
        then = (f"moved to {self.path.parent / UNREADABLE} for you to inspect" if set_aside
                else "skipped: inspect or delete it")
        return f"outbox entry {self.path} is unreadable ({self.reason}); {then}"


class Outbox:
    """The outbox folder: keep entries, list them, and settle them (delivered, rejected, expired)."""

    def __init__(self, directory: Path, *, max_entries: int = MAX_ENTRIES,
                 max_age_seconds: float = MAX_AGE_SECONDS) -> None:
        self.directory = private_location(directory)
        self.max_entries = max_entries
        self.max_age_seconds = max_age_seconds

    # --- keeping -------------------------------------------------------------------------------------

    def keep(self, api: DevOpsApi, body: dict[str, Any], destination: Destination, error: str) -> Entry:
        """Store one request body for ``api`` durably; :class:`OutboxError` when it cannot be kept."""
        if api not in DEVOPS_APIS:
            raise ValueError(f"unknown API {api!r}")
        try:
            self._ensure(self.directory)
            waiting = sum(1 for _ in self._entry_paths(self.directory))
        except ConfigError as problem:
            raise OutboxError(problem.message, hint=problem.hint) from None
        except OSError as problem:
            raise OutboxError(f"cannot use the outbox {self.directory}: {problem.strerror or problem}",
                              hint="set --outbox to a writable folder") from None
        if waiting >= self.max_entries:
            raise OutboxError(f"the outbox {self.directory} is full ({waiting} entries waiting)",
                              hint="run 'jira-devops flush' once Jira is reachable, or inspect "
                              "'jira-devops outbox'")
        entry = Entry(path=self.directory / _new_name(), api=api, body=body, destination=destination,
                      kept_at=time.time(), attempts=1, last_error=redact(error)[:1000])
        try:
            self._write(entry.path, entry.to_json())
        except OSError as problem:
            raise OutboxError(f"cannot write to the outbox {self.directory}: {problem.strerror or problem}",
                              hint="set --outbox to a writable folder") from None
        return entry

    # --- reading -------------------------------------------------------------------------------------

    def pending(self) -> tuple[list[Entry], list[str]]:
        """The waiting entries, oldest first, and a warning for each file that could not be read."""
        entries, unreadable, problems = self._read_folder(self.directory)
        return entries, problems + [item.warning() for item in unreadable]

    def pending_setting_aside(self) -> tuple[list[Entry], list[str]]:
        """Like :meth:`pending`, moving each unreadable file to ``unreadable/`` (the caller holds the lock)."""
        entries, unreadable, problems = self._read_folder(self.directory)
        for item in unreadable:
            try:
                self._ensure(self.directory / UNREADABLE)
                os.replace(item.path, self.directory / UNREADABLE / item.path.name)
            except (OSError, ConfigError):
                problems.append(item.warning())
            else:
                problems.append(item.warning(set_aside=True))
        return entries, problems

    def settled(self, folder: str) -> tuple[list[Entry], list[str]]:
        """Entries in ``rejected/`` or ``expired/``."""
        entries, unreadable, problems = self._read_folder(self.directory / folder)
        return entries, problems + [item.warning() for item in unreadable]

    def has_pending(self) -> bool:
        """True when at least one entry waits (cheap: no file is read)."""
        try:
            return any(True for _ in self._entry_paths(self.directory))
        except OSError:
            return False

    # --- settling (the caller holds the lock) --------------------------------------------------------

    def remove(self, entry: Entry) -> None:
        """Forget a delivered entry."""
        entry.path.unlink(missing_ok=True)
        _fsync_dir(self.directory)

    def record_attempt(self, entry: Entry, error: str) -> None:
        """Count one more failed delivery and remember why (best effort)."""
        entry.attempts += 1
        entry.last_error = redact(error)[:1000]
        try:
            self._write(entry.path, entry.to_json())
        except OSError as problem:
            log.debug("could not update %s: %s", entry.name, problem)

    def reject(self, entry: Entry, reasons: Sequence[str]) -> Path:
        """Move an entry Jira refused to ``rejected/``, with its reasons; returns the new path."""
        entry.reasons = [redact(reason)[:1000] for reason in reasons]
        return self._move(entry, REJECTED)

    def expire(self, now: Optional[float] = None) -> list[Entry]:
        """Move entries older than the maximum age to ``expired/``; returns them."""
        current = time.time() if now is None else now
        entries, _ = self.pending()
        old = [entry for entry in entries if current - entry.kept_at > self.max_age_seconds]
        for entry in old:
            entry.reasons = [f"not delivered within {self.max_age_seconds / 86400:g} days"]
            self._move(entry, EXPIRED)
        return old

    @contextmanager
    def lock(self, wait: float) -> Iterator[bool]:
        """Hold the outbox's delivery lock; yields False when another process kept it for ``wait`` seconds."""
        import filelock  # noqa: PLC0415 - only when entries are delivered

        self._ensure(self.directory)
        path = self.directory / ".lock"
        if path.is_symlink() or (path.exists() and not path.is_file()):
            raise ConfigError(f"the outbox lock {path} is not a plain file; refusing to use it",
                              hint="delete it")
        held = filelock.FileLock(str(path), timeout=max(0.0, wait), mode=0o600)
        try:
            held.acquire(poll_interval=0.05)
        except filelock.Timeout:
            yield False
            return
        except OSError as error:
            raise ConfigError(f"cannot open the outbox lock {path}: {error.strerror or error}",
                              hint="point --outbox at a folder of your own") from None
        try:
            yield True
        finally:
            held.release()

    # --- files ---------------------------------------------------------------------------------------

    def _move(self, entry: Entry, folder: str) -> Path:
        target_dir = self.directory / folder
        self._ensure(target_dir)
        target = target_dir / entry.name
        self._write(target, entry.to_json())
        entry.path.unlink(missing_ok=True)
        _fsync_dir(self.directory)
        entry.path = target
        return target

    def _ensure(self, directory: Path) -> None:
        """Create a 0700 folder, or check an existing one is a real folder of this user."""
        ensure_private_dir(directory, name="outbox", setting_hint="point --outbox at")

    @staticmethod
    def _entry_paths(directory: Path) -> Iterator[Path]:
        with os.scandir(directory) as found:
            for item in found:
                if item.name.endswith(".json") and not item.name.startswith("."):
                    yield Path(item.path)

    def _read_folder(self, directory: Path) -> tuple[list[Entry], list[Unreadable], list[str]]:
        entries: list[Entry] = []
        unreadable: list[Unreadable] = []
        try:
            paths = sorted(self._entry_paths(directory), key=lambda path: path.name)
        except FileNotFoundError:
            return [], [], []
        except OSError as error:
            return [], [], [f"cannot list the outbox {directory}: {error.strerror or error}"]
        for path in paths:
            try:
                entries.append(_read_entry(path))
            except OSError as error:
                unreadable.append(Unreadable(path, str(error.strerror or error)))
            except (ValueError, TypeError, RecursionError, OverflowError) as error:
                unreadable.append(Unreadable(path, str(error)[:200] or type(error).__name__))
        return entries, unreadable, []

    @staticmethod
    def _write(path: Path, data: dict[str, Any]) -> None:
        """Write JSON atomically as a 0600 file: temp file, fsync, rename, fsync the folder."""
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        write_private_file(path, text, suffix=".json")
        _fsync_dir(path.parent)


def _read_entry(path: Path) -> Entry:
    """The entry in ``path``; ``ValueError``/``OSError`` when it is not one (never hangs, never recurses)."""
    # O_NONBLOCK: opening a FIFO named *.json must not wait for a writer; it is then refused as not regular.
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise ValueError("not a regular file")
        if owned_by_another_user(info):
            raise ValueError("owned by another user")
        if info.st_size > MAX_ENTRY_BYTES:
            raise ValueError(f"larger than {MAX_ENTRY_BYTES} bytes")
        raw = handle.read(MAX_ENTRY_BYTES + 1)
    try:
        data = json.loads(raw.decode("utf-8"))
    except RecursionError:
        raise ValueError("nested too deeply") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValueError("not an outbox entry of this version")
    api = next((name for name in DEVOPS_APIS if name == data.get("kind")), None)
    body = data.get("body")
    if api is None or not isinstance(body, dict) or not isinstance(body.get(BODY_LISTS[api]), list):
        raise ValueError("no request body")
    return Entry(
        path=path,
        api=api,
        body=body,
        destination=Destination.from_json(data.get("destination")),
        kept_at=_field(data, "keptAt", (int, float), 0.0),
        attempts=int(_field(data, "attempts", (int,), 0)),
        last_error=_field(data, "lastError", (str,), None),
        reasons=[str(reason) for reason in _field(data, "reasons", (list,), [])],
    )


def _field(data: dict[str, Any], name: str, types: tuple[type, ...], default: Any) -> Any:
    """A stored field of one of ``types`` (``default`` when absent); ``ValueError`` for any other value."""
    value = data.get(name)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, types):
        raise ValueError(f"{name} is not a {types[0].__name__}")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{name} is not a finite number")
    return value


def _new_name() -> str:
    """A unique file name whose order is the order entries were kept in (also within one process)."""
    global _last_ns  # noqa: PLW0603 - one counter per process keeps names increasing within a tick
    with _name_lock:
        now = max(time.time_ns(), _last_ns + 1)
        _last_ns = now
    return f"{now:020d}-{os.getpid()}-{secrets.token_hex(4)}.json"


def _fsync_dir(directory: Path) -> None:
    if sys.platform == "win32":
        return
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def open_outbox(setting: Optional[str]) -> Optional[Outbox]:
    """The outbox a setting names (default folder when unset); ``None`` when it is ``off``."""
    if setting is not None and setting.strip().lower() in OFF_WORDS:
        return None
    if setting is None or not setting.strip():
        return Outbox(default_outbox_dir())
    return Outbox(Path(setting).expanduser())
