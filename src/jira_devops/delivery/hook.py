"""``jira-devops hook post-receive``: tell Jira what was pushed to a self-hosted git server, never failing the push.

Git runs ``post-receive`` in the bare repository after the refs are updated and feeds it one
``<old> <new> <ref>`` line per updated ref. For each line:

- a new branch: its commits that no other branch has (``NEW --not --branches`` less the branch itself);
- an update, fast-forward or forced: the commits of the new side (``NEW ^OLD``);
- a deleted branch: its branch entity is deleted;
- a new tag: the commits it brings that no branch or other tag has.

Each pushed branch is sent with its newest commit. Only entities naming an issue key are sent. What cannot
be delivered goes to the outbox, and the next push (or ``jira-devops flush``) delivers it first. The
result is one line at most (:attr:`HookOutcome.line`); nothing here raises.
"""

from __future__ import annotations

import dataclasses
import re
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Optional

from jira_devops.errors import JiraDevopsError
from jira_devops.settings import Settings

if TYPE_CHECKING:
    from jira_devops.delivery.devinfo import EntityCollector
    from jira_devops.history.git import Repository

DEFAULT_HOOK_TIMEOUT = 10.0
_SHA = re.compile(r"^[0-9a-f]{40}([0-9a-f]{24})?$")
BRANCH_PREFIX = "refs/heads/"
TAG_PREFIX = "refs/tags/"


@dataclass(frozen=True)
class RefUpdate:
    """One line of git's post-receive input."""

    old: str
    new: str
    ref: str

    @property
    def created(self) -> bool:
        """The ref did not exist before."""
        return set(self.old) == {"0"}

    @property
    def deleted(self) -> bool:
        """The ref was deleted."""
        return set(self.new) == {"0"}


def parse_updates(lines: Iterable[str]) -> list[RefUpdate]:
    """The well-formed ``<old> <new> <ref>`` lines; anything else is skipped."""
    updates = []
    for line in lines:
        parts = line.split()
        if len(parts) == 3 and _SHA.match(parts[0]) and _SHA.match(parts[1]):
            updates.append(RefUpdate(*parts))
    return updates


@dataclass
class HookOutcome:
    """What the hook did, and the one line it prints (empty: nothing to say)."""

    line: str = ""
    problem: bool = False  # the line says something went wrong (shown even with --quiet)
    bodies: list[dict[str, Any]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    deleted_branches: list[str] = field(default_factory=list)


def hook_settings(settings: Settings) -> Settings:
    """The settings with the hook's own default time budget (10 s) unless ``--timeout`` was given."""
    if settings.source_of("timeout") == "default":
        return dataclasses.replace(settings, timeout=DEFAULT_HOOK_TIMEOUT)
    return settings


def post_receive(settings: Settings, lines: Iterable[str]) -> HookOutcome:
    """Handle one push within ``settings.timeout`` (plus a little for git); never raises."""
    outcome = HookOutcome()
    settings = hook_settings(settings)
    updates = parse_updates(lines)
    if not updates:
        return outcome

    def work() -> None:
        try:
            _post_receive(settings, updates, outcome)
        except JiraDevopsError as error:
            outcome.line = f"jira-devops: nothing sent to Jira: {error.one_line()}"
        except Exception as error:
            outcome.line = f"jira-devops: nothing sent to Jira: internal error: {type(error).__name__}: {error}"

    worker = threading.Thread(target=work, name="post-receive", daemon=True)
    started = time.monotonic()
    worker.start()
    worker.join(settings.timeout + 5)
    if worker.is_alive():
        return HookOutcome(line=f"jira-devops: gave up after {time.monotonic() - started:.0f}s; the push is done, "
                           "run 'jira-devops flush' later", problem=True)
    return outcome


def _post_receive(settings: Settings, updates: list[RefUpdate], outcome: HookOutcome) -> None:
    from jira_devops.delivery.devinfo import (  # noqa: PLC0415
        EntityCollector,
        report_properties,
        repository_pages,
        sequence_id,
    )
    from jira_devops.history.git import Repository  # noqa: PLC0415
    from jira_devops.history.key_discovery import key_rule  # noqa: PLC0415
    from jira_devops.jira.devinfo import devinfo_bodies  # noqa: PLC0415

    repository = Repository.open(settings.repo or ".")
    sequence = sequence_id()
    pages = repository_pages(settings, None, repository, sequence)
    collector = EntityCollector(pages, key_rule(settings), sequence)
    deleted, tags = _collect(updates, repository, collector, settings.max_commits)
    outcome.counts = collector.counts()
    batch = collector.batch
    outcome.bodies = devinfo_bodies(batch, report_properties(settings)) if batch.entity_count() else []
    if settings.dry_run:
        outcome.line = _summary("would send", outcome.counts, deleted, tags)
        return
    if not outcome.bodies and not deleted:
        return
    from jira_devops.delivery.sending import send  # noqa: PLC0415
    from jira_devops.jira.client import DevOpsClient  # noqa: PLC0415
    from jira_devops.jira.connection import connection_from_settings  # noqa: PLC0415

    connection = connection_from_settings(settings)
    problem: Optional[str] = None
    if outcome.bodies:
        delivery = send(connection, "devinfo", outcome.bodies, outbox=settings.outbox)
        if delivery.undelivered is not None:
            kept = f"kept {delivery.outboxed} request(s) in the outbox; " if delivery.outboxed else ""
            problem = f"{kept}{delivery.undelivered.one_line()}"
        elif delivery.rejected:
            problem = f"Jira rejected {len(delivery.rejected)} item(s) (unknown issue keys?)"
    if deleted and problem is None:
        with DevOpsClient.open(connection) as client:
            for name in deleted:
                client.delete_devinfo_entity(pages.fields.id, "branch", name)
                outcome.deleted_branches.append(name)
    line = _summary("sent", outcome.counts, outcome.deleted_branches, tags)
    outcome.line = f"{line}; {problem}" if problem else line
    outcome.problem = problem is not None


def _collect(updates: list[RefUpdate], repository: Repository, collector: EntityCollector,
             limit: int) -> tuple[list[str], int]:
    """Add each update's commits and branch to ``collector``; the deleted branches and the count of tags."""
    deleted: list[str] = []
    tags = 0
    for update in updates:
        if update.ref.startswith(BRANCH_PREFIX):
            name = update.ref[len(BRANCH_PREFIX):]
            if update.deleted:
                deleted.append(name)
                continue
            if update.created:
                revisions = [update.new, "--not", f"--exclude={_glob_literal(name)}", "--branches"]
            else:
                revisions = [update.new, f"^{update.old}"]
            collector.add_commits(repository.read_commit_details(revisions, max_count=limit))
            tip = next(iter(repository.read_commit_details([update.new], max_count=1)))
            collector.add_branch(name, tip)
        elif update.ref.startswith(TAG_PREFIX) and not update.deleted:
            tags += 1
            name = update.ref[len(TAG_PREFIX):]
            revisions = [update.new, "--not", "--branches", f"--exclude={_glob_literal(name)}", "--tags"]
            collector.add_commits(repository.read_commit_details(revisions, max_count=limit))
    return deleted, tags


def _summary(verb: str, counts: dict[str, int], deleted: list[str], tags: int) -> str:
    parts = [f"{counts.get('commits', 0)} commit(s)", f"{counts.get('branches', 0)} branch(es)"]
    if deleted:
        parts.append(f"deleted branch {', '.join(deleted)}")
    if tags:
        parts.append(f"{tags} tag(s) read")
    skipped = counts.get("commitsWithoutKeys", 0)
    text = f"jira-devops: {verb} {', '.join(parts)} to Jira"
    return text + (f" ({skipped} commit(s) without an issue key left out)" if skipped else "")


def _glob_literal(name: str) -> str:
    """A branch or tag name as a glob matching only itself."""
    return re.sub(r"([*?\[\\])", r"\\\1", name)
