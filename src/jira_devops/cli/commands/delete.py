"""`jira-devops delete --property k=v`: delete everything reported with the given properties."""

from __future__ import annotations

import argparse

from jira_devops.cli.commands._delete_one import add_yes_argument, delete_in_background
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
    from jira_devops.jira.manage import API_NAMES, delete_by_properties, properties_to_delete  # noqa: PLC0415
    from jira_devops.jira.models import DEVOPS_APIS  # noqa: PLC0415

    properties = properties_to_delete(settings.property)
    apis = DEVOPS_APIS if args.kind == "all" else tuple(api for api in DEVOPS_APIS if api == args.kind)
    matching = " and ".join(f"{key}={value}" for key, value in properties.items())
    what = f"every {' and every '.join(API_NAMES[api] for api in apis)} reported with {matching}"
    return delete_in_background(args, settings, what, lambda: delete_by_properties(settings, properties, apis),
                                {"deleted": list(apis), "properties": properties})
