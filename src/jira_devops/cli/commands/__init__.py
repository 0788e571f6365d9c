"""The CLI's subcommands: one module each, light to import (heavy imports happen inside ``run``).

Each module is a :class:`CommandModule`: it defines ``NAME``, ``HELP``, ``GROUPS`` (the setting groups it
takes, see :mod:`jira_devops.settings`), ``add_arguments(parser)`` for command-only arguments, and
``run(args, settings) -> int``. mypy checks every module listed here against that protocol.
"""

from __future__ import annotations

import argparse
import importlib
from typing import TYPE_CHECKING, Protocol, cast

if TYPE_CHECKING:
    from jira_devops.settings import Settings


class CommandModule(Protocol):
    """What a command module provides (a module satisfies a protocol through its top-level names)."""

    @property
    def NAME(self) -> str: ...

    @property
    def HELP(self) -> str: ...

    @property
    def GROUPS(self) -> tuple[str, ...]: ...

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        """Add the command's own arguments (beyond the settings)."""

    def run(self, args: argparse.Namespace, settings: Settings) -> int:
        """Run the command; its exit code."""


COMMAND_MODULES: tuple[str, ...] = (
    "jira_devops.cli.commands.report_build",
    "jira_devops.cli.commands.report_deploy",
    "jira_devops.cli.commands.context",
    "jira_devops.cli.commands.keys",
    "jira_devops.cli.commands.gate_status",
    "jira_devops.cli.commands.get_build",
    "jira_devops.cli.commands.get_deploy",
    "jira_devops.cli.commands.delete_build",
    "jira_devops.cli.commands.delete_deploy",
    "jira_devops.cli.commands.report_dev",
    "jira_devops.cli.commands.report_flag",
    "jira_devops.cli.commands.hook",
    "jira_devops.cli.commands.get_repository",
    "jira_devops.cli.commands.delete_repository",
    "jira_devops.cli.commands.delete_dev",
    "jira_devops.cli.commands.get_flag",
    "jira_devops.cli.commands.delete_flag",
    "jira_devops.cli.commands.delete",
    "jira_devops.cli.commands.flush",
    "jira_devops.cli.commands.outbox_list",
    "jira_devops.cli.commands.check",
    "jira_devops.cli.commands.emulator",
    "jira_devops.cli.commands.demo",
)


def load_command(module_name: str) -> CommandModule:
    """Import one command module (each is checked against :class:`CommandModule` below)."""
    return cast(CommandModule, importlib.import_module(module_name))


def markdown_table() -> str:
    """The README's table of commands, from the command modules themselves so the two cannot drift."""
    rows = ["| command | what it does |", "|---|---|"]
    for module_name in COMMAND_MODULES:
        module = load_command(module_name)
        rows.append(f"| `jira-devops {module.NAME}` | {module.HELP} |")
    return "\n".join(rows)


if TYPE_CHECKING:  # mypy checks that every module listed above provides what the CLI calls
    from jira_devops.cli.commands import (
        check,
        context,
        delete,
        delete_build,
        delete_deploy,
        delete_dev,
        delete_flag,
        delete_repository,
        demo,
        emulator,
        flush,
        gate_status,
        get_build,
        get_deploy,
        get_flag,
        get_repository,
        hook,
        keys,
        outbox_list,
        report_build,
        report_deploy,
        report_dev,
        report_flag,
    )

    _CHECKED: tuple[CommandModule, ...] = (
        report_build, report_deploy, context, keys, gate_status, get_build, get_deploy, delete_build,
        delete_deploy, report_dev, report_flag, hook, get_repository, delete_repository, delete_dev, get_flag,
        delete_flag, delete, flush, outbox_list, check, emulator, demo,
    )
