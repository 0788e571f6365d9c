"""The git ref marker: the commit an environment last received, kept as a ref in the repository itself.

After a successful deployment the deployed commit is written to ``refs/jira-devops/deploys/<environment-id>``
and pushed to the remote; the next run reads just that ref. No server of ours and no CI feature is
needed, only push access for the job's git credentials.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field
from typing import Optional

from jira_devops.errors import GitError, UsageError
from jira_devops.history.git import Repository, valid_ref_name
from jira_devops.settings import DEFAULT_DEPLOY_REF_PREFIX

# What to grant so that a CI job may push the marker, by CI provider (see jira_devops.ci).
_PUSH_PERMISSION = {
    "github": "give the workflow job `permissions: contents: write` (GITHUB_TOKEN is read-only by default)",
    "gitlab": "CI_JOB_TOKEN cannot push; check out with a deploy key or a project access token that has "
              "`write_repository`",
    "jenkins": "the credentials the job checks out with need write (push) access to the repository",
    "bitbucket": "give the pipeline's SSH key or access token write access to the repository",
    "azure": "allow the build service identity 'Contribute' and 'Create branch' on the repository",
}
_GENERIC_PERMISSION = "the job's git credentials need push (write) access to the remote"


@dataclass(frozen=True)
class Marker:
    """What the remote (or, failing that, this clone) says an environment last received."""

    sha: Optional[str]
    where: str
    warnings: list[str] = field(default_factory=list)


def marker_ref(prefix: Optional[str], environment_id: str) -> str:
    """The marker's full ref name; a :class:`UsageError` when the prefix or the ID cannot form one."""
    base = (prefix or DEFAULT_DEPLOY_REF_PREFIX).rstrip("/")
    if not base.startswith("refs/"):
        raise UsageError(f"deploy marker prefix {base!r} must start with 'refs/'",
                         hint=f"use e.g. --ref-prefix {DEFAULT_DEPLOY_REF_PREFIX}")
    leaf = environment_id.strip()
    if not valid_ref_name(f"{base}/{leaf}"):
        # IDs are free text in Jira; fold characters git refuses so the same ID always maps to one ref.
        leaf = re.sub(r"[^A-Za-z0-9._-]+", "-", leaf).strip("-.") or "default"
        leaf = re.sub(r"\.{2,}", ".", leaf)
        if leaf.endswith(".lock"):
            leaf = leaf[: -len(".lock")] + "-lock"
    ref = f"{base}/{leaf}"
    if not valid_ref_name(ref):
        raise UsageError(f"{ref!r} is not a valid git ref name", hint="fix --ref-prefix")
    return ref


def read_marker(repo: Repository, remote: str, ref: str) -> Marker:
    """The commit the marker ``ref`` names on ``remote``, fetched into this clone.

    Only that one ref is asked for. When the remote cannot be read, or the clone has no such remote,
    the clone's own copy of the ref is used (with a warning in the first case).
    """
    local_where = f"git ref {ref} in this clone"
    if not repo.has_remote(remote):
        return Marker(repo.resolve_commit(ref), local_where)
    where = f"git ref {ref} on {remote}"
    try:
        sha = repo.remote_ref(remote, ref)
    except GitError as error:
        local = repo.resolve_commit(ref)
        fallback = f"; using this clone's copy ({local[:7]})" if local else ""
        return Marker(local, local_where, [f"could not read the deploy marker from {remote}: {error.message}"
                                           f"{fallback}"])
    if sha is None:
        return Marker(None, where)
    if repo.resolve_commit(sha) == sha:
        if repo.resolve_commit(ref) != sha:
            with contextlib.suppress(GitError):  # the local copy is a convenience; the remote's answer stands
                repo.update_ref(ref, sha)
        return Marker(sha, where)
    problem = repo.fetch(remote, ref, ref)
    if problem and repo.resolve_commit(sha) is None:
        return Marker(sha, where, [f"could not fetch the deploy marker {ref} from {remote}: {problem}"])
    return Marker(sha, where)


def write_marker(repo: Repository, remote: str, ref: str, sha: str, *, ci_provider: str,
                 environment: str) -> list[str]:
    """Point ``ref`` at ``sha`` in this clone and push it to ``remote``; warnings for what failed.

    The push is forced: a rollback moves the marker back to an older commit. Local pre-push hooks are
    skipped, since the marker is bookkeeping rather than a change to the code.
    """
    try:
        repo.update_ref(ref, sha)
    except GitError as error:
        return [f"could not record the deploy to {environment} as {ref}: {error.message}"]
    if not repo.has_remote(remote):
        return [f"there is no git remote {remote!r}, so the deploy to {environment} was recorded in this "
                f"clone only (name the remote with --remote, or pass --no-record)"]
    try:
        repo.push(remote, f"+{sha}:{ref}")
    except GitError as error:
        permission = _PUSH_PERMISSION.get(ci_provider, _GENERIC_PERMISSION)
        return [f"could not push the deploy marker {ref} to {remote} ({error.message}), so the next "
                f"'--since last-deploy' to {environment} will not see this deploy: {permission}; "
                f"or pass --no-record"]
    return []

