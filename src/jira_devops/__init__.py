"""jira-devops: tell Jira Cloud what your CI/CD did.

The library API mirrors the CLI: build :class:`~jira_devops.settings.Settings`, then call
:func:`jira_devops.delivery.report.report_build` or :func:`jira_devops.delivery.report.report_deploy`. Heavy modules are
imported on first use, so ``import jira_devops`` is cheap.
"""

from __future__ import annotations

from typing import Any

from jira_devops._version import __version__

__all__ = ["__version__", "report_build", "report_deploy"]


def __getattr__(name: str) -> Any:
    if name in ("report_build", "report_deploy"):
        from jira_devops.delivery import report  # noqa: PLC0415

        return getattr(report, name)
    raise AttributeError(f"module 'jira_devops' has no attribute {name!r}")
