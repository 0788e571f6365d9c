"""The CLI's subcommands: one module each, light to import (heavy imports happen inside ``run``).

Each module defines ``NAME``, ``HELP``, ``GROUPS`` (the setting groups it takes, see
:mod:`jira_devops.settings`), ``add_arguments(parser)`` for command-only arguments, and
``run(args, settings) -> int``.
"""

COMMAND_MODULES: tuple[str, ...] = (
    "jira_devops.commands.report_build",
    "jira_devops.commands.report_deploy",
    "jira_devops.commands.context",
    "jira_devops.commands.keys",
    "jira_devops.commands.gate_status",
    "jira_devops.commands.get_build",
    "jira_devops.commands.get_deploy",
    "jira_devops.commands.delete_build",
    "jira_devops.commands.delete_deploy",
    "jira_devops.commands.delete",
    "jira_devops.commands.flush",
    "jira_devops.commands.outbox_list",
    "jira_devops.commands.emulator",
    "jira_devops.commands.demo",
)
