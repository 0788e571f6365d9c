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
from jira_devops.git import run_git, try_git

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


def deepen_history(repo: Path, remote: str, head: str, by: int) -> bool:
    """Fetch ``by`` more commits of history below the shallow boundary; whether git managed to."""
    # Ask for HEAD's own history first (CI clones often fetch a single commit, not a branch); servers
    # that refuse requests for a commit id still deepen the branches they advertise.
    for targets in ([remote, head], [remote]):
        try:
            run_git(["fetch", "--no-tags", "--quiet", f"--deepen={by}", *targets], repo)
        except GitError:
            continue
        return True
    return False


def relate(repo: Path, remote: Optional[str], base: str, head: str, *, deepen: bool = True,
           limit: int = 5000) -> Relation:
    """Place ``base`` relative to ``head``, deepening a shallow clone (at most ``limit`` commits) to tell."""
    if base == head:
        return Relation(SAME)
    fetched = 0
    step = FIRST_DEEPEN_STEP
    while True:
        if is_ancestor(repo, base, head):
            return Relation(ANCESTOR, base, fetched)
        if is_ancestor(repo, head, base):
            return Relation(ROLLBACK, head, fetched)
        shallow = is_shallow(repo)
        if not shallow or not deepen or remote is None or fetched >= limit:
            break
        by = min(step, limit - fetched)
        if not deepen_history(repo, remote, head, by):
            break
        fetched += by
        step *= 2
    merge_base = try_git(["merge-base", base, head], repo)
    if shallow:
        return Relation(UNREACHED, merge_base, fetched)
    if merge_base:
        return Relation(DIVERGED, merge_base, fetched)
    return Relation(UNRELATED, None, fetched)
