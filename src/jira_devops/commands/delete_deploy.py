"""`jira-devops delete-deploy`: delete one deployment from Jira."""

from __future__ import annotations

import argparse

from jira_devops.settings import Settings

NAME = "delete-deploy"
HELP = ("delete the deployment --pipeline-id / --environment-id #--deployment-number from Jira "
        "(asks first; --yes when not at a terminal)")
GROUPS = ("connection", "view", "ci", "deploy-id")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``--yes``: do not ask."""
    parser.add_argument("--yes", "-y", action="store_true", help="delete without asking")


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Confirm, delete, and say so."""
    from jira_devops.lookup import deployment_key  # noqa: PLC0415
    from jira_devops.manage import delete_deployment  # noqa: PLC0415
    from jira_devops.output import Printer  # noqa: PLC0415
    from jira_devops.prompt import confirm  # noqa: PLC0415
    from jira_devops.report import detect_ci  # noqa: PLC0415

    key = deployment_key(settings, detect_ci(settings), number_from_ci=False)
    confirm(key.describe(), yes=args.yes)
    delete_deployment(settings, key)
    printer = Printer(as_json=bool(settings.json), quiet=bool(settings.quiet))
    if printer.as_json:
        printer.json({"deleted": {"pipelineId": key.pipeline_id, "environmentId": key.environment_id,
                                  "deploymentSequenceNumber": key.deployment_number}})
    printer.line(f"deleted: {key.describe()}")
    return 0
