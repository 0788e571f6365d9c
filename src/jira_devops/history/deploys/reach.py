"""Making a recorded commit usable: present in this clone, and placed relative to HEAD.

A deploy history only gives a commit id. Before the keys of ``base..HEAD`` mean anything, the commit must
be in the clone (CI clones are often shallow and never saw it) and its relation to HEAD must be known:
an ancestor (the usual case), a descendant (a rollback), or neither (history was rewritten, or another
branch was deployed).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from jira_devops.errors import GitError
from jira_devops.history.git import run_git, try_git

FIRST_DEEPEN_STEP = 50

SAME = "same"
ANCESTOR = "ancestor"
ROLLBACK = "rollback"
DIVERGED = "diverged"
UNRELATED = "unrelated"
UNREACHED = "unreached"


@dataclass(frozen=True)
class Relation:
    """How a recorded commit relates to HEAD.

    ``kind`` is one of ``same``, ``ancestor`` (HEAD descends from it), ``rollback`` (it descends from
    HEAD), ``diverged`` (neither; ``merge_base`` is their newest common ancestor), ``unrelated`` (no
    common history) or ``unreached`` (a shallow clone could not be deepened far enough to tell).
    ``deepened`` counts the commits of history fetched to find out.
    """

    kind: str
    merge_base: Optional[str] = None
    deepened: int = 0


def resolve_commit(repo: Path, rev: str) -> Optional[str]:
    """The full id of the commit ``rev`` names, or ``None`` when this clone does not have it."""
    if rev.startswith("-"):
        return None
    return try_git(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], repo)


def is_shallow(repo: Path) -> bool:
    """Whether the clone is shallow (its history is cut off below some commits)."""
    return try_git(["rev-parse", "--is-shallow-repository"], repo) == "true"


def is_ancestor(repo: Path, older: str, newer: str) -> bool:
    """Whether ``older`` is reachable from ``newer`` in the history this clone has."""
    try:
        run_git(["merge-base", "--is-ancestor", older, newer], repo)
    except GitError:
        return False
    return True


def remote_exists(repo: Path, remote: str) -> bool:
    """Whether the clone has a remote of that name."""
    return try_git(["remote", "get-url", "--", remote], repo) is not None


def fetch_commit(repo: Path, remote: str, source: str, destination: Optional[str] = None) -> Optional[str]:
    """Fetch ``source`` (a commit id or a remote ref) from ``remote``; the error line when it fails.

    A shallow clone fetches the commit alone (``--depth=1``): its history is fetched later only as far
    as needed. A full clone fetches what it lacks. ``destination`` stores the result under that ref.
    """
    args = ["fetch", "--no-tags", "--quiet"]
    if is_shallow(repo):
        args.append("--depth=1")
    spec = f"+{source}:{destination}" if destination else source
    try:
        run_git([*args, remote, spec], repo)
    except GitError as error:
        return error.message
    return None


def history_length(repo: Path, tip: str) -> int:
    """How many commits of ``tip``'s history this clone has."""
    return int(try_git(["rev-list", "--count", tip], repo) or 0)


def deepen_history(repo: Path, remote: str, tip: str, depth: int) -> bool:
    """Fetch ``tip``'s history down to ``depth`` commits (a shallow clone only); whether git managed to.

    ``--depth`` on the one commit, unlike ``--deepen``, leaves the other shallow boundaries alone: deepening
    HEAD does not also drag in the history below a commit fetched on its own.
    """
    # Servers that refuse requests for a commit id still deepen the branches they advertise.
    for targets in ([remote, tip], [remote]):
        try:
            run_git(["fetch", "--no-tags", "--quiet", f"--depth={depth}", *targets], repo)
        except GitError:
            continue
        return True
    return False


class _Deepener:
    """Grows one tip's history in doubling steps, counting what was fetched, until it stops growing."""

    def __init__(self, repo: Path, remote: str, tip: str) -> None:
        self.repo, self.remote, self.tip = repo, remote, tip
        self.length = history_length(repo, tip)
        self.exhausted = False

    def grow(self, by: int) -> int:
        """Fetch about ``by`` more commits; how many arrived (0 marks the tip as fully fetched)."""
        before = self.length
        if by > 0 and deepen_history(self.repo, self.remote, self.tip, before + by):
            self.length = history_length(self.repo, self.tip)
        if self.length <= before:
            self.exhausted = True
        return max(0, self.length - before)


def relate(repo: Path, remote: Optional[str], base: str, head: str, *, deepen: bool = True,
           limit: int = 5000) -> Relation:
    """Place ``base`` relative to ``head``, deepening a shallow clone (at most ``limit`` commits) to tell.

    HEAD's history grows first (the usual case: the base is a little way below HEAD). The base's own
    history grows by one step at the start, which finds short rollbacks cheaply, and further only once
    HEAD's history is used up.
    """
    if base == head:
        return Relation(SAME)
    fetched = 0
    step = FIRST_DEEPEN_STEP
    below_head = below_base = None
    while True:
        if is_ancestor(repo, base, head):
            return Relation(ANCESTOR, base, fetched)
        if is_ancestor(repo, head, base):
            return Relation(ROLLBACK, head, fetched)
        shallow = is_shallow(repo)
        if not shallow or not deepen or remote is None or fetched >= limit:
            break
        if below_head is None or below_base is None:
            below_head, below_base = _Deepener(repo, remote, head), _Deepener(repo, remote, base)
            fetched += below_base.grow(min(step, limit - fetched))
        side = below_head if not below_head.exhausted else below_base
        if side.exhausted:
            break
        fetched += side.grow(min(step, limit - fetched))
        step *= 2
    merge_base = try_git(["merge-base", base, head], repo)
    if shallow:
        return Relation(UNREACHED, merge_base, fetched)
    if merge_base:
        return Relation(DIVERGED, merge_base, fetched)
    return Relation(UNRELATED, None, fetched)
