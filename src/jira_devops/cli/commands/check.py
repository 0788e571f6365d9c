"""`jira-devops check`: can these credentials report to this site from here? Nothing is written to Jira."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from jira_devops.settings import Settings

if TYPE_CHECKING:
    from jira_devops.cli.output import Printer
    from jira_devops.jira.check import CheckResult

NAME = "check"
HELP = ("check the credentials, the cloud ID and each API's permission, the proxy, CAs, clock and checkout "
        "(exit 3 if something needed is missing)")
GROUPS = ("connection", "view")
_API_NAMES = ("builds", "deployments", "devinfo", "featureflags")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``--need API`` names the APIs the pipeline's commands use (default builds and deployments)."""
    parser.add_argument("--need", action="append", choices=_API_NAMES, metavar="API",
                        help="an API the pipeline's commands need, repeatable: " + ", ".join(_API_NAMES)
                        + " (default builds and deployments)")


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Run the check and print what it found."""
    from jira_devops.cli.output import Printer  # noqa: PLC0415
    from jira_devops.jira.check import DEFAULT_NEEDS, run_check  # noqa: PLC0415
    from jira_devops.jira.connection import connection_from_settings  # noqa: PLC0415

    result = run_check(connection_from_settings(settings), needs=tuple(dict.fromkeys(args.need or DEFAULT_NEEDS)))
    printer = Printer(as_json=bool(settings.json), quiet=bool(settings.quiet))
    for warning in result.warnings:
        printer.warning(warning)
    if settings.json:
        printer.json(result.to_json())
    else:
        _summary(printer, result)
    if result.problem is not None:
        printer.error(result.problem.one_line())
    return result.exit_code


def _summary(printer: Printer, result: CheckResult) -> None:
    from jira_devops.jira.check import APIS  # noqa: PLC0415

    printer.line(f"Jira: {result.site_url or result.api_url} (API {result.api_url})")
    printer.line(f"credentials: {result.credentials}")
    printer.line(f"cloud ID: {result.cloud_id or 'not found'}")
    for api, (permission, _path) in APIS.items():
        allowed = result.permissions.get(api)
        needed = api in result.needs
        if allowed is True:
            state = "ok"
        elif allowed is False:
            state = "missing — edit the credentials in Jira and add it" if needed else "missing (not needed)"
        else:
            state = "not checked"
        printer.line(f"{permission}: {state}")
    printer.line(f"proxy: {result.proxy or 'none (direct)'}")
    printer.line(f"trusted CAs: {result.trust}")
    if result.clock_offset is not None:
        printer.line(f"clock offset: {result.clock_offset:+.1f}s against the server's Date header")
    shallow = {True: "shallow", False: "full history", None: "not a git repository"}[result.shallow]
    printer.line(f"checkout: {shallow}")
    missing = [APIS[api][0] for api in result.missing]
    printer.line("ready to report" if result.exit_code == 0 else
                 f"not ready: {', '.join(missing) or 'see the error'}")
