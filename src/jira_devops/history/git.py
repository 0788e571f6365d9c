"""Running git: the one place that starts git processes and turns their failures into :class:`GitError`.

Higher-level reading of a repository (ranges, streamed logs, shallow clones) builds on :func:`run_git`.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Optional, Union

from jira_devops.errors import GitError

GIT_TIMEOUT_SECONDS = 120.0
_URL_CREDENTIALS = re.compile(r"://[^/@\s]+@")


def git_environment() -> dict[str, str]:
    """The environment for git: never stop to ask for credentials on a terminal (a CI job would hang)."""
    return {**os.environ, "GIT_TERMINAL_PROMPT": "0"}


def _without_credentials(text: str) -> str:
    """Git's message with any ``user:password@`` in URLs blanked out."""
    return _URL_CREDENTIALS.sub("://***@", text)


def run_git(args: Sequence[str], cwd: Union[str, Path], *, timeout: float = GIT_TIMEOUT_SECONDS,
            input_text: Optional[str] = None) -> str:
    """Run ``git ARGS`` in ``cwd`` and return its standard output (decoded leniently, stripped of the
    final newline); raise :class:`GitError` with git's own first error line when it fails."""
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, timeout=timeout, check=False,
                              env=git_environment(),
                              input=input_text.encode() if input_text is not None else b"")
    except FileNotFoundError:
        raise GitError("git is not installed or not on PATH", hint="install git, or pass --issue-key") from None
    except subprocess.TimeoutExpired:
        raise GitError(f"git {args[0]} took longer than {timeout:.0f}s") from None
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()
        first = _without_credentials(reason[0]) if reason else f"exit {done.returncode}"
        raise GitError(f"git {args[0]} failed: {first}")
    return done.stdout.decode("utf-8", "replace").rstrip("\n")


def try_git(args: Sequence[str], cwd: Union[str, Path], *, timeout: float = GIT_TIMEOUT_SECONDS) -> Optional[str]:
    """Like :func:`run_git`, but ``None`` when git fails or prints nothing (for facts that may be absent)."""
    try:
        text = run_git(args, cwd, timeout=timeout).strip()
    except GitError:
        return None
    return text or None


class NotARepositoryError(GitError):
    """The folder is not inside a git repository (or git is missing)."""


# Reading the log: one `git log` process for the whole range, its output read in large blocks and split
# at the NUL bytes `-z` puts between fields, so memory stays flat however many commits there are.
_LOG_FORMAT = "--format=%H%x00%B"
_LINEAR_FORMAT = "--format=%H%x00%P%x00%ct%x00%B"
_READ_BLOCK = 1 << 20
_SMALL_READ = 1 << 16
_NAP_SECONDS = 0.005
_F_SETPIPE_SZ = 1031  # Linux fcntl; a bigger pipe means fewer context switches with git


class Repository:
    """A git repository on disk, read through the ``git`` command."""

    def __init__(self, path: Path, git_dir: str) -> None:
        self.path = path
        self.git_dir = git_dir
        self._asked: dict[tuple[str, ...], Optional[str]] = {}

    @classmethod
    def open(cls, path: Union[str, Path]) -> Repository:
        """The repository containing ``path``; :class:`NotARepositoryError` when there is none."""
        folder = Path(path)
        if not folder.is_dir():
            raise NotARepositoryError(f"{folder} is not a folder", hint="fix --repo")
        try:
            git_dir = run_git(["rev-parse", "--absolute-git-dir"], folder, timeout=30)
        except GitError as error:
            if "not installed" in error.message:
                raise NotARepositoryError(error.message, hint=error.hint) from None
            raise NotARepositoryError(f"{folder.resolve()} is not inside a git repository",
                                      hint="run in the checkout or pass --repo") from None
        return cls(folder, git_dir)

    @classmethod
    def find(cls, path: Union[str, Path]) -> Optional[Repository]:
        """The repository containing ``path``, or ``None`` when there is none."""
        try:
            return cls.open(path)
        except NotARepositoryError:
            return None

    def _try(self, args: Sequence[str]) -> Optional[str]:
        return try_git(args, self.path)

    def _once(self, *args: str) -> Optional[str]:
        """A fact that cannot change during one run (HEAD, the branch, the remote), asked of git once."""
        if args not in self._asked:
            self._asked[args] = self._try(args)
        return self._asked[args]

    def top_level(self) -> Optional[Path]:
        """The root of the working tree; ``None`` in a bare repository."""
        top = self._once("rev-parse", "--show-toplevel")
        return Path(top) if top else None

    def remote_url(self, name: str) -> Optional[str]:
        """The URL of the remote ``name``, if there is one."""
        return self._once("remote", "get-url", name)

    def resolve_commit(self, rev: str) -> Optional[str]:
        """The full SHA of the commit ``rev`` names, or ``None`` when there is no such commit here."""
        if not rev or rev.startswith("-"):
            return None
        # revisions starting with "-" are refused above, so no --end-of-options (git >= 2.30) is needed
        return self._try(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"])

    def head(self) -> Optional[str]:
        """HEAD's SHA; ``None`` in a repository without commits."""
        return self._once("rev-parse", "--verify", "--quiet", "HEAD^{commit}")

    def branch(self) -> Optional[str]:
        """The checked-out branch; ``None`` on a detached HEAD."""
        return self._once("symbolic-ref", "--quiet", "--short", "HEAD")

    def is_shallow(self) -> bool:
        """Whether this is a shallow clone (part of the history is missing on purpose)."""
        return Path(self.git_dir, "shallow").is_file()

    def has_commit(self, sha: str) -> bool:
        """Whether the commit object ``sha`` is present locally."""
        return self._try(["cat-file", "-t", sha]) == "commit"

    def is_ancestor(self, ancestor: str, descendant: str) -> bool:
        """Whether ``ancestor`` is reachable from ``descendant`` (a commit is its own ancestor)."""
        try:
            run_git(["merge-base", "--is-ancestor", ancestor, descendant], self.path)
        except GitError:
            return False
        return True

    def newest_tag(self, pattern: str, before: str) -> Optional[str]:
        """The nearest tag matching the glob ``pattern`` reachable from ``before`` (``git describe``)."""
        return self._try(["describe", "--tags", "--abbrev=0", f"--match={pattern}", before])

    def commit_time(self, sha: str) -> Optional[int]:
        """The committer time of ``sha`` (seconds since the epoch)."""
        text = self._try(["show", "-s", "--format=%ct", sha, "--"])
        return int(text) if text and text.isdigit() else None

    def parent(self, sha: str) -> Optional[str]:
        """The first parent of ``sha``; ``None`` for a root commit (or the edge of a shallow clone)."""
        return self.resolve_commit(f"{sha}^1")

    def deepen(self, remote: str, by: int) -> None:
        """Fetch ``by`` more commits of history below the shallow boundary from ``remote``."""
        run_git(["fetch", "--quiet", f"--deepen={by}", remote], self.path, timeout=GIT_TIMEOUT_SECONDS * 5)

    def read_log(self, tip: str, *, exclude: Optional[str] = None,
                 max_count: Optional[int] = None) -> LogReader:
        """Start one ``git log`` over the commits reachable from ``tip`` and not from ``exclude``
        (newest first, merge commits included); read it with :meth:`LogReader.blocks`."""
        return LogReader(self.path, tip, exclude=exclude, max_count=max_count)

    def read_first_parents(self, tip: str, *, max_count: Optional[int] = None) -> LogReader:
        """Start one ``git log --first-parent`` from ``tip`` whose blocks also carry each commit's parents
        and commit time (:meth:`LogReader.linear_blocks`). Without a commit to exclude, git prints as it
        walks instead of walking everything first."""
        return LogReader(self.path, tip, max_count=max_count, first_parent=True)

    def iter_messages(self, tip: str, *, exclude: Optional[str] = None,
                      max_count: Optional[int] = None) -> Iterator[tuple[bytes, bytes]]:
        """``(sha, raw message)`` of each commit, as :meth:`read_log` finds them."""
        with self.read_log(tip, exclude=exclude, max_count=max_count) as log:
            for shas, messages in log.blocks():
                yield from zip(shas, messages)


class LogReader:
    """One running ``git log -z``, read in large blocks and split at the NUL bytes between fields.

    Git starts at once, so the caller can do other work while git walks the history (for a range,
    git walks it all before printing anything). Messages are bytes: git re-encodes commits that
    declare an encoding to UTF-8, others come as they were written. Closing early stops git.
    """

    def __init__(self, cwd: Path, tip: str, *, exclude: Optional[str] = None,
                 max_count: Optional[int] = None, first_parent: bool = False) -> None:
        self._fields = 4 if first_parent else 2
        args = ["git", "-c", "log.showSignature=false", "log", "-z", "--encoding=UTF-8",
                _LINEAR_FORMAT if first_parent else _LOG_FORMAT]
        if first_parent:
            args.append("--first-parent")
        if max_count is not None:
            args.append(f"--max-count={max_count}")
        args.append(tip)
        if exclude is not None:
            args.append(f"^{exclude}")
        args.append("--")
        try:
            # git log writes a line or two to stderr at most, so reading it after stdout cannot block
            self._process = subprocess.Popen(args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                             bufsize=0)
        except FileNotFoundError:
            raise GitError("git is not installed or not on PATH") from None
        self._finished = False

    def __enter__(self) -> LogReader:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def blocks(self) -> Iterator[tuple[list[bytes], list[bytes]]]:
        """``(shas, messages)`` block by block, in log order; raises :class:`GitError` if git fails."""
        for columns in self._columns():
            yield columns[0], columns[-1]

    def linear_blocks(self) -> Iterator[tuple[list[bytes], list[bytes], list[bytes], list[bytes]]]:
        """``(shas, parents, commit times, messages)`` block by block, for :meth:`Repository.read_first_parents`
        (``parents`` holds the parent SHAs separated by spaces)."""
        for columns in self._columns():
            yield columns[0], columns[1], columns[2], columns[3]

    def _columns(self) -> Iterator[list[list[bytes]]]:
        stream = self._process.stdout
        assert stream is not None
        try:
            import fcntl  # noqa: PLC0415 - not on Windows

            fcntl.fcntl(stream.fileno(), _F_SETPIPE_SZ, _READ_BLOCK)
        except (ImportError, OSError):
            pass
        width = self._fields
        rest = b""
        received = 0
        while True:
            block = stream.read(_READ_BLOCK)
            if not block:
                break
            received += len(block)
            if len(block) < _SMALL_READ and received > _READ_BLOCK:
                # Reading faster than git writes: wait for a batch rather than wake on every write of
                # git's (each wake-up costs both processes a context switch). Small logs never wait.
                time.sleep(_NAP_SECONDS)
            fields = (rest + block).split(b"\0")
            # every field ends with NUL, so the last item is a partial field; whole records come first
            complete = (len(fields) - 1) // width * width
            rest = b"\0".join(fields[complete:])
            if complete:
                yield [fields[column:complete:width] for column in range(width)]
        if rest.strip(b"\n"):
            fields = rest.split(b"\0")
            if len(fields) >= width:  # a last record without its terminating NUL
                yield [[field] for field in (*fields[:width - 1], b"\0".join(fields[width - 1:]))]
        self._finished = True
        self._check()
    def _check(self) -> None:
        assert self._process.stderr is not None
        errors = self._process.stderr.read()
        code = self._process.wait()
        if code != 0:
            reason = errors.decode("utf-8", "replace").strip().splitlines()
            raise GitError(f"git log failed: {reason[0] if reason else f'exit {code}'}")

    def close(self) -> None:
        """Stop git if it is still running and release the pipe."""
        if not self._finished and self._process.poll() is None:
            self._process.kill()
        for stream in (self._process.stdout, self._process.stderr):
            if stream is not None:
                stream.close()
        self._process.wait()
