"""`jira-devops context`: show what the CI environment says about this run, and which provider matched."""

from __future__ import annotations

import argparse
from typing import Any

from jira_devops.settings import Settings

NAME = "context"
HELP = "show the CI context detected from the environment (provider, pipeline, run, branch, commits)"
GROUPS = ("view", "ci")

_FIELDS: tuple[tuple[str, str], ...] = (
    ("pipelineId", "pipeline id"), ("pipelineName", "pipeline name"), ("pipelineUrl", "pipeline url"),
    ("runNumber", "run number"), ("attempt", "attempt"), ("runUrl", "run url"), ("branch", "branch"),
    ("tag", "tag"), ("commit", "commit"), ("previousCommit", "previous commit"),
    ("prBaseCommit", "pull request base"), ("prNumber", "pull request"), ("prTitle", "pull request title"),
    ("repositoryUrl", "repository url"), ("jobStatus", "job status"),
    ("environmentName", "environment"),
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """No arguments beyond the settings."""


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Detect the CI and print its context (as JSON with ``--json``); notes go to stderr as warnings."""
    from jira_devops.cli.output import Printer  # noqa: PLC0415
    from jira_devops.delivery.report import detect_ci  # noqa: PLC0415

    context = detect_ci(settings)
    printer = Printer(as_json=bool(settings.json), quiet=bool(settings.quiet))
    for note in context.notes:
        printer.warning(note)
    if settings.json:
        printer.json(context.as_dict())
        return 0
    for line in describe(context.as_dict()):
        printer.line(line)
    return 0


def describe(data: dict[str, Any]) -> list[str]:
    """The human form of a context: the provider and how it was recognised, then one line per known field."""
    if data["provider"] == "generic":
        how = f" ({data['detectedBy']})" if data.get("detectedBy") else ""
        lines = [f"provider: generic, no CI detected{how}: flags and git give everything"]
    else:
        lines = [f"provider: {data['providerName']} ({data['provider']}), detected by {data['detectedBy']}"]
    width = max(len(label) for _, label in _FIELDS) + 1
    for name, label in _FIELDS:
        value = data.get(name)
        if value is not None:
            lines.append(f"{label + ':':<{width}} {value}{_state_hint(name, value)}")
    return lines


def _state_hint(name: str, value: Any) -> str:
    """For the job status, the build state Jira would be sent (or that the word is not known)."""
    if name != "jobStatus":
        return ""
    from jira_devops.ci.states import map_state  # noqa: PLC0415

    try:
        return f" (a build would be reported {map_state(str(value), 'builds')})"
    except ValueError:
        return " (not a known state word: pass --state)"
