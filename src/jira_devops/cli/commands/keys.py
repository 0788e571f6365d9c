"""`jira-devops keys`: print the issue keys a report would carry, and where each one came from."""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING

from jira_devops.settings import Settings

if TYPE_CHECKING:
    from jira_devops.history.key_discovery import KeyDiscovery

NAME = "keys"
HELP = "print the issue keys a report would send (branch, PR title, commit messages, --issue-key)"
GROUPS = ("view", "ci", "keys", "history")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``--verbose`` explains the range choice and each key's sources on stderr."""
    parser.add_argument("--verbose", "-v", action="store_true",
                        help="explain which commits were read and why, and where each key came from")


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Find the keys and print them: one per line, or one JSON object with ``--json``."""
    # Only light modules here: this command runs on every CI step that needs keys.
    from jira_devops import ci as ci_detection  # noqa: PLC0415
    from jira_devops.history.key_discovery import discover_keys  # noqa: PLC0415
    from jira_devops.redact import redact  # noqa: PLC0415
    from jira_devops.untrusted_text import json_text, one_line  # noqa: PLC0415

    context = ci_detection.detect(os.environ, force=settings.ci)
    # Printed one per line, the keys need no record of which commits named them: the faster scan.
    found = discover_keys(settings, context, commit_sources=bool(settings.json or args.verbose))
    for warning in found.warnings:
        print(one_line(redact(f"warning: {warning}")), file=sys.stderr)
    if settings.json:
        document = {
            "issueKeys": found.key_names(),
            "keys": [{"key": key.key, "sources": list(key.sources), "commits": key.commits}
                     for key in found.keys],
            "range": found.range_used,
            "rangeBase": found.base_source,
            "commitsRead": found.commits_read,
            "truncated": found.truncated,
            "shallow": found.shallow,
            "explanation": list(found.explanation),
            "warnings": list(found.warnings),
        }
        import json  # noqa: PLC0415

        print(json_text(redact(json.dumps(document, indent=2, ensure_ascii=False))))
        return 0
    if args.verbose and not settings.quiet:
        for line in _explain(found):
            print(one_line(redact(line)), file=sys.stderr)
    names = found.key_names()
    if not args.verbose and not names and not settings.quiet:
        print("note: no issue keys found (--verbose says where it looked)", file=sys.stderr)
    sys.stdout.write("".join(f"{one_line(key)}\n" for key in names))
    return 0


def _explain(found: KeyDiscovery) -> list[str]:
    from jira_devops.history.key_discovery import describe  # noqa: PLC0415

    lines = [f"keys from: {describe(found)}"]
    lines.extend(f"  {line}" for line in found.explanation)
    if found.truncated:
        lines.append("  the range was cut at --max-commits")
    if not found.keys:
        lines.append("no issue keys found")
    for key in found.keys:
        more = key.commits - sum(1 for source in key.sources if source.startswith("commit:"))
        extra = f" and {more} more commit(s)" if more > 0 else ""
        lines.append(f"{key.key}: from {', '.join(key.sources)}{extra}")
    return lines
