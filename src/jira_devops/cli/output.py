"""What the user sees: a short human summary, one JSON object, or the dry-run request bodies.

Everything goes through :func:`jira_devops.redact.redact`, then :mod:`jira_devops.untrusted_text` (Jira's
reasons and names must not steer a terminal or the GitHub Actions runner). Warnings go to stderr so that
stdout stays machine-readable with ``--json`` and ``--dry-run``.
"""

from __future__ import annotations

import json
import sys
from typing import Any, TextIO

from jira_devops.delivery.report import ReportResult, SitesResult
from jira_devops.history.key_discovery import KeyDiscovery
from jira_devops.jira.lookup import describe_item
from jira_devops.redact import redact
from jira_devops.untrusted_text import json_text, one_line


class Printer:
    """Writes results and warnings according to ``--json``, ``--quiet`` and ``--dry-run``."""

    def __init__(self, *, as_json: bool = False, quiet: bool = False,
                 out: TextIO | None = None, err: TextIO | None = None) -> None:
        self.as_json = as_json
        self.quiet = quiet
        self.out = out or sys.stdout
        self.err = err or sys.stderr

    def line(self, text: str) -> None:
        """A line of the human summary (suppressed by --quiet and --json)."""
        if not self.quiet and not self.as_json:
            print(one_line(redact(text)), file=self.out)

    def warning(self, text: str) -> None:
        """A warning on stderr (kept under --quiet: warnings matter)."""
        print(one_line(redact(f"warning: {text}")), file=self.err)

    def error(self, text: str) -> None:
        """An error on stderr: what made the command fail (kept under --quiet)."""
        print(one_line(redact(f"error: {text}")), file=self.err)

    def note(self, text: str) -> None:
        """Background information on stderr (suppressed by --quiet)."""
        if not self.quiet:
            print(one_line(redact(f"note: {text}")), file=self.err)

    def json(self, data: Any) -> None:
        """One JSON document on stdout, ASCII only (``\\u`` escapes), so any console encoding carries it."""
        print(json_text(redact(json.dumps(data, indent=2, ensure_ascii=False))), file=self.out)

    def report(self, result: ReportResult) -> None:
        """Print a report's result in the chosen form."""
        self._problems(result)
        if self.as_json:
            self.json(result.to_json())
            return
        if result.dry_run and not result.skipped:
            for body in result.bodies:
                self.json(body)
            return
        for line in summary_lines(result):
            self.line(line)

    def sites_report(self, result: SitesResult) -> None:
        """Print a report to several sites: each site's answer under its name, the keys and range once."""
        for warning in result.warnings:
            self.warning(warning)
        for note in result.notes:
            self.note(note)
        for name, site in result.sites:
            self._problems(site, prefix=f"{name}: ")
        if self.as_json:
            self.json(result.to_json())
            return
        first = result.sites[0][1]
        if first.dry_run and not first.skipped:
            for body in first.bodies:  # the same bodies go to every site
                self.json(body)
            return
        unknown: set[str] = set()
        for name, site in result.sites:
            self.line(f"site {name}: exit {site.exit_code}")
            for line in delivery_lines(site):
                self.line(f"  {line}")
            unknown.update(site.unknown_issue_keys)
        for line in key_lines(result.keys, unknown):
            self.line(line)

    def _problems(self, result: ReportResult, prefix: str = "") -> None:
        for warning in result.warnings:
            self.warning(prefix + warning)
        for note in result.notes:
            self.note(prefix + note)
        for key in result.unknown_issue_keys:
            self.warning(f"{prefix}Jira does not know issue {key} (a typo, another site, or not an issue key)")
        for association in result.unknown_associations:
            values = ", ".join(str(value) for value in association.get("values") or [])
            self.warning(f"{prefix}Jira does not know {association.get('associationType', 'association')} {values}")
        if result.gate is not None and result.gate.exit_code:
            self.error(prefix + result.gate.message())
        if result.undelivered is not None:
            self.error(prefix + result.undelivered.one_line())


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def range_line(keys: KeyDiscovery) -> str:
    """``range: a1b2c3d..e4f5a6b, 37 commits, 12 keys; base: ...``; a rollback says so."""
    line = f"range: {keys.range_used}, {_count(keys.commits_read, 'commit')}, {_count(len(keys.keys), 'key')}"
    if keys.base_source:
        line += f"; base: {keys.base_source}"
    if keys.rollback:
        line += "; a rollback: these are the commits being rolled back"
    return line


def summary_lines(result: ReportResult) -> list[str]:
    """The human summary of a report."""
    if result.skipped:
        return [f"nothing sent: {result.skipped}"]
    lines = [line for line in delivery_lines(result) if not line.startswith("gate: ")]
    lines.extend(key_lines(result.keys, set(result.unknown_issue_keys)))
    lines.extend(line for line in delivery_lines(result) if line.startswith("gate: "))
    return lines


def key_lines(keys: KeyDiscovery, unknown: set[str]) -> list[str]:
    """The keys, where each came from, and the range read."""
    lines: list[str] = []
    if keys.keys:
        lines.append("issue keys:")
        for found in keys.keys:
            flag = "  (unknown to Jira)" if found.key in unknown else ""
            lines.append(f"  {found.key:<14} from {', '.join(found.sources)}{flag}")
    if keys.range_used:
        lines.append(range_line(keys))
    return lines


def delivery_lines(result: ReportResult) -> list[str]:
    """What one site made of a report: accepted, rejected, kept in the outbox, the gate."""
    lines: list[str] = []
    if result.skipped:
        return [f"nothing sent: {result.skipped}"]
    for key in result.accepted:
        lines.append(f"accepted: {describe_item(result.api, key)}")
    for item in result.rejected:
        reasons = "; ".join(error.get("message", "") for error in item.get("errors", [])) or "no reason given"
        lines.append(f"rejected: {describe_item(result.api, item.get('key', {}))}: {reasons}")
    if result.counts:
        lines.append("entities: " + ", ".join(f"{name}: {number}" for name, number in result.counts.items()))
    if result.outboxed:
        lines.append(f"kept in the outbox for later delivery: {result.outboxed} request(s)")
    if result.gate_status:
        from jira_devops.delivery.gating import change_requests  # noqa: PLC0415

        named = "; ".join(request.describe() for request in change_requests(result.gate_details))
        lines.append(f"gate: {result.gate_status}" + (f" ({named})" if named else ""))
    return lines
