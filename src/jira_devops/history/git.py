"""Git, behind one module: every git process jira-devops starts is started here, through GitPython.

- **One environment** for every git child (:func:`child_environment`): git never stops to ask for
  credentials on a terminal (``GIT_TERMINAL_PROMPT=0``; a CI job would hang), and no secret in our own
  environment (``JIRA_CLIENT_SECRET``, ``GITHUB_TOKEN``, any ``*_TOKEN``, ``*SECRET*``, ``*PASSWORD*``, ...)
  is handed down to git or the programs it starts. GitPython builds a child's environment from ours and
  can only add to it, so those variables reach git empty.
- **One set of config overrides** (:data:`SAFE_CONFIG`), given with ``-c`` to every command, so that a
  hostile checkout (a ``.git/config`` we did not write: a restored cache, a workspace an earlier step
  prepared) cannot make git run a program for us: ``core.fsmonitor=false`` (a configured fsmonitor is a
  command git runs whenever it looks at the index), ``core.hooksPath`` pointed at a path holding no hooks
  (``reference-transaction`` runs on update-ref, fetch and push; ``pre-push`` on push), and
  ``protocol.ext.allow=never`` (an ``ext::`` remote URL is a command line git runs to "connect").
- Failures become :class:`GitError` with git's own first error line, credentials in URLs blanked.
- The streamed ``git log`` of the key engine runs through GitPython's process interface
  (``Git.execute(..., as_process=True)``) and is read in large blocks (:class:`LogReader`).
- One deepening algorithm for shallow clones (:meth:`Repository.deepen_until`), used by commit ranges and
  the deploy history alike.

GitPython is imported on first use, so ``--version`` and ``--help`` do not pay for it.
"""

from __future__ import annotations

import os
import re
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Optional, Union

from jira_devops.errors import GitError

if TYPE_CHECKING:
    import git as gitpython

GIT_TIMEOUT_SECONDS = 120.0
NETWORK_TIMEOUT_SECONDS = GIT_TIMEOUT_SECONDS * 5
FIRST_DEEPEN_STEP = 64
NOT_INSTALLED_HINT = "install git, or pass --issue-key"

# ``-c`` overrides on every git command; see the module docstring for what each one guards against.
SAFE_CONFIG: tuple[str, ...] = (
    "core.fsmonitor=false",
    f"core.hooksPath={os.devnull}",
    "protocol.ext.allow=never",
    "log.showSignature=false",
)
_SECRET_NAME = re.compile(r"SECRET|TOKEN|PASSWORD|PASSWD|CREDENTIAL|API_?KEY|PRIVATE_?KEY", re.IGNORECASE)
_URL_CREDENTIALS = re.compile(r"://[^/@\s]+@")


def is_secret_name(name: str) -> bool:
    """Whether an environment variable of this name holds a secret git must not see."""
    return bool(_SECRET_NAME.search(name))


def child_environment(environ: Optional[Mapping[str, str]] = None) -> dict[str, str]:
    """What every git child gets on top of our environment: no prompts, and every secret blanked."""
    source = os.environ if environ is None else environ
    overlay = {name: "" for name in source if is_secret_name(name)}
    overlay["GIT_TERMINAL_PROMPT"] = "0"
    return overlay


def _without_credentials(text: str) -> str:
    """Git's message with any ``user:password@`` in URLs blanked out."""
    return _URL_CREDENTIALS.sub("://***@", text)


def _gitpython() -> object:
    """Import GitPython (which refuses to import when no git executable can be found)."""
    try:
        import git  # noqa: PLC0415 - imported on first use: start-up stays fast
    except ImportError:
        raise GitError("git is not installed or not on PATH", hint=NOT_INSTALLED_HINT) from None
    return git


def _new_git(cwd: Union[str, Path, None]) -> gitpython.Git:
    """A GitPython command runner for ``cwd`` with our environment and config overrides."""
    _gitpython()
    from git import Git  # noqa: PLC0415

    runner = Git(cwd)
    _harden(runner)
    return runner


def _harden(runner: gitpython.Git) -> None:
    runner.update_environment(**child_environment())
    runner.set_persistent_git_options(c=list(SAFE_CONFIG))


def _command(args: Sequence[str]) -> list[str]:
    """The full command line: the git GitPython found, our ``-c`` overrides, then ``args``."""
    from git import Git  # noqa: PLC0415

    overrides = [part for setting in SAFE_CONFIG for part in ("-c", setting)]
    return [str(Git.GIT_PYTHON_GIT_EXECUTABLE or "git"), *overrides, *args]


def _run(runner: gitpython.Git, args: Sequence[str], *, timeout: float) -> str:
    """``git ARGS`` through ``runner``: its standard output (decoded leniently, final newline stripped)."""
    from git.exc import GitCommandNotFound  # noqa: PLC0415

    limit = None if sys.platform == "win32" else timeout  # GitPython cannot kill after a timeout on Windows
    try:
        status, out, err = runner.execute(_command(args), with_extended_output=True, with_exceptions=False,
                                          stdout_as_string=False, kill_after_timeout=limit)
    except GitCommandNotFound:
        raise GitError("git is not installed or not on PATH", hint=NOT_INSTALLED_HINT) from None
    error_text = str(err)
    if status != 0:
        if error_text.startswith("Timeout:"):
            raise GitError(f"git {args[0]} took longer than {timeout:.0f}s")
        reason = error_text.strip().splitlines()
        first = _without_credentials(reason[0]) if reason else f"exit {status}"
        raise GitError(f"git {args[0]} failed: {first}")
    return out.decode("utf-8", "replace").rstrip("\n")


def run_git(args: Sequence[str], cwd: Union[str, Path], *, timeout: float = GIT_TIMEOUT_SECONDS) -> str:
    """Run ``git ARGS`` in ``cwd`` and return its standard output; raise :class:`GitError` with git's
    own first error line when it fails. For work outside an open :class:`Repository`."""
    return _run(_new_git(cwd), args, timeout=timeout)


def valid_ref_name(ref: str) -> bool:
    """Whether git accepts ``ref`` as a full ref name (``git check-ref-format``)."""
    if ref.startswith("-") or any(ch.isspace() for ch in ref):
        return False
    try:
        run_git(["check-ref-format", ref], ".")
    except GitError:
        return False
    return True


class NotARepositoryError(GitError):
    """The folder is not inside a git repository (or git is missing)."""


@dataclass(frozen=True)
class Deepening:
    """What :meth:`Repository.deepen_until` did: commits of history fetched, and why it stopped short."""

    fetched: int = 0
    failure: Optional[str] = None


class Repository:
    """A git repository on disk (a GitPython ``Repo``), and every question jira-devops asks of it."""

    def __init__(self, repo: gitpython.Repo, path: Path, git_dir: str) -> None:
        self._repo = repo
        self.path = path
        self.git_dir = git_dir
        self._asked: dict[tuple[str, ...], Optional[str]] = {}

    @classmethod
    def open(cls, path: Union[str, Path]) -> Repository:
        """The repository containing ``path``; :class:`NotARepositoryError` when there is none."""
        folder = Path(path)
        if not folder.is_dir():
            raise NotARepositoryError(f"{folder} is not a folder", hint="fix --repo")
        not_here = NotARepositoryError(f"{folder.resolve()} is not inside a git repository",
                                       hint="run in the checkout or pass --repo")
        try:
            _gitpython()
        except GitError as error:
            raise NotARepositoryError(error.message, hint=error.hint) from None
        from git import Repo  # noqa: PLC0415
        from git.exc import InvalidGitRepositoryError, NoSuchPathError  # noqa: PLC0415

        try:
            repo = Repo(folder, search_parent_directories=True)
        except (InvalidGitRepositoryError, NoSuchPathError):
            raise not_here from None
        _harden(repo.git)
        try:
            # git itself must agree (it refuses, e.g., a repository owned by someone else)
            git_dir = _run(repo.git, ["rev-parse", "--absolute-git-dir"], timeout=30)
        except GitError as error:
            if "not installed" in error.message:
                raise NotARepositoryError(error.message, hint=error.hint) from None
            raise not_here from None
        return cls(repo, folder, git_dir)

    @classmethod
    def find(cls, path: Union[str, Path]) -> Optional[Repository]:
        """The repository containing ``path``, or ``None`` when there is none."""
        try:
            return cls.open(path)
        except NotARepositoryError:
            return None

    # --- running git ---------------------------------------------------------------------------------

    def run(self, *args: str, timeout: float = GIT_TIMEOUT_SECONDS) -> str:
        """``git ARGS`` in this repository: its output; :class:`GitError` when it fails."""
        return _run(self._repo.git, args, timeout=timeout)

    def _try(self, *args: str) -> Optional[str]:
        """Like :meth:`run`, but ``None`` when git fails or prints nothing (for facts that may be absent)."""
        try:
            text = self.run(*args).strip()
        except GitError:
            return None
        return text or None

    def _once(self, *args: str) -> Optional[str]:
        """A fact that cannot change during one run (the top level, the branch), asked of git once."""
        if args not in self._asked:
            self._asked[args] = self._try(*args)
        return self._asked[args]

    # --- facts ---------------------------------------------------------------------------------------

    def top_level(self) -> Optional[Path]:
        """The root of the working tree; ``None`` in a bare repository."""
        top = self._repo.working_tree_dir
        return Path(top) if top else None

    def remote_url(self, name: str) -> Optional[str]:
        """The URL of the remote ``name``, if there is one."""
        return self._once("remote", "get-url", "--", name)

    def has_remote(self, name: str) -> bool:
        """Whether the repository has a remote of that name."""
        return any(remote.name == name for remote in self._repo.remotes)

    def resolve_commit(self, rev: str) -> Optional[str]:
        """The full SHA of the commit ``rev`` names, or ``None`` when there is no such commit here."""
        if not rev or rev.startswith("-"):
            return None
        # revisions starting with "-" are refused above, so no --end-of-options (git >= 2.30) is needed
        return self._try("rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")

    def head(self) -> Optional[str]:
        """HEAD's SHA; ``None`` in a repository without commits."""
        return self._once("rev-parse", "--verify", "--quiet", "HEAD^{commit}")

    def branch(self) -> Optional[str]:
        """The checked-out branch; ``None`` on a detached HEAD."""
        head = self._repo.head
        if head.is_detached:
            return None
        return str(head.reference.name)

    def is_shallow(self) -> bool:
        """Whether this is a shallow clone (part of the history is missing on purpose)."""
        return Path(self._repo.common_dir, "shallow").is_file()

    def is_ancestor(self, ancestor: str, descendant: str) -> bool:
        """Whether ``ancestor`` is reachable from ``descendant`` (a commit is its own ancestor)."""
        try:
            self.run("merge-base", "--is-ancestor", ancestor, descendant)
        except GitError:
            return False
        return True

    def merge_base(self, one: str, other: str) -> Optional[str]:
        """The newest common ancestor of two commits, in the history this clone has."""
        return self._try("merge-base", one, other)

    def newest_tag(self, pattern: str, before: str) -> Optional[str]:
        """The nearest tag matching the glob ``pattern`` reachable from ``before`` (``git describe``)."""
        return self._try("describe", "--tags", "--abbrev=0", f"--match={pattern}", before)

    def tag_message(self, name: str) -> Optional[str]:
        """The message of the annotated tag ``name`` (its signature left out); ``None`` for a lightweight
        tag or no such tag here."""
        ref = f"refs/tags/{name}"
        if not valid_ref_name(ref):
            return None
        kind = self._try("for-each-ref", "--format=%(objecttype)", ref)
        if kind != "tag":
            return None
        return self._try("for-each-ref", "--format=%(contents:subject)%0a%0a%(contents:body)", ref)

    def has_ref(self, ref: str) -> bool:
        """Whether ``ref`` (a full ref name) exists in this clone."""
        return bool(self._try("for-each-ref", "--format=%(refname)", ref))

    def commit_time(self, sha: str) -> Optional[int]:
        """The committer time of ``sha`` (seconds since the epoch)."""
        text = self._try("show", "-s", "--format=%ct", sha, "--")
        return int(text) if text and text.isdigit() else None

    def parent(self, sha: str) -> Optional[str]:
        """The first parent of ``sha``; ``None`` for a root commit (or the edge of a shallow clone)."""
        return self.resolve_commit(f"{sha}^1")

    def history_length(self, tip: str) -> int:
        """How many commits of ``tip``'s history this clone has."""
        return int(self._try("rev-list", "--count", tip) or 0)

    # --- refs and remotes ----------------------------------------------------------------------------

    def remote_ref(self, remote: str, ref: str) -> Optional[str]:
        """The commit the ref ``ref`` names on ``remote`` (``git ls-remote``); ``None`` when it has none."""
        listing = self.run("ls-remote", "--", remote, ref, timeout=NETWORK_TIMEOUT_SECONDS)
        return next((line.split("\t", 1)[0] for line in listing.splitlines()
                     if line.partition("\t")[2].strip() == ref), None)

    def update_ref(self, ref: str, sha: str) -> None:
        """Point ``ref`` at ``sha`` in this clone."""
        self.run("update-ref", ref, sha)

    def push(self, remote: str, refspec: str) -> None:
        """Push ``refspec`` to ``remote`` (hooks never run: see :data:`SAFE_CONFIG`)."""
        self.run("push", "--quiet", "--no-verify", remote, refspec, timeout=NETWORK_TIMEOUT_SECONDS / 10)

    def fetch(self, remote: str, source: str, destination: Optional[str] = None) -> Optional[str]:
        """Fetch ``source`` (a commit id or a remote ref) from ``remote``; the error line when it fails.

        A shallow clone fetches the commit alone (``--depth=1``): its history is fetched later only as far
        as needed. A full clone fetches what it lacks. ``destination`` stores the result under that ref.
        """
        args = ["fetch", "--no-tags", "--quiet"]
        if self.is_shallow():
            args.append("--depth=1")
        spec = f"+{source}:{destination}" if destination else source
        try:
            self.run(*args, remote, spec, timeout=NETWORK_TIMEOUT_SECONDS)
        except GitError as error:
            return error.message
        return None

    def deepen_to(self, remote: str, tip: str, depth: int) -> Optional[str]:
        """Fetch ``tip``'s history down to ``depth`` commits; the error line when git could not.

        ``--depth`` on the one commit, unlike ``--deepen``, leaves the other shallow boundaries alone:
        deepening HEAD does not also drag in the history below a commit fetched on its own.
        """
        failure = None
        # Servers that refuse requests for a commit id still deepen the branches they advertise.
        for targets in ((remote, tip), (remote,)):
            try:
                self.run("fetch", "--no-tags", "--quiet", f"--depth={depth}", *targets,
                         timeout=NETWORK_TIMEOUT_SECONDS)
            except GitError as error:
                failure = failure or error.message
                continue
            return None
        return failure

    def deepen_until(self, remote: str, tips: Sequence[str], reached: Callable[[], bool], *,
                     limit: int) -> Deepening:
        """Deepen a shallow clone below ``tips`` until ``reached()``, at most ``limit`` commits in all.

        The history below the first tip grows in doubling steps (64, 128, ...). Every other tip grows one
        step at the start (which finds, e.g., a short rollback cheaply) and further only once the tips
        before it are fully fetched. Stops when ``reached()``, when nothing more arrives, when the clone
        is no longer shallow, or at ``limit``; a failed fetch (no network, no such remote) stops it too
        and is reported, never raised.
        """
        sides = [_Side(self, remote, tip) for tip in tips]
        fetched = 0
        step = FIRST_DEEPEN_STEP
        started = False
        while not reached() and fetched < limit and self.is_shallow():
            if not started:
                started = True
                for side in sides[1:]:
                    fetched += side.grow(min(step, limit - fetched))
                if sides[1:] and (reached() or fetched >= limit):
                    break
            growing = next((side for side in sides if not side.exhausted), None)
            if growing is None:
                break
            fetched += growing.grow(min(step, limit - fetched))
            step *= 2
        failure = next((side.failure for side in sides if side.failure), None)
        return Deepening(fetched, failure)

    # --- reading the log -----------------------------------------------------------------------------

    def read_log(self, tip: str, *, exclude: Optional[str] = None,
                 max_count: Optional[int] = None) -> LogReader:
        """Start one ``git log`` over the commits reachable from ``tip`` and not from ``exclude``
        (newest first, merge commits included); read it with :meth:`LogReader.blocks`."""
        return LogReader(self._repo.git, tip, exclude=exclude, max_count=max_count)

    def read_first_parents(self, tip: str, *, max_count: Optional[int] = None) -> LogReader:
        """Start one ``git log --first-parent`` from ``tip`` whose blocks also carry each commit's parents
        and commit time (:meth:`LogReader.linear_blocks`). Without a commit to exclude, git prints as it
        walks instead of walking everything first."""
        return LogReader(self._repo.git, tip, max_count=max_count, first_parent=True)


    def read_commit_details(self, revisions: Sequence[str], *, max_count: Optional[int] = None
                            ) -> Iterator[CommitDetails]:
        """The commits ``git log REVISIONS`` lists (``["TIP", "^BASE"]``, ``["NEW", "--not", "--branches"]``),
        newest first, each with its author, time, parents and changed-file count, streamed from one git
        process so memory stays flat however long the range is."""
        args = ["--encoding=UTF-8", _DETAILS_FORMAT, "--shortstat"]
        if max_count is not None:
            args.append(f"--max-count={max_count}")
        for revision in revisions:
            if revision.startswith("-") and revision not in _REVISION_OPTIONS and \
                    not revision.startswith(_REVISION_OPTION_PREFIXES):
                raise GitError(f"refusing the git log argument {revision!r}")
        yield from _stream_details(self._repo.git, [*args, *revisions, "--"])


@dataclass(frozen=True)
class CommitDetails:
    """One commit as the development panel shows it."""

    sha: str
    parents: tuple[str, ...]
    author_name: str
    author_email: str
    author_time: str  # ISO 8601, with the author's offset
    message: str
    file_count: int

    @property
    def is_merge(self) -> bool:
        """Whether the commit has more than one parent."""
        return len(self.parents) > 1


# One record per commit: a record separator, NUL-separated fields, then what --shortstat prints.
_DETAILS_FORMAT = "--format=%x1e%H%x00%P%x00%an%x00%ae%x00%aI%x00%B%x00"
_REVISION_OPTIONS = frozenset({"--not", "--branches", "--tags", "--all"})
_REVISION_OPTION_PREFIXES = ("--exclude=",)
_FILES_CHANGED = re.compile(rb"(\d+) files? changed")


def _stream_details(runner: gitpython.Git, args: list[str]) -> Iterator[CommitDetails]:
    from git.exc import GitCommandNotFound  # noqa: PLC0415

    try:
        handle = runner.log(*args, as_process=True)
    except GitCommandNotFound:
        raise GitError("git is not installed or not on PATH", hint=NOT_INSTALLED_HINT) from None
    process = handle.proc
    assert process is not None and process.stdout is not None and process.stderr is not None
    finished = False
    try:
        rest = b""
        while True:
            block = os.read(process.stdout.fileno(), _READ_BLOCK)
            if not block:
                break
            records = (rest + block).split(b"\x1e")
            rest = records.pop()
            for record in records:
                if record.strip():
                    yield _commit_details(record)
        if rest.strip():
            yield _commit_details(rest)
        finished = True
        errors = process.stderr.read()
        code = process.wait()
        if code != 0:
            reason = errors.decode("utf-8", "replace").strip().splitlines()
            raise GitError(f"git log failed: {reason[0] if reason else f'exit {code}'}")
    finally:
        if not finished and process.poll() is None:
            process.kill()
        process.stdout.close()
        process.stderr.close()
        process.wait()


def _commit_details(record: bytes) -> CommitDetails:
    sha, parents, name, email, when, message, stat = (record.split(b"\0", 6) + [b""] * 7)[:7]
    counted = _FILES_CHANGED.search(stat)

    def text(value: bytes) -> str:
        return value.decode("utf-8", "replace")

    return CommitDetails(sha=text(sha), parents=tuple(text(parents).split()), author_name=text(name),
                         author_email=text(email), author_time=text(when), message=text(message).strip(),
                         file_count=int(counted.group(1)) if counted else 0)


class _Side:
    """The history below one tip, grown by :meth:`Repository.deepen_until` and counted as it arrives."""

    def __init__(self, repo: Repository, remote: str, tip: str) -> None:
        self.repo, self.remote, self.tip = repo, remote, tip
        self.length = repo.history_length(tip)
        self.exhausted = False
        self.failure: Optional[str] = None

    def grow(self, by: int) -> int:
        """Fetch about ``by`` more commits; how many arrived (none marks the tip as fully fetched)."""
        before = self.length
        if by > 0 and not self.exhausted:
            self.failure = self.repo.deepen_to(self.remote, self.tip, before + by)
            if self.failure is None:
                self.length = self.repo.history_length(self.tip)
        if self.length <= before:
            self.exhausted = True
        return max(0, self.length - before)


# Reading the log: one `git log` process for the whole range, its output read in large blocks and split
# at the NUL bytes `-z` puts between fields, so memory stays flat however many commits there are.
_LOG_FORMAT = "--format=%H%x00%B"
_LINEAR_FORMAT = "--format=%H%x00%P%x00%ct%x00%B"
_READ_BLOCK = 1 << 20
_SMALL_READ = 1 << 16
_NAP_SECONDS = 0.005
_F_SETPIPE_SZ = 1031  # Linux fcntl; a bigger pipe means fewer context switches with git


class LogReader:
    """One running ``git log -z``, read in large blocks and split at the NUL bytes between fields.

    Git starts at once, so the caller can do other work while git walks the history (for a range,
    git walks it all before printing anything). Messages are bytes: git re-encodes commits that
    declare an encoding to UTF-8, others come as they were written. Closing early stops git.
    """

    def __init__(self, runner: gitpython.Git, tip: str, *, exclude: Optional[str] = None,
                 max_count: Optional[int] = None, first_parent: bool = False) -> None:
        from git.exc import GitCommandNotFound  # noqa: PLC0415

        self._fields = 4 if first_parent else 2
        args = ["-z", "--encoding=UTF-8", _LINEAR_FORMAT if first_parent else _LOG_FORMAT]
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
            self._handle = runner.log(*args, as_process=True)
        except GitCommandNotFound:
            raise GitError("git is not installed or not on PATH", hint=NOT_INSTALLED_HINT) from None
        self._process = self._handle.proc
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
        assert self._process is not None and self._process.stdout is not None
        # read from the pipe itself, as the bytes arrive (the buffered reader would wait to fill its buffer)
        descriptor = self._process.stdout.fileno()
        try:
            import fcntl  # noqa: PLC0415 - not on Windows

            fcntl.fcntl(descriptor, _F_SETPIPE_SZ, _READ_BLOCK)
        except (ImportError, OSError):
            pass
        width = self._fields
        rest = b""
        received = 0
        while True:
            block = os.read(descriptor, _READ_BLOCK)
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
        assert self._process is not None and self._process.stderr is not None
        errors = self._process.stderr.read()
        code = self._process.wait()
        if code != 0:
            reason = errors.decode("utf-8", "replace").strip().splitlines()
            raise GitError(f"git log failed: {reason[0] if reason else f'exit {code}'}")

    def close(self) -> None:
        """Stop git if it is still running and release the pipe."""
        process = self._process
        if process is None:
            return
        if not self._finished and process.poll() is None:
            process.kill()
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()
        process.wait()
