"""The library API of ``report-dev`` and ``report-flag``: prepare the bodies, send them, return a ReportResult.

``report_dev(settings)`` reads the repository's web URL (``--repository-url``, the CI, the ``origin``
remote), the commits of the range (the same range rules as ``report-build``, see
:mod:`jira_devops.history.commit_range`), the branch and, in a pull/merge request run, the pull request,
and sends the entities that name an issue key. ``updateSequenceId`` is the run's time in microseconds:
a later run always has a higher one, so Jira keeps the newest state of a branch or pull request.
"""

from __future__ import annotations

import datetime
import os
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

from jira_devops.ci.context import CiContext
from jira_devops.ci.pull_request import PullRequestFacts, pull_request_facts
from jira_devops.delivery.report import ReportResult, detect_ci
from jira_devops.delivery.sending import Delivery
from jira_devops.errors import ConfigError, UsageError
from jira_devops.history.commit_range import plan_range
from jira_devops.history.git import CommitDetails, Repository
from jira_devops.history.hosts import RepositoryLinks, repository_links
from jira_devops.history.issue_keys import KeyCollector, KeyRule
from jira_devops.history.key_discovery import KeyDiscovery, key_rule
from jira_devops.jira.devinfo import (
    DevinfoBatch,
    RepositoryFields,
    branch_entity,
    clip,
    commit_entity,
    devinfo_bodies,
    issue_keys,
    repository_id,
)
from jira_devops.jira.flags import FlagFacts, flag_bodies, flag_item, rollout_percentage
from jira_devops.jira.models import DevOpsApi
from jira_devops.jira.payloads import parse_properties, with_default_properties
from jira_devops.settings import Settings

Clock = Callable[[], float]
NO_REPOSITORY_URL_HINT = ("pass --repository-url (or JIRA_DEVOPS_REPOSITORY_URL) with the repository's web page, "
                          "or add an 'origin' remote")


def report_properties(settings: Settings) -> dict[str, str]:
    """``--property`` values plus ``source=jira-devops`` (as builds and deployments carry it) while there is room."""
    return with_default_properties(parse_properties(settings.property), [])


def sequence_id(clock: Clock = time.time) -> int:
    """A monotonic ``updateSequenceId``: microseconds since the epoch."""
    return int(clock() * 1_000_000)


def iso_time(clock: Clock = time.time) -> str:
    """The clock's time as an ISO 8601 UTC timestamp."""
    return datetime.datetime.fromtimestamp(clock(), tz=datetime.timezone.utc).isoformat(timespec="seconds")


@dataclass(frozen=True)
class RepositoryPages:
    """The repository as Jira will know it: its fields and how to link its pages."""

    fields: RepositoryFields
    links: RepositoryLinks
    commit_url_template: Optional[str] = None

    def commit_url(self, sha: str) -> str:
        """The commit's page: the template, else the host's layout, else a distinct fallback."""
        if self.commit_url_template:
            return self.commit_url_template.replace("{sha}", sha)
        return self.links.commit(sha) or f"{self.links.repository}#commit-{sha}"


def repository_pages(settings: Settings, ci: Optional[CiContext], repository: Optional[Repository],
                     sequence: int) -> RepositoryPages:
    """Where the repository lives on the web and its stable ID; :class:`ConfigError` when nothing says."""
    remote = settings.repository_url or (ci.repository_url if ci else None) or \
        (repository.remote_url("origin") if repository is not None else None)
    links = repository_links(remote, ci=ci.provider if ci else None)
    if links is None:
        where = f"{remote!r} is not a repository URL" if remote else "no repository URL is known"
        raise ConfigError(f"cannot name the repository for Jira: {where}", hint=NO_REPOSITORY_URL_HINT)
    template = settings.commit_url_template
    if template and "{sha}" not in template:
        raise UsageError(f"--commit-url-template {template!r} has no {{sha}}",
                         hint="e.g. https://git.example.com/shop/commit/{sha}")
    name = links.repository.rstrip("/").rsplit("/", 1)[-1] or links.repository
    fields = RepositoryFields(id=settings.repository_id or repository_id(links.repository), name=name,
                              url=links.repository, update_sequence_id=sequence, fork_of=settings.fork_of)
    return RepositoryPages(fields, links, template)


@dataclass
class EntityCollector:
    """Builds the entities of one report, keeping only those that name a key, and counts the rest."""

    pages: RepositoryPages
    rule: KeyRule
    sequence: int
    batch: DevinfoBatch = field(init=False)
    commits_read: int = 0
    commits_without_keys: int = 0
    found: dict[str, list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.batch = DevinfoBatch(self.pages.fields)

    def note(self, keys: Iterable[str], source: str) -> None:
        """Remember where each key was found (for the summary and ``--json``)."""
        for key in keys:
            sources = self.found.setdefault(key, [])
            if len(sources) < 3 and source not in sources:
                sources.append(source)

    def commit(self, details: CommitDetails, extra_keys: Sequence[str] = (),
               keys: Optional[Sequence[str]] = None) -> dict[str, Any]:
        """The commit's entity (with its own keys, or ``keys`` when already found, and ``extra_keys``)."""
        keys = issue_keys([*(self.rule.find(details.message) if keys is None else keys), *extra_keys])
        return commit_entity(sha=details.sha, message=details.message, author_name=details.author_name,
                             author_email=details.author_email, author_time=details.author_time,
                             file_count=details.file_count, merge=details.is_merge,
                             url=self.pages.commit_url(details.sha), keys=keys, sequence=self.sequence)

    def add_commits(self, commits: Iterable[CommitDetails]) -> None:
        """Add every commit that names a key; count the others."""
        for details in commits:
            self.commits_read += 1
            keys = self.rule.find(details.message)
            if not keys:  # counted, and no entity built for it
                self.commits_without_keys += 1
                continue
            entity = self.commit(details, keys=keys)
            self.note(entity["issueKeys"], f"commit:{details.sha[:7]}")
            self.batch.commits.append(entity)

    def add_branch(self, name: str, tip: CommitDetails, extra_keys: Sequence[str] = ()) -> bool:
        """Add the branch if its name (or ``extra_keys``) names a key; whether it was added."""
        keys = issue_keys([*self.rule.find(name), *extra_keys])
        if not keys:
            return False
        self.note(keys, "branch")
        links = self.pages.links
        self.batch.branches.append(branch_entity(
            name=name, last_commit=self.commit(tip), url=links.branch(name),
            create_pull_request_url=links.create_pull_request(name), keys=keys, sequence=self.sequence))
        return True

    def add_pull_request(self, facts: PullRequestFacts, last_update: str, extra_keys: Sequence[str] = ()) -> bool:
        """Add the pull request if its title or source branch (or ``extra_keys``) names a key."""
        keys = issue_keys([*self.rule.find(facts.title), *self.rule.find(facts.source_branch or ""), *extra_keys])
        if not keys:
            return False
        self.note(keys, "pr-title")
        links = self.pages.links
        url = facts.url or links.pull_request(facts.number) or f"{links.repository}#pull-request-{facts.number}"
        entity: dict[str, Any] = {
            "id": facts.number, "displayId": clip(f"#{facts.number}", 255), "title": clip(facts.title, 1024),
            "status": facts.status, "author": {"name": clip(facts.author or "unknown", 255)},
            "commentCount": facts.comment_count or 0,
            "sourceBranch": clip(facts.source_branch or "unknown", 255),
            "lastUpdate": facts.last_update or last_update, "url": url[:2000], "issueKeys": keys,
            "updateSequenceId": self.sequence,
        }
        if facts.source_branch:
            entity["sourceBranchUrl"] = links.branch(facts.source_branch)[:2000]
        if facts.destination_branch:
            entity["destinationBranch"] = clip(facts.destination_branch, 255)
            entity["destinationBranchUrl"] = links.branch(facts.destination_branch)[:2000]
        if facts.reviewers:
            entity["reviewers"] = [{"name": clip(name, 255)} for name in facts.reviewers]
        self.batch.pull_requests.append(entity)
        return True

    def discovery(self, *, range_used: Optional[str] = None, base_source: Optional[str] = None,
                  warnings: Sequence[str] = (), explanation: Sequence[str] = ()) -> KeyDiscovery:
        """The keys found, as the other reports describe them."""
        collected = KeyCollector()
        for key, sources in self.found.items():
            for source in sources:
                collected.add([key], source)
        return KeyDiscovery(collected=collected, range_used=range_used, base_source=base_source,
                            commits_read=self.commits_read, warnings=tuple(warnings),
                            explanation=tuple(explanation))

    def counts(self) -> dict[str, int]:
        """What is sent and what was left out, for the summary and ``--json``."""
        return {"commits": len(self.batch.commits), "branches": len(self.batch.branches),
                "pullRequests": len(self.batch.pull_requests), "commitsWithoutKeys": self.commits_without_keys}


def explicit_keys(settings: Settings, rule: KeyRule) -> list[str]:
    """``--issue-key`` values, each checked to be one key."""
    keys: list[str] = []
    for text in settings.issue_key or ():
        found = rule.find(text.strip())
        if len(found) != 1:
            raise UsageError(f"{settings.describe_source('issue_key')}: {text!r} is not an issue key",
                             hint="expected a key such as ABC-123")
        keys.extend(found)
    return keys


def report_dev(settings: Settings, *, ci: Optional[CiContext] = None, clock: Clock = time.time,
               environ: Optional[Mapping[str, str]] = None) -> ReportResult:
    """Report the repository, the commits of the range, the branch and the pull request to Jira."""
    context = ci or detect_ci(settings, environ)
    repository = Repository.open(settings.repo or ".")
    sequence = sequence_id(clock)
    pages = repository_pages(settings, context, repository, sequence)
    rule = key_rule(settings)
    explicit = explicit_keys(settings, rule)
    collector = EntityCollector(pages, rule, sequence)
    collector.note(explicit, "explicit")
    plan = plan_range(settings, context, repository)
    warnings = [*context.notes, *plan.warnings]
    if plan.tip is not None:
        revisions = [plan.tip] + ([f"^{plan.base}"] if plan.base else [])
        ask = plan.limit + 1 if plan.limit is not None and plan.capped else plan.limit
        commits: Iterable[CommitDetails] = repository.read_commit_details(revisions, max_count=ask)
        if plan.capped and plan.limit is not None:
            commits = _cut(commits, plan.limit, warnings, plan.text)
        collector.add_commits(commits)
        branch = settings.branch or context.branch or repository.branch()
        if branch:
            tip = next(repository.read_commit_details([plan.tip], max_count=1))
            collector.add_branch(branch, tip, explicit)
        facts = pull_request_facts(context, os.environ if environ is None else environ)
        if facts is not None:
            collector.add_pull_request(facts, iso_time(clock), explicit)
        if explicit and not branch and facts is None:
            warnings.append("--issue-key goes on the branch and the pull request, and this run has neither "
                            "(a detached HEAD outside a PR run): pass --branch, or name the key in the commits")
    discovery = collector.discovery(range_used=plan.text, base_source=plan.base_source, warnings=warnings,
                                    explanation=plan.explanation)
    notes = [f"{collector.commits_without_keys} commit(s) of the range name no issue key and were not sent"] \
        if collector.commits_without_keys else []
    bodies = devinfo_bodies(collector.batch, report_properties(settings)) if collector.batch.entity_count() else []
    return send_prepared("report-dev", "devinfo", settings, bodies, discovery, context, warnings=warnings,
                         notes=notes, counts=collector.counts())


def _cut(commits: Iterable[CommitDetails], limit: int, warnings: list[str], text: Optional[str]
         ) -> Iterable[CommitDetails]:
    for index, commit in enumerate(commits):
        if index >= limit:
            warnings.append(f"the range {text} has more than {limit} commits; only the newest {limit} were read "
                            "(raise --max-commits to read more)")
            return
        yield commit


def send_prepared(command: str, api: DevOpsApi, settings: Settings, bodies: list[dict[str, Any]],
                  keys: KeyDiscovery, ci: Optional[CiContext], *, warnings: Sequence[str] = (),
                  notes: Sequence[str] = (), counts: Optional[dict[str, int]] = None) -> ReportResult:
    """Send prepared bodies (or, with ``dry_run``, only return them): outbox, retries and answers as for
    builds and deployments."""
    result_warnings = list(warnings)
    result_notes = list(notes)

    def result(**produced: Any) -> ReportResult:
        return ReportResult(command=command, api=api, keys=keys, dry_run=bool(settings.dry_run),
                            ci_provider=ci.provider if ci else "generic", warnings=result_warnings,
                            notes=result_notes, counts=counts or {}, **produced)

    connection = None
    if not settings.dry_run:
        from jira_devops.jira.connection import connection_from_settings  # noqa: PLC0415 - only when sending

        connection = connection_from_settings(settings)
    if not bodies:
        result_warnings.append("no issue keys found, so Jira has nothing to attach this to and nothing was sent "
                               "(name one with --issue-key, or put it in the branch name or a commit message)")
        return result(skipped="no issue keys found")
    if connection is None:
        return result(bodies=bodies)
    from jira_devops.delivery.sending import send  # noqa: PLC0415 - httpx only when sending

    delivery: Delivery = send(connection, api, bodies, outbox=settings.outbox)
    result_warnings.extend(delivery.warnings)
    result_notes.extend(delivery.notes)
    return result(bodies=bodies, delivery=delivery, requests=delivery.requests)


def stored_repository_id(settings: Settings) -> str:
    """The repository ID a get or delete means: ``--repository-id``, else the one ``report-dev`` derives."""
    if settings.repository_id:
        return settings.repository_id
    repository = Repository.find(settings.repo or ".") if not settings.repository_url else None
    return repository_pages(settings, detect_ci(settings), repository, 0).fields.id


def stored_flag_id(settings: Settings) -> str:
    """The flag ID a get or delete means: ``--flag-id``, else ``--flag-key``."""
    flag_id = (settings.flag_id or settings.flag_key or "").strip()
    if not flag_id:
        raise UsageError("no flag named", hint="pass --flag-id (or --flag-key)")
    return flag_id


def flag_facts(settings: Settings, environments: Sequence[str], clock: Clock = time.time) -> FlagFacts:
    """What ``report-flag`` sends, from the settings; :class:`UsageError` for what is missing or wrong."""
    if not settings.flag_key or not settings.flag_key.strip():
        raise UsageError("no flag key given", hint="pass --flag-key (the flag's key in your flag system)")
    if not settings.url:
        raise UsageError("no --url given: Jira links every flag to its page in the flag system",
                         hint="pass --url with the flag's page")
    rule = key_rule(settings)
    keys = explicit_keys(settings, rule)
    return FlagFacts(key=settings.flag_key.strip(), flag_id=(settings.flag_id or settings.flag_key).strip(),
                     enabled=settings.enabled is not False, url=settings.url, last_updated=iso_time(clock),
                     sequence=sequence_id(clock), display_name=settings.display_name,
                     default_value=settings.default_value,
                     rollout_percentage=rollout_percentage(settings.rollout_percentage),
                     rollout_text=settings.rollout_text, environments=tuple(environments), issue_keys=tuple(keys))


def report_flag(settings: Settings, environments: Sequence[str] = (), *, clock: Clock = time.time) -> ReportResult:
    """Report one feature flag to Jira (or, with ``dry_run``, only prepare the body)."""
    facts = flag_facts(settings, environments, clock)
    collected = KeyCollector()
    collected.add(facts.issue_keys, "explicit")
    keys = KeyDiscovery(collected=collected)
    bodies = flag_bodies([flag_item(facts)], report_properties(settings)) if facts.issue_keys else []
    return send_prepared("report-flag", "featureflags", settings, bodies, keys, None,
                         counts={"flags": len(bodies)})
