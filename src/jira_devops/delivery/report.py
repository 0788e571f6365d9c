"""The library API: report one build or one deployment, and say what Jira made of it.

``report_build(settings)`` and ``report_deploy(settings)`` do everything the CLI commands do except
printing: detect the CI, find the issue keys, build the payload, send it (or not, with ``dry_run``), and
return a :class:`ReportResult`. With several sites (:mod:`jira_devops.jira.sites`),
``report_build_to_sites`` and ``report_deploy_to_sites`` prepare once and report to each site with its own
credentials, returning a :class:`SitesResult` whose exit code is the worst of the sites'.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Literal, Optional, TypeVar

from jira_devops import ci as ci_detection
from jira_devops.ci.context import CiContext
from jira_devops.delivery.preflight import check_report_settings
from jira_devops.delivery.sending import Delivery
from jira_devops.errors import ConfigError, ExitCode, UsageError
from jira_devops.history.git import Repository
from jira_devops.history.key_discovery import KeyDiscovery, discover_keys
from jira_devops.jira.lookup import item_key
from jira_devops.jira.payloads import Prepared, build_item, deployment_item, git_facts, parse_properties, request_bodies
from jira_devops.settings import Settings

if TYPE_CHECKING:
    from jira_devops.delivery.gating import GateEvent, GateOutcome
    from jira_devops.errors import JiraDevopsError
    from jira_devops.jira.connection import Connection
    from jira_devops.jira.models import DevOpsApi


ItemOutcome = Literal["accepted", "rejected", "not sent", "outboxed", "no answer"]
_ISSUE_ASSOCIATIONS = ("issueKeys", "issueIdOrKeys")


@dataclass(frozen=True)
class ReportedItem:
    """One build or deployment of the request bodies, with what Jira said about it."""

    api: DevOpsApi
    key: str  # the item described (``build acme/app #7``)
    name: str  # its display name
    url: str
    state: str
    environment: str  # a deployment's environment (display name); empty for a build
    issue_keys: tuple[str, ...]
    outcome: ItemOutcome
    reasons: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The item as ``--json`` lists it under ``items``."""
        return {"api": self.api, "key": self.key, "name": self.name, "url": self.url, "state": self.state,
                "environment": self.environment, "issueKeys": list(self.issue_keys), "outcome": self.outcome,
                "reasons": list(self.reasons)}


@dataclass(frozen=True)
class ReportResult:
    """What a report sent and what Jira answered, assembled once from what each stage produced: the keys
    (:class:`KeyDiscovery`), the request bodies, the sending (:class:`~jira_devops.delivery.sending.Delivery`)
    and the gate (:class:`~jira_devops.delivery.gating.GateOutcome`)."""

    command: str
    api: DevOpsApi
    bodies: list[dict[str, Any]] = field(default_factory=list)
    keys: KeyDiscovery = field(default_factory=KeyDiscovery)
    delivery: Delivery = field(default_factory=Delivery)
    gate: Optional[GateOutcome] = None
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    dry_run: bool = False
    skipped: Optional[str] = None
    ci_provider: str = "generic"
    requests: int = 0
    counts: dict[str, int] = field(default_factory=dict)  # development information: entities sent and left out

    @property
    def accepted(self) -> list[dict[str, Any]]:
        """The items Jira accepted, as it echoed their keys."""
        return self.delivery.accepted

    @property
    def rejected(self) -> list[dict[str, Any]]:
        """The items Jira rejected, with its reasons."""
        return self.delivery.rejected

    @property
    def unknown_issue_keys(self) -> list[str]:
        """The issue keys Jira did not know, each once."""
        return self.delivery.unknown_issue_keys

    @property
    def unknown_associations(self) -> list[dict[str, Any]]:
        """Associations other than issue keys (services, ...) Jira did not know."""
        return self.delivery.unknown_associations

    @property
    def outboxed(self) -> int:
        """How many request bodies were kept in the outbox for later delivery."""
        return self.delivery.outboxed

    @property
    def undelivered(self) -> Optional[JiraDevopsError]:
        """Why the report was not delivered (and whether it was kept), if it was not."""
        return self.delivery.undelivered

    @property
    def gate_status(self) -> Optional[str]:
        """How the deployment gate ended; ``None`` without a gate."""
        return self.gate.status if self.gate else None

    @property
    def gate_details(self) -> list[dict[str, Any]]:
        """The change requests and other details Jira gave for the gate."""
        return self.gate.details if self.gate else []

    @property
    def gate_message(self) -> Optional[str]:
        """One line saying how the gate ended."""
        return self.gate.message() if self.gate else None

    @property
    def exit_code(self) -> int:
        """0 if all was accepted, 1 if Jira rejected some, 4 (3) if kept in the outbox; a gate's code first."""
        if self.gate is not None and self.gate.exit_code:
            return self.gate.exit_code
        return self.delivery.exit_code

    def items(self) -> list[ReportedItem]:
        """Every item of the request bodies, in order, matched with Jira's accepted and rejected lists."""
        rejected = {item_key(self.api, answer.get("key") or {}): tuple(
            str(error.get("message", "")) for error in answer.get("errors") or []) for answer in self.rejected}
        accepted = {item_key(self.api, key) for key in self.accepted}
        found: list[ReportedItem] = []
        for body in self.bodies:
            for entry in body.get(self.api) or []:
                key = item_key(self.api, entry)
                outcome: ItemOutcome
                if self.dry_run:
                    outcome = "not sent"
                elif key in rejected:
                    outcome = "rejected"
                elif key in accepted:
                    outcome = "accepted"
                elif self.outboxed:
                    outcome = "outboxed"
                else:
                    outcome = "no answer"
                keys = [*entry.get("issueKeys", []), *(
                    value for association in entry.get("associations") or []
                    if association.get("associationType") in _ISSUE_ASSOCIATIONS
                    for value in association.get("values") or [])]
                environment = entry.get("environment") or {}
                found.append(ReportedItem(self.api, key.describe(), str(entry.get("displayName") or key.describe()),
                                          str(entry.get("url") or ""), str(entry.get("state") or ""),
                                          str(environment.get("displayName") or ""), tuple(map(str, keys)),
                                          outcome, rejected.get(key, ())))
        return found

    def to_json(self) -> dict[str, Any]:
        """The result as the JSON object ``--json`` prints (a stable, documented shape)."""
        return {
            "command": self.command,
            "dryRun": self.dry_run,
            "skipped": self.skipped,
            "ci": self.ci_provider,
            "accepted": self.accepted,
            "rejected": self.rejected,
            "unknownIssueKeys": self.unknown_issue_keys,
            "issueKeys": self.keys.key_names(),
            "keySources": {found.key: list(found.sources) for found in self.keys.keys},
            "range": self.keys.range_used,
            "rangeBase": self.keys.base_source,
            "rollback": self.keys.rollback,
            "commitsRead": self.keys.commits_read,
            "gateStatus": self.gate_status,
            "gateDetails": self.gate_details,
            "gateMessage": self.gate_message,
            "unknownAssociations": self.unknown_associations,
            "outboxed": self.outboxed,
            "undelivered": self.undelivered.one_line() if self.undelivered else None,
            "requests": self.requests,
            "counts": self.counts,
            "warnings": self.warnings,
            "notes": self.notes,
            "items": [item.to_json() for item in self.items()],
            "bodies": self.bodies,
        }


# The worst exit code of several sites, worst first: a gate's "no" or "not yet" stops a deployment, a
# refused credential needs a person, an unreachable site waits in the outbox, a rejection is Jira's answer.
_WORST_FIRST = (ExitCode.GATE_BLOCKED, ExitCode.GATE_TIMEOUT, ExitCode.USAGE, ExitCode.AUTH,
                ExitCode.UNREACHABLE, ExitCode.REJECTED)


def worst_exit_code(codes: list[int]) -> int:
    """The code of the worst outcome among several sites' (see :data:`_WORST_FIRST`); 0 when all are 0."""
    for code in _WORST_FIRST:
        if code in codes:
            return code
    return max(codes, default=ExitCode.OK)


@dataclass(frozen=True)
class SitesResult:
    """A report to several sites: the keys and warnings they share, and each site's own result."""

    command: str
    keys: KeyDiscovery
    sites: list[tuple[str, ReportResult]]
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """The worst of the sites' exit codes (:func:`worst_exit_code`)."""
        return worst_exit_code([result.exit_code for _, result in self.sites])

    def to_json(self) -> dict[str, Any]:
        """One JSON object: the single-site shape summed over the sites (so readers of one site's output
        keep working), plus ``sites`` (each site's own object, with ``site`` and ``exitCode``) and the
        overall ``exitCode``."""
        per_site = []
        for name, result in self.sites:
            data = result.to_json()
            per_site.append({"site": name, "exitCode": result.exit_code, **data})
        first = per_site[0]
        combined: dict[str, Any] = {key: first[key] for key in first if key not in ("site", "exitCode")}
        for key in ("accepted", "rejected", "unknownAssociations", "gateDetails", "items"):
            combined[key] = [item for data in per_site for item in data[key]]
        combined["unknownIssueKeys"] = list(dict.fromkeys(key for data in per_site for key in data["unknownIssueKeys"]))
        combined["outboxed"] = sum(data["outboxed"] for data in per_site)
        combined["requests"] = sum(data["requests"] for data in per_site)
        undelivered = [f"{data['site']}: {data['undelivered']}" for data in per_site if data["undelivered"]]
        combined["undelivered"] = "; ".join(undelivered) or None
        gates = [data["gateStatus"] for data in per_site if data["gateStatus"]]
        combined["gateStatus"] = gates[0] if len(set(gates)) == 1 else ("; ".join(gates) or None)
        combined["warnings"] = [*self.warnings, *(f"{data['site']}: {line}" for data in per_site
                                                  for line in data["warnings"])]
        combined["notes"] = [*self.notes, *(f"{data['site']}: {line}" for data in per_site for line in data["notes"])]
        combined["exitCode"] = self.exit_code
        combined["sites"] = per_site
        return combined


def detect_ci(settings: Settings, environ: Optional[Mapping[str, str]] = None) -> CiContext:
    """The CI context, forced by ``settings.ci`` when given."""
    return ci_detection.detect(os.environ if environ is None else environ, force=settings.ci)


def _test_info(settings: Settings, warnings: list[str]) -> Optional[dict[str, int]]:
    counts = [settings.tests_total, settings.tests_passed, settings.tests_failed, settings.tests_skipped]
    info: Optional[dict[str, int]] = None
    if settings.junit:
        from jira_devops.jira.junit import count_reports  # noqa: PLC0415

        reading = count_reports(settings.junit, Path(settings.repo or "."))
        warnings.extend(reading.warnings)
        totals = reading.counts
        if totals is not None:
            info = {"totalNumber": totals.total, "numberPassed": totals.passed,
                    "numberFailed": totals.failed, "numberSkipped": totals.skipped}
    if any(value is not None for value in counts):
        if any(value is not None and value < 0 for value in counts):
            raise UsageError("test counts must not be negative")
        passed = settings.tests_passed
        failed = settings.tests_failed
        skipped = settings.tests_skipped or 0
        total = settings.tests_total
        if total is None:
            total = (passed or 0) + (failed or 0) + skipped
        if passed is None:
            passed = max(0, total - (failed or 0) - skipped)
        if failed is None:
            failed = max(0, total - passed - skipped)
        if passed + failed + skipped > total:
            raise UsageError(f"passed ({passed}) + failed ({failed}) + skipped ({skipped}) is more than "
                             f"the total ({total})")
        info = {"totalNumber": total, "numberPassed": passed, "numberFailed": failed, "numberSkipped": skipped}
    return info


@contextmanager
def _payload_checks(kind: str) -> Iterator[None]:
    """A value the API's schema refuses is the user's to fix: a one-line usage error, not a crash."""
    from pydantic import ValidationError  # noqa: PLC0415

    try:
        yield
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or kind
        more = f" (and {error.error_count() - 1} more)" if error.error_count() > 1 else ""
        raise UsageError(f"the {kind} cannot be sent: {where}: {first['msg']} (got {first.get('input')!r:.80})"
                         f"{more}", hint="fix the flag or setting that gives it") from None


def prepare_build(settings: Settings, ci: CiContext) -> tuple[Prepared, KeyDiscovery]:
    """The build payload and the keys it carries, without sending anything."""
    repository = Repository.find(settings.repo or ".")
    facts = git_facts(repository)
    keys = discover_keys(settings, ci, repository=repository)
    test_warnings: list[str] = []
    test_info = _test_info(settings, test_warnings)
    with _payload_checks("build"):
        prepared = build_item(settings, ci, facts, keys.key_names(), test_info=test_info)
    prepared.warnings[:0] = test_warnings
    return prepared, keys


def prepare_deployment(settings: Settings, ci: CiContext) -> tuple[Prepared, KeyDiscovery]:
    """The deployment payload and the keys it carries, without sending anything."""
    repository = Repository.find(settings.repo or ".")
    facts = git_facts(repository)
    keys = discover_keys(settings, ci, repository=repository)
    with _payload_checks("deployment"):
        prepared = deployment_item(settings, ci, facts, keys.key_names(), duration=settings.duration,
                                   rollback=keys.rollback)
    return prepared, keys


def _shared_warnings(ci: CiContext, keys: KeyDiscovery, prepared: Prepared) -> list[str]:
    return [*ci.notes, *keys.warnings, *prepared.warnings]


def _report(command: str, api: DevOpsApi, settings: Settings, prepared: Prepared, keys: KeyDiscovery,
            ci: CiContext, connection: Optional[Connection],
            progress: Optional[Callable[[GateEvent], None]] = None, *, shared: bool = True) -> ReportResult:
    """Send what was prepared, wait on a gate, record the deploy: each stage returns what it produced,
    and the result is assembled here, once. ``shared=False`` leaves out the warnings and notes every
    site shares (a :class:`SitesResult` holds them once)."""
    warnings = _shared_warnings(ci, keys, prepared) if shared else []
    notes = list(prepared.notes) if shared else []

    def result(**produced: Any) -> ReportResult:
        return ReportResult(command=command, api=api, keys=keys, dry_run=bool(settings.dry_run),
                            ci_provider=ci.provider, warnings=warnings, notes=notes, **produced)

    item = prepared.item
    if not (getattr(item, "issueKeys", None) or getattr(item, "associations", None)):
        warnings.append("no issue keys found, so Jira has nothing to attach this to and nothing was sent "
                        "(name one with --issue-key, or put it in the branch name or a commit message)")
        return result(skipped="no issue keys found")
    with _payload_checks(api[:-1]):
        bodies = request_bodies(api, [item], parse_properties(settings.property))
    if connection is None:
        return result(bodies=bodies)
    from jira_devops.delivery.sending import send  # noqa: PLC0415 - httpx only when sending

    delivery = send(connection, api, bodies, outbox=settings.outbox)
    warnings.extend(delivery.warnings)
    notes.extend(delivery.notes)
    gate = None
    requests = delivery.requests
    if settings.gate and delivery.undelivered is None:
        from jira_devops.delivery.gating import gate_reported_deployment  # noqa: PLC0415

        waited = gate_reported_deployment(connection, settings, delivery.accepted, delivery.unknown_associations,
                                          progress=progress)
        gate, requests = waited.outcome, requests + waited.requests
        notes.extend([waited.note] if waited.note else [])
    return result(bodies=bodies, delivery=delivery, gate=gate, requests=requests)


def report_build(settings: Settings, *, ci: Optional[CiContext] = None) -> ReportResult:
    """Report one build to Jira (or, with ``dry_run``, only prepare the request bodies)."""
    # Checked first, so missing credentials never pass unnoticed and no bad flag is found after sending.
    connection = check_report_settings(settings, "builds")
    context = ci or detect_ci(settings)
    prepared, keys = prepare_build(settings, context)
    return _report("report-build", "builds", settings, prepared, keys, context, connection)


def _site_connections(settings: Settings, api: DevOpsApi) -> list[tuple[str, Settings, Optional[Connection]]]:
    """Each site's settings and connection, every one checked before anything is looked at or sent, so a
    missing credential for one site never leaves the others half-reported."""
    from jira_devops.jira.sites import per_site_settings, site_variable  # noqa: PLC0415

    checked: list[tuple[str, Settings, Optional[Connection]]] = []
    for name, own in per_site_settings(settings):
        try:
            checked.append((name, own, check_report_settings(own, api)))
        except ConfigError as error:
            raise type(error)(f"site {name}: {error.message}",
                              hint=f"{error.hint or 'fix it'} (or {site_variable('client_id', name)}, "
                                   f"{site_variable('client_secret', name)}... for this site alone)") from None
    return checked


def _report_to_sites(command: str, api: DevOpsApi, sites: list[tuple[str, Settings, Optional[Connection]]],
                     prepared: Prepared, keys: KeyDiscovery, ci: CiContext,
                     progress: Optional[Callable[[GateEvent], None]] = None) -> SitesResult:
    """Report what was prepared to each site, each on its own connection."""
    results = [(name, _report(command, api, own, prepared, keys, ci, connection, progress, shared=False))
               for name, own, connection in sites]
    return SitesResult(command=command, keys=keys, sites=results, warnings=_shared_warnings(ci, keys, prepared),
                       notes=list(prepared.notes))


def report_build_to_sites(settings: Settings, *, ci: Optional[CiContext] = None) -> SitesResult:
    """Report one build to each of several sites (or, with ``dry_run``, only prepare it)."""
    sites = _site_connections(settings, "builds")
    context = ci or detect_ci(settings)
    prepared, keys = prepare_build(settings, context)
    return _report_to_sites("report-build", "builds", sites, prepared, keys, context)


def report_deploy_to_sites(settings: Settings, *, ci: Optional[CiContext] = None,
                           progress: Optional[Callable[[GateEvent], None]] = None) -> SitesResult:
    """Report one deployment to each of several sites, each with its own gate when ``settings.gate``;
    the deployed commit is recorded once, when no site's gate stopped it."""
    sites = _site_connections(settings, "deployments")
    context = ci or detect_ci(settings)
    prepared, keys = prepare_deployment(settings, context)
    result = _report_to_sites("report-deploy", "deployments", sites, prepared, keys, context, progress)
    problems = _record_deploy(settings, context, prepared, [site.gate_status for _, site in result.sites])
    return _with_record_problems(result, settings, problems)


def report_deploy(settings: Settings, *, ci: Optional[CiContext] = None,
                  progress: Optional[Callable[[GateEvent], None]] = None) -> ReportResult:
    """Report one deployment to Jira (or, with ``dry_run``, only prepare the request bodies).

    With ``settings.gate`` it then waits for the deployment gate's decision, telling ``progress`` how
    the wait goes; the result's ``gate_status`` and ``exit_code`` say how it ended.
    """
    connection = check_report_settings(settings, "deployments")
    context = ci or detect_ci(settings)
    prepared, keys = prepare_deployment(settings, context)
    result = _report("report-deploy", "deployments", settings, prepared, keys, context, connection, progress)
    problems = _record_deploy(settings, context, prepared, [result.gate_status])
    return _with_record_problems(result, settings, problems)


_Result = TypeVar("_Result", ReportResult, SitesResult)


def _with_record_problems(result: _Result, settings: Settings, problems: list[str]) -> _Result:
    """``result`` with the deploy-recording problems: warnings when the run relies on the history or
    asked for recording, notes otherwise."""
    if not problems:
        return result
    if settings.record is True or settings.since == "last-deploy":
        return dataclasses.replace(result, warnings=[*result.warnings, *problems])
    return dataclasses.replace(result, notes=[*result.notes, *problems])


def _record_deploy(settings: Settings, ci: CiContext, prepared: Prepared,
                   gate_statuses: list[Optional[str]]) -> list[str]:
    """Remember the commit a successful deployment shipped, for the next ``--since last-deploy``.

    The environment received the commit whatever Jira made of the report, so Jira's answer does not
    matter here; a dry run records nothing. Problems are warnings when the run uses the history or
    asked for recording, and notes otherwise (recording is on by default; nobody relies on it yet): the
    caller decides, this returns the problems.
    """
    from jira_devops.history.deploys import RECORDED_STATES, record_deploy  # noqa: PLC0415

    item = prepared.item
    if settings.dry_run or settings.record is False or item.state not in RECORDED_STATES \
            or any(status not in (None, "allowed") for status in gate_statuses):
        return []
    commit = settings.commit or ci.commit or "HEAD"
    return record_deploy(settings, ci, commit, item.environment.id)
