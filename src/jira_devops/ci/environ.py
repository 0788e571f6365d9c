"""Reading a CI's environment: empty values are absent, numbers are checked, oddities become notes."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Optional, TypedDict

_SHA = re.compile(r"^[0-9a-fA-F]{7,64}$")


class BaseBranch(TypedDict, total=False):
    """The ``base_branch`` fields of a :class:`~jira_devops.ci.context.CiContext`, to pass as keywords."""

    base_branch: Optional[str]
    base_branch_source: Optional[str]


class Env:
    """A view of an environment mapping that a provider module reads its variables through."""

    def __init__(self, environ: Mapping[str, str]) -> None:
        self.environ = environ
        self.notes: list[str] = []

    def get(self, name: str) -> Optional[str]:
        """The variable's value, stripped; ``None`` when unset or blank."""
        value = self.environ.get(name)
        if value is None:
            return None
        value = value.strip()
        return value or None

    def first(self, *names: str) -> Optional[str]:
        """The value of the first of ``names`` that is set."""
        for name in names:
            value = self.get(name)
            if value is not None:
                return value
        return None

    def number(self, name: str) -> Optional[int]:
        """The variable as a non-negative integer; a note (and ``None``) when it is not one."""
        value = self.get(name)
        if value is None:
            return None
        if not value.isdigit():
            self.note(f"{name} is {value!r}, not a whole number, so it was not used")
            return None
        return int(value)

    def commit(self, name: str) -> Optional[str]:
        """The variable as a commit SHA; ``None`` for unset, all-zero (no commit) or non-SHA values."""
        value = self.get(name)
        if value is None or is_zero_sha(value):
            return None
        if not _SHA.match(value):
            self.note(f"{name} is {value!r}, not a commit SHA, so it was not used")
            return None
        return value

    def source_head(self, commit_var: str, head_var: str, *, run: str = "pull request build",
                    merge: str = "a merge commit", head: str = "the pull request head") -> Optional[str]:
        """The commit to report when the CI built a merge commit (``commit_var``) of a pull request whose
        own head is ``head_var``: the head, with a note saying so; else ``commit_var``."""
        commit = self.commit(commit_var)
        head_sha = self.commit(head_var)
        if head_sha and head_sha != commit:
            self.note(f"{run}: {commit_var} {(commit or '?')[:7]} is {merge}; reporting {head} {head_sha[:7]} "
                      "instead")
            return head_sha
        return commit

    def base_branch(self, name: str, *, current: Optional[str] = None) -> BaseBranch:
        """The ``base_branch`` fields of a :class:`CiContext` from the variable ``name`` (a branch name or
        ``refs/heads/<name>``): empty when unset or when it is the run's own branch ``current``."""
        value = self.get(name)
        branch = split_ref(value)[0] if value and value.startswith("refs/") else value
        if not branch or branch == current:
            return BaseBranch()
        return BaseBranch(base_branch=branch, base_branch_source=name)

    def note(self, text: str) -> None:
        """Remember a warning for the user (shown by ``context`` and after a report)."""
        if text not in self.notes:
            self.notes.append(text)

    def json_file(self, name: str) -> Optional[dict[str, Any]]:
        """The JSON object in the file the variable names; a note and ``None`` if it cannot be read."""
        path = self.get(name)
        if path is None:
            return None
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as error:
            self.note(f"cannot read {name} ({path}): {type(error).__name__}")
            return None
        if not isinstance(data, dict):
            self.note(f"{name} ({path}) does not hold a JSON object")
            return None
        return data


def is_zero_sha(value: str) -> bool:
    """Whether ``value`` is the all-zero SHA CIs use for "no commit" (e.g. a branch's first push)."""
    return bool(value) and set(value) == {"0"}


def split_ref(ref: Optional[str]) -> tuple[Optional[str], Optional[str]]:
    """``(branch, tag)`` from a full ref: ``refs/heads/x`` is branch x, ``refs/tags/v1`` tag v1.

    Any other ref (``refs/pull/7/merge``) gives neither; a short name is taken as a branch.
    """
    if not ref:
        return None, None
    if ref.startswith("refs/heads/"):
        return ref[len("refs/heads/"):] or None, None
    if ref.startswith("refs/tags/"):
        return None, ref[len("refs/tags/"):] or None
    if ref.startswith("refs/"):
        return None, None
    return ref, None


def exit_status_word(code: Optional[str]) -> Optional[str]:
    """A job status word from a shell exit code: ``0`` is success, anything else a failure."""
    if code is None:
        return None
    return "success" if code.strip() == "0" else "failed"


def url_join(base: Optional[str], *parts: str) -> Optional[str]:
    """``base`` with ``parts`` appended as path segments; ``None`` when the base is unknown."""
    if not base:
        return None
    return "/".join([base.rstrip("/"), *(part.strip("/") for part in parts)])
