"""`jira-devops hook post-receive`: a git server's hook; tells Jira what was pushed and never fails the push."""

from __future__ import annotations

import argparse
import sys

from jira_devops.settings import Settings

NAME = "hook"
HELP = ("git server hook: 'hook post-receive' reads git's '<old> <new> <ref>' lines and reports the pushed commits "
        "and branches (always exits 0, at most one line of output)")
GROUPS = ("connection", "output", "dev", "keys")
ALWAYS_EXITS_ZERO = True  # a hook's failure must never look like the push's


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Which hook (only ``post-receive``)."""
    parser.add_argument("hook_name", choices=("post-receive",), metavar="post-receive",
                        help="the git hook this runs as")


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Read the pushed refs from standard input, report them, print one line at most."""
    import json  # noqa: PLC0415

    from jira_devops.delivery.hook import post_receive  # noqa: PLC0415
    from jira_devops.redact import redact  # noqa: PLC0415

    outcome = post_receive(settings, sys.stdin.read().splitlines())
    if settings.dry_run:
        for body in outcome.bodies:
            print(json.dumps(body, ensure_ascii=False))
    if outcome.line and (outcome.problem or not settings.quiet):
        print(redact(outcome.line), file=sys.stderr)
    return 0
