"""`jira-devops emulator`: serve a local stand-in for Jira's DevOps APIs until stopped."""

from __future__ import annotations

import argparse

from jira_devops.settings import Settings

NAME = "emulator"
HELP = "serve a local stand-in for Jira's DevOps APIs (for trying things out and for tests)"
GROUPS: tuple[str, ...] = ()


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The emulator's own flags (they do not go through the settings registry: they configure the stand-in)."""
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port to listen on (default 0: any free port)")
    parser.add_argument("--client-id", dest="emulator_client_id", default=None, metavar="ID",
                        help="OAuth client ID to accept (default emulator-client)")
    parser.add_argument("--client-secret-file", dest="emulator_secret_file", default=None, metavar="PATH",
                        help="file holding the OAuth client secret to accept (default: emulator-secret)")
    parser.add_argument("--projects", default=None, metavar="KEYS",
                        help="comma-separated Jira project keys whose issues exist (default ABC,OPS,DEMO)")
    parser.add_argument("--state-file", default=None, metavar="PATH",
                        help="keep what was reported in this JSON file across restarts")
    parser.add_argument("--gate-decision", default="allowed", metavar="DECISION",
                        help="how deployment gates decide: allowed, prevented, invalid, awaiting, or "
                        "awaiting:N (N polls awaiting, then allowed) (default allowed)")
    parser.add_argument("--fail-rate", type=float, default=0.0, metavar="FRACTION",
                        help="answer this fraction of API requests with 503 (default 0)")
    parser.add_argument("--latency", type=float, default=0.0, metavar="SECONDS",
                        help="delay every API answer by this long (default 0)")
    parser.add_argument("--token-lifetime", type=int, default=3600, metavar="SECONDS",
                        help="how long issued access tokens stay valid (default 3600, as Atlassian's)")
    parser.add_argument("--permissions", default=None, metavar="APIS",
                        help="the permissions the accepted credentials carry, comma-separated from builds, "
                        "deployments, devinfo, featureflags; other APIs answer 403 (default: all four)")
    parser.add_argument("--read-timeout", type=float, default=30.0, metavar="SECONDS",
                        help="drop a client that sends nothing for this long, mid-request or idle (default 30)")
    parser.add_argument("--quiet", action="store_true", help="do not log each request on stderr")


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Start the emulator, print where it listens, and serve until Ctrl-C or SIGTERM."""
    from jira_devops.emulator.run import config_from_args, serve  # noqa: PLC0415

    return serve(config_from_args(args))
