"""`jira-devops demo`: report a build and a deployment of a throwaway repository to a local Jira stand-in."""

from __future__ import annotations

import argparse

from jira_devops.settings import Settings

NAME = "demo"
HELP = ("try it out: report a build, a deployment, development information and a feature flag to a local Jira "
        "stand-in (no site, no network)")
GROUPS: tuple[str, ...] = ()


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``--keep-running`` leaves the stand-in up afterwards to browse what it stored."""
    parser.add_argument("--keep-running", action="store_true",
                        help="keep the stand-in running afterwards (its page lists what Jira would show)")


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Run the demo and return its exit code."""
    import sys  # noqa: PLC0415

    from jira_devops.emulator.demo import Demo  # noqa: PLC0415

    return Demo(sys.stdout, keep_running=bool(args.keep_running)).run()
