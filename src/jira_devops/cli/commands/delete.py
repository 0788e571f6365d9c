"""`jira-devops delete --property k=v`: delete everything reported with the given properties."""

from __future__ import annotations

import argparse

from jira_devops.cli.commands._delete_one import add_yes_argument
from jira_devops.settings import Settings

NAME = "delete"
HELP = ("delete every build, deployment, repository and feature flag reported with all the given --property k=v "
        "(asks first; --yes when not at a terminal)")
GROUPS = ("connection", "view", "delete")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``--kind`` narrows what is deleted; ``--yes`` skips the question."""
    parser.add_argument("--kind", choices=("builds", "deployments", "devinfo", "featureflags", "all"), default="all",
                        help="delete only this kind (default: all four)")
    add_yes_argument(parser)


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Validate the properties, confirm, and ask Jira to delete."""
    from jira_devops.cli.output import Printer  # noqa: PLC0415
    from jira_devops.cli.prompt import confirm  # noqa: PLC0415
    from jira_devops.jira.manage import KIND_NAMES, KINDS, delete_by_properties, properties_to_delete  # noqa: PLC0415

    properties = properties_to_delete(settings.property)
    kinds = KINDS if args.kind == "all" else (args.kind,)
    matching = " and ".join(f"{key}={value}" for key, value in properties.items())
    what = f"every {' and every '.join(KIND_NAMES[kind] for kind in kinds)} reported with {matching}"
    confirm(what, yes=args.yes)
    delete_by_properties(settings, properties, kinds)
    printer = Printer(as_json=bool(settings.json), quiet=bool(settings.quiet))
    if printer.as_json:
        printer.json({"deleted": list(kinds), "properties": properties, "asynchronous": True})
    printer.line(f"Jira accepted the deletion of {what} (it deletes in the background)")
    return 0
