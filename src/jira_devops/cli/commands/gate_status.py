"""`jira-devops gate-status`: check, or wait for, the gate of a deployment reported with ``--gate``."""

from __future__ import annotations

import argparse

from jira_devops.settings import Settings

NAME = "gate-status"
HELP = ("check the deployment gate of a deployment reported with --gate (exit 0 allowed, 5 prevented or "
        "invalid, 6 not decided); --wait polls until Jira decides")
GROUPS = ("connection", "view", "ci", "deploy-id", "gate")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``--wait``: poll until a decision or ``--gate-timeout``."""
    parser.add_argument("--wait", action="store_true",
                        help="poll every --gate-poll until Jira decides or --gate-timeout passes")


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Look at (or wait on) the gate and print how it stands."""
    from jira_devops.cli.gate_output import GateProgressPrinter, print_outcome  # noqa: PLC0415
    from jira_devops.delivery.gating import check_gate, gate_timing, wait_for_gate  # noqa: PLC0415
    from jira_devops.delivery.report import detect_ci  # noqa: PLC0415
    from jira_devops.jira.client import DevOpsClient  # noqa: PLC0415
    from jira_devops.jira.connection import connection_from_settings  # noqa: PLC0415
    from jira_devops.jira.lookup import deployment_key  # noqa: PLC0415

    key = deployment_key(settings, detect_ci(settings))
    timeout, poll = gate_timing(settings)
    connection = connection_from_settings(settings)
    progress = GateProgressPrinter(quiet=bool(settings.quiet))
    with DevOpsClient.open(connection) as client:
        try:
            if args.wait:
                outcome = wait_for_gate(client, key, timeout=timeout, poll=poll, progress=progress)
            else:
                outcome = check_gate(client, key)
        finally:
            progress.close()
    print_outcome(outcome, as_json=bool(settings.json), quiet=bool(settings.quiet),
                  show_change_requests=not args.wait)
    return outcome.exit_code
