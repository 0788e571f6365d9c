"""Deploy history: which commit an environment last received, so a deploy can carry everything since.

:func:`find_last_deploy` asks the providers in order (setting ``history``; ``auto`` tries them all):

1. ``git-ref`` -- a marker ref ``refs/jira-devops/deploys/<environment-id>`` on the remote
   (:mod:`.git_ref`), written by :func:`record_deploy` after each successful deployment;
2. ``github`` -- the latest successful deployment in the GitHub deployments API (:mod:`.github`);
3. ``ci`` -- the CI's previous successful commit of the job (:mod:`.ci_previous`).

The first commit that is in HEAD's history (or ahead of it: a rollback) wins. A commit that is gone or on
rewritten history is reported in a warning and the next provider is asked. With no history at all the
deploy is a first deploy.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

from jira_devops.ci.context import CiContext
from jira_devops.environments import slugify
from jira_devops.errors import UsageError
from jira_devops.history.deploys import ci_previous, git_ref, github, reach
from jira_devops.history.git import NotARepositoryError, Repository
from jira_devops.history.limits import deepens, max_commits
from jira_devops.settings import Settings

__all__ = ["HISTORY_PROVIDERS", "RECORDED_STATES", "LastDeploy", "environment_of", "find_last_deploy", "record_deploy"]

HISTORY_PROVIDERS: tuple[str, ...] = ("git-ref", "github", "ci")
_COMMIT_ID = re.compile(r"^[0-9a-fA-F]{7,64}$")
RECORDED_STATES: tuple[str, ...] = ("successful", "rolled_back")  # deployment states that change what runs


@dataclass(frozen=True)
class LastDeploy:
    """The commit an environment last received, as far as the deploy history knows.

    ``base`` is ``None`` on a first deploy: read HEAD only, or the newest ``first_deploy_depth`` commits
    (a shallow clone is deepened that far). When ``rollback`` is true, HEAD is older than ``base`` and
    the commits being rolled back are ``HEAD..base``; otherwise the commits shipped are ``base..HEAD``
    (``base`` equal to HEAD is a redeploy: read HEAD only). ``source`` says where ``base`` came from.
    """

    base: Optional[str]
    source: str
    rollback: bool = False
    warnings: tuple[str, ...] = ()
    first_deploy: bool = False
    head: Optional[str] = None
    first_deploy_depth: int = 1


@dataclass(frozen=True)
class _Lookup:
    repo: Repository
    settings: Settings
    ci: CiContext
    environment: str
    environment_id: str
    head: str
    remote: Optional[str]
    environ: Mapping[str, str]


@dataclass
class _Answer:
    """One provider's answer: a commit and where it came from, or what it looked at."""

    sha: Optional[str]
    source: str
    warnings: list[str] = field(default_factory=list)


_Provider = Callable[[_Lookup, bool], Optional[_Answer]]


def environment_of(settings: Settings, ci: CiContext) -> tuple[str, str]:
    """The environment's name and its stable ID (as the deployment payload computes it)."""
    name = settings.environment or ci.environment_name or settings.environment_id
    if not name:
        raise UsageError("'--since last-deploy' needs to know which environment it is about",
                         hint="pass --environment, e.g. --environment production")
    if settings.environment_id:
        return name, settings.environment_id
    return name, slugify(name)


def find_last_deploy(settings: Settings, ci: CiContext, repo_path: Optional[Path] = None, *,
                     environ: Optional[Mapping[str, str]] = None,
                     repository: Optional[Repository] = None) -> LastDeploy:
    """The commit the environment in ``settings`` last received, and how HEAD relates to it.

    Raises :class:`UsageError` when the environment, the repository or the chosen provider is missing.
    """
    folder = Path(repo_path or settings.repo or ".")
    environment, environment_id = environment_of(settings, ci)
    repo = repository or _open(folder)
    head = _head(repo, folder, settings, ci)
    remote = settings.remote
    lookup = _Lookup(repo, settings, ci, environment, environment_id, head,
                     remote if repo.has_remote(remote) else None,
                     os.environ if environ is None else environ)
    mode = settings.history
    if mode != "auto" and mode not in HISTORY_PROVIDERS:
        raise UsageError(f"unknown deploy history {mode!r}", hint=f"use auto or one of {', '.join(HISTORY_PROVIDERS)}")
    names = HISTORY_PROVIDERS if mode == "auto" else (mode,)
    warnings: list[str] = []
    looked: list[str] = []
    fork: Optional[tuple[str, str]] = None
    for position, name in enumerate(names):
        answer = _PROVIDERS[name](lookup, mode != "auto")
        if answer is None:
            continue
        warnings.extend(answer.warnings)
        if answer.sha is None:
            looked.append(answer.source)
            continue
        found, fork_here = _place(lookup, answer, warnings, more=position + 1 < len(names))
        if found is not None:
            return LastDeploy(found.base, found.source, found.rollback, (*warnings, *found.warnings),
                              head=head)
        fork = fork or fork_here
        looked.append(f"the commit from {answer.source} could not be used")
    if fork is not None:
        return LastDeploy(fork[0], fork[1], warnings=tuple(warnings), head=head)
    return _first_deploy(lookup, looked, warnings)


def _open(folder: Path) -> Repository:
    try:
        return Repository.open(folder)
    except NotARepositoryError:
        raise UsageError(f"'--since last-deploy' reads git history, but {folder} is not a git repository",
                         hint="run it in the checked-out repository, or pass --repo") from None


def _head(repo: Repository, folder: Path, settings: Settings, ci: CiContext) -> str:
    if settings.commit:
        head = repo.resolve_commit(settings.commit)
        if head is None:
            raise UsageError(f"commit {settings.commit!r} is not in the repository", hint="fix --commit")
        return head
    head = (repo.resolve_commit(ci.commit) if ci.commit else None) or repo.head()
    if head is None:
        raise UsageError(f"the repository in {folder} has no commits yet")
    return head


def _place(lookup: _Lookup, answer: _Answer, warnings: list[str], *,
           more: bool) -> tuple[Optional[LastDeploy], Optional[tuple[str, str]]]:
    """Fetch the answer's commit and relate it to HEAD: a result, or a fork point to fall back on."""
    assert answer.sha is not None
    env = lookup.environment
    claimed = answer.sha
    then = "asking the next deploy history" if more else "treating this as a first deploy"
    if not _COMMIT_ID.match(claimed):
        warnings.append(f"{answer.source} names {claimed[:40]!r}, which is not a commit id; {then}")
        return None, None
    sha = lookup.repo.resolve_commit(claimed)
    if sha is None and lookup.remote is not None:
        lookup.repo.fetch(lookup.remote, claimed)
        sha = lookup.repo.resolve_commit(claimed)
    if sha is None:
        warnings.append(f"{env} last received {claimed[:12]} according to {answer.source}, but that commit is "
                        f"not in the repository any more (history rewritten by a force-push?); {then}")
        return None, None
    settings = lookup.settings
    relation = reach.relate(lookup.repo, lookup.remote, sha, lookup.head, deepen=deepens(settings),
                            limit=max_commits(settings))
    short, head_short = sha[:7], lookup.head[:7]
    if relation.placement == reach.SAME:
        return LastDeploy(sha, f"{answer.source}; a redeploy: {env} already runs {short}"), None
    if relation.placement == reach.ANCESTOR:
        return LastDeploy(sha, answer.source), None
    if relation.placement == reach.ROLLBACK:
        return LastDeploy(sha, answer.source, rollback=True), None
    if relation.placement == reach.UNREACHED:
        how = ("deepening is off (--no-deepen)" if not deepens(settings)
               else f"fetching {relation.deepened} more commits of the shallow clone")
        return LastDeploy(sha, answer.source, warnings=(
            f"could not tell how {short} ({env}'s last deploy, from {answer.source}) relates to HEAD after "
            f"{how}; only the commits this clone has are read (fetch the full history, e.g. "
            f"`fetch-depth: 0`, or raise --max-commits)",)), None
    if relation.placement == reach.DIVERGED and relation.merge_base:
        warnings.append(f"{short}, which {env} last received according to {answer.source}, is not in the "
                        f"history of {head_short} (history rewritten by a force-push, or another branch "
                        f"deployed); {then}")
        return None, (relation.merge_base, f"the common ancestor of {head_short} and {short}, the commit "
                                           f"{answer.source} names")
    warnings.append(f"{short}, which {env} last received according to {answer.source}, shares no history "
                    f"with {head_short}; {then}")
    return None, None


def _first_deploy(lookup: _Lookup, looked: list[str], warnings: list[str]) -> LastDeploy:
    depth = lookup.settings.first_deploy_depth
    if depth < 1:
        raise UsageError("--first-deploy-depth must be 1 or more")
    reason = "; ".join(looked) or "no deploy history was available"
    if depth > 1 and lookup.repo.is_shallow() and lookup.remote is not None \
            and deepens(lookup.settings) \
            and lookup.repo.history_length(lookup.head) < depth:
        lookup.repo.deepen_to(lookup.remote, lookup.head, depth)
    reads = "only HEAD's keys are read" if depth == 1 else f"the last {depth} commits are read"
    hint = " (--first-deploy-depth N reads more)" if depth == 1 else ""
    message = f"first deploy to {lookup.environment}: {reason}, so {reads}{hint}"
    return LastDeploy(None, reason, warnings=(*warnings, message), first_deploy=True,
                      head=lookup.head, first_deploy_depth=depth)


def _from_git_ref(lookup: _Lookup, chosen: bool) -> Optional[_Answer]:
    ref = git_ref.marker_ref(lookup.settings.ref_prefix, lookup.environment_id)
    if lookup.remote is None:
        remote = lookup.settings.remote
        marker = git_ref.Marker(lookup.repo.resolve_commit(ref), f"git ref {ref} in this clone, which has "
                                f"no remote {remote!r}")
    else:
        marker = git_ref.read_marker(lookup.repo, lookup.remote, ref)
    if marker.sha is None:
        return _Answer(None, f"no {marker.where}", list(marker.warnings))
    return _Answer(marker.sha, marker.where, list(marker.warnings))


def _from_github(lookup: _Lookup, chosen: bool) -> Optional[_Answer]:
    target = github.GitHubTarget.from_environ(lookup.environ, lookup.settings.github_token)
    if target is None:
        if chosen:
            raise UsageError("'--history github' needs GITHUB_TOKEN and GITHUB_REPOSITORY (owner/name)",
                             hint="run in GitHub Actions with `env: GITHUB_TOKEN: ${{ github.token }}`")
        return None
    from jira_devops.redact import register_secret  # noqa: PLC0415

    register_secret(target.token)
    try:
        deployment = github.latest_successful_deployment(target, lookup.environment,
                                                         timeout=lookup.settings.timeout)
    except github.GitHubHistoryError as error:
        return _Answer(None, f"GitHub deployments to {lookup.environment} could not be read",
                       [f"GitHub deploy history: {error}"])
    if deployment is None:
        return _Answer(None, f"no successful GitHub deployment to {lookup.environment}")
    return _Answer(deployment.sha, f"GitHub deployment {deployment.id} to {lookup.environment}")


def _from_ci(lookup: _Lookup, chosen: bool) -> Optional[_Answer]:
    sha = ci_previous.previous_successful_commit(lookup.ci)
    if sha is None:
        return _Answer(None, "the CI gives no previous successful commit")
    return _Answer(sha, ci_previous.describe(lookup.ci))


_PROVIDERS: dict[str, _Provider] = {"git-ref": _from_git_ref, "github": _from_github, "ci": _from_ci}


def record_deploy(settings: Settings, ci: CiContext, sha: str, environment_id: str) -> list[str]:
    """Record that ``environment_id`` now runs ``sha`` (the git ref marker, pushed); warnings, if any.

    Nothing is recorded with ``record`` off, or when the history in use is not the git ref marker.
    Outside a git repository nothing is recorded either; that is only worth a warning when recording
    was asked for explicitly.
    """
    if settings.record is False or (settings.history) not in ("auto", "git-ref"):
        return []
    folder = Path(settings.repo or ".")
    repo = Repository.find(folder)
    if repo is None:
        if settings.record:
            return [f"{folder} is not a git repository, so the deploy to {environment_id} was not recorded"]
        return []
    commit = repo.resolve_commit(sha)
    if commit is None:
        return [f"commit {sha} is not in this clone, so the deploy to {environment_id} was not recorded"]
    ref = git_ref.marker_ref(settings.ref_prefix, environment_id)
    return git_ref.write_marker(repo, settings.remote, ref, commit,
                                ci_provider=ci.provider, environment=environment_id)
