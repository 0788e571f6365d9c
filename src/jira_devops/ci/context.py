"""The CI context: what the CI a command runs in says about the run, in one provider-neutral shape."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Optional


@dataclass(frozen=True)
class CiContext:
    """What a CI provider's environment tells us about the current run.

    Every field is optional: a provider fills what it knows, and explicit settings always win over it.
    Identities are stable across runs: ``pipeline_id`` never contains a run id. ``commit`` is the commit
    the change is about (for a pull request its head, not a merge commit the CI made), and
    ``previous_commit`` the CI's "previous successful" or "before" commit when it knows one.
    ``pr_base_commit`` is, for a pull/merge request run, the commit the request is based on (its target
    branch's head or the merge base): the request's own commits are those not reachable from it.
    ``detected_by`` names the variable that identified the provider; ``notes`` are warnings to show.
    """

    provider: str = "generic"
    provider_name: str = "no CI detected"
    pipeline_id: Optional[str] = None
    pipeline_name: Optional[str] = None
    pipeline_url: Optional[str] = None
    run_url: Optional[str] = None
    run_number: Optional[int] = None
    attempt: Optional[int] = None
    branch: Optional[str] = None
    tag: Optional[str] = None
    commit: Optional[str] = None
    previous_commit: Optional[str] = None
    pr_base_commit: Optional[str] = None
    base_branch: Optional[str] = None
    base_branch_source: Optional[str] = None
    pr_number: Optional[str] = None
    pr_title: Optional[str] = None
    repository_url: Optional[str] = None
    job_status: Optional[str] = None
    environment_name: Optional[str] = None
    detected_by: Optional[str] = None
    notes: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """The context as a JSON-ready dict with camelCase keys, like every other ``--json`` output."""
        data = {_camel(name): value for name, value in asdict(self).items()}
        data["notes"] = list(self.notes)
        return data


def _camel(name: str) -> str:
    """``provider_name`` -> ``providerName``."""
    first, *rest = name.split("_")
    return first + "".join(part.capitalize() for part in rest)
