"""Asking before doing something that cannot be undone."""

from __future__ import annotations

import sys
from typing import Optional, TextIO

from jira_devops.errors import UsageError


def confirm(what: str, *, yes: bool, stdin: Optional[TextIO] = None, err: Optional[TextIO] = None) -> None:
    """Go on deleting ``what`` when ``yes`` or the user answers y at a terminal; else a :class:`UsageError`.

    Without a terminal nobody can answer, so ``--yes`` is required rather than assumed.
    """
    if yes:
        return
    source = stdin or sys.stdin
    target = err or sys.stderr
    if not source.isatty():
        raise UsageError(f"not deleting {what} without --yes (there is no terminal to ask)")
    print(f"delete {what} from Jira? [y/N] ", end="", file=target, flush=True)
    answer = source.readline().strip().lower()
    if answer not in ("y", "yes"):
        raise UsageError(f"not deleting {what}: not confirmed")
