"""Every flag of a report checked before the first request, so a bad one never leaves half a report behind.

``report-deploy --gate --gate-poll 0`` once submitted the deployment (opening a gate nobody waited for)
and only then said the poll interval was wrong. :func:`check_report_settings` runs first, before the deploy
history is asked, git is fetched or Jira is contacted, and validates what would otherwise be looked at only
later: the connection (API URL, site, credentials, ``--timeout``), the gate's timing, the deploy marker's
ref prefix and the first-deploy depth.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from jira_devops.errors import UsageError

if TYPE_CHECKING:
    from jira_devops.jira.connection import Connection
    from jira_devops.settings import Settings


def check_report_settings(settings: Settings, kind: str) -> Optional[Connection]:
    """Validate the settings of a report of ``kind``; the connection to use (``None`` for a dry run)."""
    if settings.timeout is not None and settings.timeout <= 0:
        raise UsageError(f"{settings.describe_source('timeout')} must be more than 0", hint="e.g. --timeout 90s")
    if kind == "deployments":
        _check_deploy_settings(settings)
    if settings.dry_run:
        return None
    from jira_devops.jira.connection import connection_from_settings  # noqa: PLC0415 - only when sending

    return connection_from_settings(settings)


def _check_deploy_settings(settings: Settings) -> None:
    if settings.gate:
        from jira_devops.delivery.gating import gate_timing  # noqa: PLC0415

        gate_timing(settings)
    if settings.first_deploy_depth is not None and settings.first_deploy_depth < 1:
        raise UsageError("--first-deploy-depth must be 1 or more")
    if settings.record is not False and (settings.history or "auto") in ("auto", "git-ref"):
        from jira_devops.history.deploys.git_ref import marker_ref  # noqa: PLC0415

        marker_ref(settings.ref_prefix, "preflight")  # the prefix alone decides whether a ref can be formed
