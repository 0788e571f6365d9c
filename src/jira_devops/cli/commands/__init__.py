"""The CLI's subcommands: one module each, light to import (heavy imports happen inside ``run``).

Each module defines ``NAME``, ``HELP``, ``GROUPS`` (the setting groups it takes, see
:mod:`jira_devops.settings`), ``add_arguments(parser)`` for command-only arguments, and
``run(args, settings) -> int``.
"""

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


def markdown_table() -> str:
    """The README's table of commands, from the command modules themselves so the two cannot drift."""
    import importlib  # noqa: PLC0415 - only the README and its test need it

    rows = ["| command | what it does |", "|---|---|"]
    for module_name in COMMAND_MODULES:
        module = importlib.import_module(module_name)
        rows.append(f"| `jira-devops {module.NAME}` | {module.HELP} |")
    return "\n".join(rows)
