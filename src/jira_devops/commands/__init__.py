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


def markdown_table() -> str:
    """The README's table of commands, from the command modules themselves so the two cannot drift."""
    import importlib  # noqa: PLC0415 - only the README and its test need it

    rows = ["| command | what it does |", "|---|---|"]
    for module_name in COMMAND_MODULES:
        module = importlib.import_module(module_name)
        rows.append(f"| `jira-devops {module.NAME}` | {module.HELP} |")
    return "\n".join(rows)
