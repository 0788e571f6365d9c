"""Which commits' messages to read: the range, chosen from the settings and the CI, and why.

In order of precedence: ``--range A..B``; ``--since REF`` (to HEAD), including ``--since last-deploy``
(the deploy history says which commit the environment runs); ``--since-tag GLOB`` (the newest matching tag
that is an ancestor of HEAD's parent); for a pull/merge request run, the request's base as the CI names it;
the CI's previous successful commit; for a pull request or a new branch whose CI names only a branch (its
target, or the default branch), the merge base with that branch; otherwise HEAD alone. Commits reachable
from the base never count; merge commits do.

Shallow clones are detected: when the base is missing it is fetched, deepening the clone just far enough
(at most ``--max-commits`` deep; see :mod:`jira_devops.history.limits`) unless ``--no-deepen``; when it
stays missing, a one-line warning says how to fetch the history and what is there is read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Optional

from jira_devops.ci.context import CiContext
from jira_devops.errors import GitError, UsageError
from jira_devops.history.git import Repository, valid_ref_name
from jira_devops.history.limits import deepens, max_commits
from jira_devops.settings import Settings

LAST_DEPLOY = "last-deploy"
SHALLOW_FIX = ("fetch the history: `fetch-depth: 0` on actions/checkout, `git fetch --unshallow`, "
               "or drop --no-deepen")
_PR_BASE_SOURCES = {"github": "GitHub event", "gitlab": "CI_MERGE_REQUEST_DIFF_BASE_SHA",
                    "bitbucket": "BITBUCKET_PR_DESTINATION_COMMIT"}
_SHA = re.compile(r"[0-9a-fA-F]{7,64}")


@dataclass
class CommitRange:
    """The commits to read: reachable from ``tip`` and not from ``base``, at most ``limit`` of them.

    ``capped`` says the limit is ``--max-commits`` (reaching it cuts the range, with a warning) rather
    than the intended size (HEAD alone, a first deploy's depth).
    """

    tip: Optional[str]
    base: Optional[str] = None
    limit: Optional[int] = None
    capped: bool = False
    text: Optional[str] = None
    base_source: Optional[str] = None
    rollback: bool = False
    explanation: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def short(sha: str) -> str:
    """The 7-character form of a SHA."""
    return sha[:7]


def plan_range(settings: Settings, ci: CiContext, repo: Repository) -> CommitRange:
    """Decide which commits to read, and record why, for the explanation ``--verbose`` prints."""
    chosen = [name for name in ("range", "since", "since_tag") if getattr(settings, name)]
    if len(chosen) > 1:
        flags = " and ".join(settings.describe_source(name) for name in chosen)
        raise UsageError(f"{flags} both choose the commit range", hint="give only one of them")
    if settings.range:
        return _explicit_range(settings, repo, settings.range)
    head = _head(settings, ci, repo)
    if head is None:
        plan = CommitRange(tip=None)
        plan.warnings.append("the repository has no commits yet, so no commit messages were read")
        return plan
    planner = _Planner(settings, repo, head)
    if settings.since == LAST_DEPLOY:
        return planner.last_deploy(ci)
    if settings.since:
        return planner.since(settings.since)
    if settings.since_tag:
        return planner.since_tag(settings.since_tag)
    if ci.pr_base_commit:
        return planner.pr_base(ci)
    if ci.previous_commit:
        return planner.ci_previous(ci)
    if ci.base_branch and ci.base_branch != (settings.branch or ci.branch):
        return planner.merge_base_with(ci.base_branch, ci.base_branch_source or ci.provider_name)
    plan = CommitRange(tip=head, limit=1, text=short(head))
    plan.explanation.append("no --range, --since or --since-tag given and the CI names no pull request base "
                            f"or previous successful commit: reading HEAD ({short(head)}) only")
    return plan


def _head(settings: Settings, ci: CiContext, repo: Repository) -> Optional[str]:
    if settings.commit:
        sha = repo.resolve_commit(settings.commit)
        if sha is None:
            raise GitError(f"{settings.describe_source('commit')} {settings.commit!r} is not a commit in "
                           "this repository", hint="fetch it or fix the SHA")
        return sha
    if ci.commit:
        sha = repo.resolve_commit(ci.commit)
        if sha is not None:
            return sha
    return repo.head()


def _explicit_range(settings: Settings, repo: Repository, text: str) -> CommitRange:
    """``--range A..B``: B must exist; a missing A is handled like any base (shallow clones)."""
    start, dots, end = text.partition("..")
    if not dots or end.startswith(".") or not start.strip():
        raise UsageError(f"--range {text!r} is not A..B", hint="e.g. --range v1.2.0..HEAD")
    tip_ref = end.strip() or "HEAD"
    tip = repo.resolve_commit(tip_ref)
    if tip is None:
        raise GitError(f"--range: {tip_ref!r} is not a commit in this repository", hint="check the name, or fetch it")
    return _Planner(settings, repo, tip)._between(start.strip(), tip, f"--range {text}", given=True)


class _Planner:
    def __init__(self, settings: Settings, repo: Repository, head: str) -> None:
        self.settings = settings
        self.repo = repo
        self.head = head
        self.limit = max_commits(settings)
        self.deepen_failure = ""

    def since(self, ref: str) -> CommitRange:
        return self._between(ref, self.head, f"--since {ref}", given=True)

    def since_tag(self, pattern: str) -> CommitRange:
        def find() -> Optional[str]:
            parent = self.repo.parent(self.head)
            return self.repo.newest_tag(pattern, parent) if parent else None

        tag = find()
        if tag is None and self.repo.is_shallow() and deepens(self.settings):
            self._deepen_until(lambda: find() is not None)
            tag = find()
        if tag is None:
            plan = CommitRange(tip=self.head, limit=self.limit, capped=True, text=short(self.head),
                               base_source=f"no tag matching {pattern!r}")
            message = f"no tag matching {pattern!r} is an ancestor of HEAD's parent"
            if self.repo.is_shallow():
                plan.warnings.append(f"{message} in this shallow clone; reading the history that is there "
                                     f"({SHALLOW_FIX}, and fetch the tags)")
            else:
                plan.warnings.append(f"{message}; reading all of HEAD's history (up to --max-commits)")
            return plan
        base = self.repo.resolve_commit(f"refs/tags/{tag}") or self.repo.resolve_commit(tag)
        assert base is not None
        plan = self._between(base, self.head, f"tag {tag} (newest matching {pattern!r} before HEAD)",
                             given=True)
        plan.explanation.insert(0, f"--since-tag {pattern}: the newest tag matching it that is an ancestor "
                                f"of HEAD's parent is {tag}")
        return plan

    def ci_previous(self, ci: CiContext) -> CommitRange:
        previous = ci.previous_commit or ""
        source = f"the CI's previous successful commit ({ci.provider_name})"
        plan = self._between(previous, self.head, source, given=False)
        if plan.base == self.head:
            return self._head_only(plan.base_source,
                                   why="the CI's previous successful commit is HEAD itself (a re-run)")
        return plan

    def pr_base(self, ci: CiContext) -> CommitRange:
        source = f"the pull request's base ({_PR_BASE_SOURCES.get(ci.provider, ci.provider_name)})"
        return self._between(ci.pr_base_commit or "", self.head, source, given=False)

    def merge_base_with(self, branch: str, named_by: str) -> CommitRange:
        """The commits since HEAD forked from ``branch`` (a pull request's target, a new branch's default
        branch): ``<remote>/<branch>`` or ``<branch>``, fetched into a shallow clone that lacks both (like
        deepening, the network is only used for a clone that is shallow on purpose)."""
        source = f"the merge base with {branch} ({named_by})"
        target = self._branch_tip(branch)
        if target is None:
            return self._head_only(source, warning=f"{named_by} names the branch {branch!r}, which is neither in "
                                   f"this checkout nor fetchable from {self.settings.remote!r}; reading HEAD only "
                                   f"(fetch it, or give --since {self.settings.remote}/{branch})")
        base = self.repo.merge_base(self.head, target)
        if base is None and self.repo.is_shallow() and deepens(self.settings):
            done = self.repo.deepen_until(self.settings.remote, [self.head, target],
                                          lambda: self.repo.merge_base(self.head, target) is not None,
                                          limit=self.limit)
            self.deepen_failure = f"; {done.failure}" if done.failure else ""
            base = self.repo.merge_base(self.head, target)
        if base is None:
            return self._head_only(source, warning=f"HEAD and {branch} have no common commit in this checkout"
                                   f"{' (shallow clone)' if self.repo.is_shallow() else ''}; reading HEAD only "
                                   f"({SHALLOW_FIX}){self.deepen_failure}")
        plan = self._between(base, self.head, source, given=False)
        if plan.base == self.head:
            return self._head_only(plan.base_source, why=f"HEAD is already on {branch}")
        return plan

    def _branch_tip(self, branch: str) -> Optional[str]:
        if not valid_ref_name(f"refs/heads/{branch}"):
            return None
        remote_ref = f"refs/remotes/{self.settings.remote}/{branch}"
        for ref in (remote_ref, f"refs/heads/{branch}"):
            sha = self.repo.resolve_commit(ref)
            if sha is not None:
                return sha
        if self.repo.is_shallow() and deepens(self.settings) and self.repo.has_remote(self.settings.remote):
            self.repo.fetch(self.settings.remote, f"refs/heads/{branch}", remote_ref)
            return self.repo.resolve_commit(remote_ref)
        return None

    def last_deploy(self, ci: CiContext) -> CommitRange:
        from jira_devops.history.deploys import find_last_deploy  # noqa: PLC0415 - only for this mode

        last = find_last_deploy(self.settings, ci, self.repo.path, repository=self.repo)
        if last.base is None:
            depth = getattr(last, "first_deploy_depth", None) or self.settings.first_deploy_depth
            plan = CommitRange(tip=self.head, limit=min(depth, self.limit), text=short(self.head),
                               base_source=f"first deploy: {last.source}")
            plan.explanation.append(f"--since last-deploy: no earlier deployment found ({last.source}); "
                                    f"reading the newest {depth} commit(s) (--first-deploy-depth)")
            plan.warnings.extend(last.warnings)
            return plan
        if last.rollback:
            deployed = self.repo.resolve_commit(last.base)
            if deployed is None:
                plan = self._head_only(last.source, warning=f"rollback: the deployed commit {last.base[:12]} "
                                       f"({last.source}) is not in this repository; reading HEAD only ({SHALLOW_FIX})")
                plan.warnings[:0] = list(last.warnings)
                return plan
            plan = self._between(self.head, deployed, f"rollback from {last.source}", given=False,
                                 base_is_head=True)
            plan.rollback = True
            plan.explanation.insert(0, f"--since last-deploy: {short(last.base)} ({last.source}) is newer than "
                                    "HEAD, so this is a rollback: reading the commits being rolled back")
        else:
            plan = self._between(last.base, self.head, f"last deploy, from {last.source}", given=False)
            if plan.base == self.head:
                plan = self._head_only(plan.base_source, why="the last deployed commit is HEAD itself (a redeploy)")
        plan.warnings[:0] = list(last.warnings)
        return plan

    # --- shared steps --------------------------------------------------------------------------------------

    def _head_only(self, source: Optional[str], *, warning: str = "", why: str = "") -> CommitRange:
        """The plan that reads HEAD's message alone, with the ``warning`` that says why it had to, or the
        ``why`` that explains it for ``--verbose`` when nothing is wrong."""
        plan = CommitRange(tip=self.head, limit=1, text=short(self.head), base_source=source)
        if warning:
            plan.warnings.append(warning)
        if why:
            plan.explanation.append(f"{why}: reading HEAD's message")
        return plan

    def _between(self, base_ref: str, tip: str, source: str, *, given: bool,
                 base_is_head: bool = False) -> CommitRange:
        """The plan for ``base_ref..tip``, coping with a base that is missing (shallow clones)."""
        base = self.repo.resolve_commit(base_ref) if not base_is_head else self.head
        note = None
        deepened = False
        if base is None and self.repo.is_shallow() and deepens(self.settings) and _SHA.fullmatch(base_ref):
            reached = self._deepen_until(lambda: self.repo.resolve_commit(base_ref) is not None)
            deepened = True
            base = self.repo.resolve_commit(base_ref)
            if base is not None:
                note = f"deepened the shallow clone by {reached} commits to reach {short(base)}"
        text = f"{short(base) if base else base_ref}..{short(tip)}"
        plan = CommitRange(tip=tip, base=base, limit=self.limit, capped=True, text=text, base_source=source)
        if note:
            plan.explanation.append(note)
        if base is not None:
            plan.explanation.append(f"base {short(base)} from {source}: reading the commits reachable from "
                                    f"{short(tip)} and not from {short(base)}, merge commits included")
            return plan
        if self.repo.is_shallow():
            if deepened:
                hint = (f"deepening did not reach it within --max-commits ({self.limit}) commits"
                        f"{self.deepen_failure}")
            elif deepens(self.settings):
                hint = "deepening reaches commits by SHA only: fetch that ref, or use fetch-depth: 0"
            else:
                hint = SHALLOW_FIX
            plan.warnings.append(f"shallow clone: base {base_ref[:40]!r} ({source}) is not in the fetched "
                                 f"history, so only the commits fetched were read ({hint})")
            plan.explanation.append("the base is missing from this shallow clone: reading every commit "
                                    "that was fetched, up to --max-commits")
            return plan
        if given:
            raise GitError(f"{source}: {base_ref!r} is not a commit in this repository",
                           hint="check the name, or fetch it")
        plan.warnings.append(f"{source} {base_ref[:40]!r} is not in this repository (history rewritten?); "
                             "reading HEAD only")
        plan.limit = 1
        plan.capped = False
        plan.text = short(tip)
        return plan

    def _deepen_until(self, reached: Callable[[], bool]) -> int:
        """Deepen the shallow clone below HEAD until ``reached()`` or ``--max-commits`` deep."""
        done = self.repo.deepen_until(self.settings.remote, [self.head], reached, limit=self.limit)
        if done.failure:  # no remote, no network: use what is there
            self.deepen_failure = f"; {done.failure}"
        return done.fetched
