"""Which Jira issues a run touched: keys from explicit settings, the branch, the PR title and commits.

The seam between the settings and CI context on one side and the key rule (:mod:`jira_devops.history.issue_keys`),
the range choice (:mod:`jira_devops.history.commit_range`) and the repository (:mod:`jira_devops.history.git`) on the
other. Explicit keys come first, then the branch, the PR title and the commits, newest first; each key
remembers where it was found.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Optional

from jira_devops.ci.context import CiContext
from jira_devops.errors import UsageError
from jira_devops.history.commit_range import CommitRange, plan_range
from jira_devops.history.git import LogReader, NotARepositoryError, Repository
from jira_devops.history.issue_keys import FoundKey, KeyCollector, KeyRule, make_rule
from jira_devops.history.limits import deepens
from jira_devops.settings import Settings

__all__ = ["FoundKey", "KeyCollector", "KeyDiscovery", "discover_keys", "key_rule"]


@dataclass(frozen=True)
class KeyDiscovery:
    """The keys found for one run, in first-seen order, and how they were found.

    ``collected`` holds the keys and their sources (no longer fed once discovery is done); :attr:`keys`
    lists them with their sources, built on first use: a range of many thousand keys printed without
    sources (``keys``) never pays for them. ``explanation`` says why this range was read
    (``--verbose``); ``truncated`` is set when the range had more than ``--max-commits`` commits and
    only the newest were read.
    """

    collected: KeyCollector = field(default_factory=KeyCollector)
    range_used: Optional[str] = None
    rollback: bool = False  # HEAD is older than the environment's last deploy; range_used is HEAD..base
    base_source: Optional[str] = None
    commits_read: int = 0
    warnings: tuple[str, ...] = field(default=())
    explanation: tuple[str, ...] = field(default=())
    truncated: bool = False
    shallow: bool = False

    @cached_property
    def keys(self) -> tuple[FoundKey, ...]:
        """Each key with where it was found."""
        return self.collected.found()

    def key_names(self) -> list[str]:
        """The keys alone, in order."""
        return self.collected.names()


def key_rule(settings: Settings) -> KeyRule:
    """The key rule the settings ask for (``--ignore-case``, ``--project``, ``--key-pattern``)."""
    return make_rule(ignore_case=bool(settings.ignore_case), projects=settings.project or (),
                     pattern=settings.key_pattern)


def discover_keys(settings: Settings, ci: CiContext, *, repo_path: Optional[Path] = None,
                  repository: Optional[Repository] = None, commit_sources: bool = True) -> KeyDiscovery:
    """Find the issue keys of this run from the settings, the CI context and the git repository.

    ``repository``, when the caller has already opened it, is used instead of opening ``repo_path``.
    With ``commit_sources=False`` only the keys' names are wanted (:meth:`KeyDiscovery.key_names`; not
    :attr:`KeyDiscovery.keys`), and a long range is read several times faster.

    Outside a git repository the explicit keys and the CI's branch and PR title still count; a warning
    says that no commits were read. Asking for a range there (``--range``, ``--since``, ``--since-tag``)
    is an error.
    """
    rule = key_rule(settings)
    collector = KeyCollector(commit_sources=commit_sources)
    _add_explicit(settings, collector)
    warnings: list[str] = []
    explanation: list[str] = []
    repo = repository or _open_repository(settings, repo_path or Path(settings.repo or "."), warnings)
    plan: Optional[CommitRange] = None
    if repo is not None and settings.commit_keys is not False:
        plan = plan_range(settings, ci, repo)
        warnings.extend(plan.warnings)
        explanation.extend(plan.explanation)
    elif repo is not None:
        explanation.append("--no-commit-keys: no commit messages read")

    # git log starts before the branch and title are looked at: for a range, git walks the whole
    # history before printing anything, and this work fits in that wait.
    reader = _CommitReader(repo, plan) if repo is not None and plan is not None else None
    try:
        if settings.branch_keys is not False:
            branch, where = _branch(settings, ci, repo)
            if branch:
                collector.add(rule.find(branch), "branch")
                explanation.insert(0, f"branch {branch!r} ({where})")
        if settings.title_keys is not False and ci.pr_title:
            collector.add(rule.find(ci.pr_title), "pr-title")
            explanation.insert(0, f"PR title {ci.pr_title!r} ({ci.provider_name})")
        tag = settings.tag or ci.tag
        if tag and repo is not None and settings.commit_keys is not False:
            _add_tag_annotation(settings, repo, tag, rule, collector, explanation)
        if reader is not None:
            reader.scan(rule, collector)
    finally:
        if reader is not None:
            reader.close()
    if plan is None or reader is None:
        return KeyDiscovery(collected=collector, warnings=tuple(warnings), explanation=tuple(explanation))
    if reader.truncated:
        warnings.append(f"the range {plan.text} has more than {plan.limit} commits; only the newest "
                        f"{plan.limit} were read (raise --max-commits to read more)")
    return KeyDiscovery(
        collected=collector,
        range_used=plan.text,
        rollback=plan.rollback,
        base_source=plan.base_source,
        commits_read=reader.read,
        warnings=tuple(warnings),
        explanation=tuple(explanation),
        truncated=reader.truncated,
        shallow=repo.is_shallow() if repo else False,
    )


def _branch(settings: Settings, ci: CiContext, repo: Optional[Repository]) -> tuple[Optional[str], str]:
    if settings.branch:
        return settings.branch, settings.describe_source("branch")
    if ci.branch:
        return ci.branch, ci.provider_name
    return (repo.branch() if repo else None), "the checked-out branch"


def _add_tag_annotation(settings: Settings, repo: Repository, tag: str, rule: KeyRule, collector: KeyCollector,
                        explanation: list[str]) -> None:
    """The keys in the annotated tag's message (release notes often live there), as ``tag:<name>``.

    A tag missing from a shallow clone (CIs often fetch without tags) is fetched, unless ``--no-deepen``.
    """
    ref = f"refs/tags/{tag}"
    if not repo.has_ref(ref) and repo.is_shallow() and deepens(settings) and repo.has_remote(settings.remote):
        repo.fetch(settings.remote, ref, ref)
    message = repo.tag_message(tag)
    if message is None:
        explanation.append(f"tag {tag!r}: not an annotated tag in this checkout, so no tag message was read")
        return
    collector.add(rule.find(message), f"tag:{tag}")
    explanation.append(f"tag {tag!r}: its annotation's message was read")


def _add_explicit(settings: Settings, collector: KeyCollector) -> None:
    """Explicit keys must each be a key: one that is not is an error, never silently dropped.

    ``--project`` does not filter them: a key named on purpose is sent.
    """
    if not settings.issue_key:
        return
    rule = make_rule(ignore_case=bool(settings.ignore_case), pattern=settings.key_pattern)
    for text in settings.issue_key:
        if not rule.is_key(text.strip()):
            raise UsageError(f"{settings.describe_source('issue_key')}: {text!r} is not an issue key",
                             hint="expected a key such as ABC-123")
        collector.add(rule.find(text.strip()), "explicit")


def _open_repository(settings: Settings, folder: Path, warnings: list[str]) -> Optional[Repository]:
    try:
        return Repository.open(folder)
    except NotARepositoryError as error:
        chosen = [name for name in ("range", "since", "since_tag") if getattr(settings, name)]
        if chosen:
            raise NotARepositoryError(f"{settings.describe_source(chosen[0])} needs a git repository, but "
                                      f"{error.message}", hint=error.hint) from None
        if settings.commit_keys is not False:
            fix = "install git in the job's image" if "not installed" in error.message else "pass --repo"
            warnings.append(f"{error.message}, so no commit messages were read ({fix}, or name the keys with "
                            "--issue-key)")
        return None


class _CommitReader:
    """The planned commits' messages from one streamed ``git log``, counted and cut at the plan's limit.

    For a range, git walks the whole range before it prints the first commit. When the range is a
    straight line (no merge between tip and base, the common case with squash or rebase merges) the
    same commits come from ``git log --first-parent TIP`` stopped at the base, which git prints as it
    walks, so reading overlaps git's work. That shortcut is only kept when the base is met with no merge
    on the way and within the limit; anything else (a merge, a base that is not on the line, a cut)
    falls back to the plain ``git log BASE..TIP``, so the result is always that range.
    """

    def __init__(self, repo: Repository, plan: CommitRange) -> None:
        self._repo = repo
        self._plan = plan
        self.limit = plan.limit
        self.read = 0
        self.truncated = False
        # Ask git for one commit more than the cap: its presence is how a cut range is noticed.
        self._ask = self.limit + 1 if self.limit is not None and plan.capped else self.limit
        self._log: Optional[LogReader] = None
        self._base_time: Optional[int] = None
        self._linear = False
        if plan.tip is None:
            return
        if plan.base is not None:
            self._base_time = repo.commit_time(plan.base)
            self._linear = self._base_time is not None
        if self._linear:
            self._log = repo.read_first_parents(plan.tip, max_count=self._ask)
        else:
            self._log = repo.read_log(plan.tip, exclude=plan.base, max_count=self._ask)

    def scan(self, rule: KeyRule, collector: KeyCollector) -> None:
        """Feed every commit of the range to ``collector``."""
        if self._log is None:
            return
        if self._linear:
            reached = _Reached()
            collector.scan_commits(self._take(self._until_base(reached)), rule)
            if reached.base and not self.truncated:
                return
            collector.forget_commits()
            self.read, self.truncated = 0, False
            self._log.close()
            self._log = self._repo.read_log(self._plan.tip or "", exclude=self._plan.base, max_count=self._ask)
        collector.scan_commits(self._take(self._log.blocks()), rule)

    def close(self) -> None:
        """Stop git if it is still running."""
        if self._log is not None:
            self._log.close()

    def _until_base(self, reached: _Reached) -> Iterator[tuple[list[bytes], list[bytes]]]:
        assert self._log is not None and self._plan.base is not None and self._base_time is not None
        base = self._plan.base.encode()
        for shas, parents, times, messages in self._log.linear_blocks():
            end = shas.index(base) if base in shas else len(shas)
            if b" " in b"|".join(parents[:end]):
                return  # a merge: not a straight line
            if end == len(shas) and times and min(map(int, times)) < self._base_time:
                return  # older than the base and still no base: it is not on this line
            yield shas[:end], messages[:end]
            if end < len(shas):
                reached.base = True
                return

    def _take(self, blocks: Iterator[tuple[list[bytes], list[bytes]]]) -> Iterator[tuple[list[bytes], list[bytes]]]:
        for shas, messages in blocks:
            room = None if self.limit is None else self.limit - self.read
            if room is not None and len(shas) > room:
                self.truncated = True
                if room > 0:
                    self.read += room
                    yield shas[:room], messages[:room]
                return
            self.read += len(shas)
            yield shas, messages


class _Reached:
    """Whether the first-parent walk met the base."""

    base = False


def describe(discovery: KeyDiscovery) -> str:
    """One line naming the range read, for summaries."""
    if not discovery.range_used:
        return "no commits read"
    base = f", base from {discovery.base_source}" if discovery.base_source else ""
    count = discovery.commits_read
    return f"{discovery.range_used} ({count} commit{'' if count == 1 else 's'} read{base})"

