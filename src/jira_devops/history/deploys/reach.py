"""Making a recorded commit usable: present in this clone, and placed relative to HEAD.

A deploy history only gives a commit id. Before the keys of ``base..HEAD`` mean anything, the commit must
be in the clone (CI clones are often shallow and never saw it) and its relation to HEAD must be known:
an ancestor (the usual case), a descendant (a rollback), or neither (history was rewritten, or another
branch was deployed).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Optional

from jira_devops.history.git import Repository

Placement = Literal["same", "ancestor", "rollback", "diverged", "unrelated", "unreached"]
SAME: Placement = "same"
ANCESTOR: Placement = "ancestor"
ROLLBACK: Placement = "rollback"
DIVERGED: Placement = "diverged"
UNRELATED: Placement = "unrelated"
UNREACHED: Placement = "unreached"


@dataclass(frozen=True)
class Relation:
    """How a recorded commit relates to HEAD.

    ``placement`` is one of ``same``, ``ancestor`` (HEAD descends from it), ``rollback`` (it descends from
    HEAD), ``diverged`` (neither; ``merge_base`` is their newest common ancestor), ``unrelated`` (no
    common history) or ``unreached`` (a shallow clone could not be deepened far enough to tell).
    ``deepened`` counts the commits of history fetched to find out.
    """

    placement: Placement
    merge_base: Optional[str] = None
    deepened: int = 0


def relate(repo: Repository, remote: Optional[str], base: str, head: str, *, deepen: bool,
           limit: int) -> Relation:
    """Place ``base`` relative to ``head``, deepening a shallow clone (at most ``limit`` commits) to tell.

    HEAD's history grows first (the usual case: the base is a little way below HEAD); the base's own
    history grows one step at the start, which finds short rollbacks cheaply (see
    :meth:`Repository.deepen_until`).
    """
    if base == head:
        return Relation(SAME)

    def placed() -> bool:
        return repo.is_ancestor(base, head) or repo.is_ancestor(head, base)

    fetched = 0
    if deepen and remote is not None and not placed() and repo.is_shallow():
        fetched = repo.deepen_until(remote, [head, base], placed, limit=limit).fetched
    if repo.is_ancestor(base, head):
        return Relation(ANCESTOR, base, fetched)
    if repo.is_ancestor(head, base):
        return Relation(ROLLBACK, head, fetched)
    merge_base = repo.merge_base(base, head)
    if repo.is_shallow():
        return Relation(UNREACHED, merge_base, fetched)
    if merge_base:
        return Relation(DIVERGED, merge_base, fetched)
    return Relation(UNRELATED, None, fetched)
