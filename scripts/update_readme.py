"""Rewrite the generated parts of the README (the settings, commands and CI provider tables) and of
docs/ci-providers.md (the state mapping table).

Run after changing a setting, a command or docs/ci-providers.md: ``python scripts/update_readme.py``.
tests/docs checks that the README matches.
"""

from __future__ import annotations

import re
from pathlib import Path

from jira_devops.ci.states import markdown_table as states_table
from jira_devops.cli.commands import markdown_table as commands_table
from jira_devops.settings import markdown_table as settings_table

ROOT = Path(__file__).resolve().parents[1]


def _provider_tables() -> str:
    docs = (ROOT / "docs" / "ci-providers.md").read_text(encoding="utf-8")

    def table_after(heading: str) -> str:
        section = docs[docs.index(heading):]
        return next(block.strip() for block in section.split("\n\n") if block.startswith("| provider"))

    return ("Detected by, in this order:\n\n" + table_after("## Detection")
            + "\n\nWhich variable feeds each field (\"prev\" is the previous successful or \"before\" commit; keys"
            " of the commits\nafter it are reported; \"PR base\" does the same for pull/merge request runs):\n\n"
            + table_after("## Which variable feeds each field"))


def _replace_between(text: str, name: str, body: str) -> str:
    pattern = re.compile(rf"<!-- {name}:start -->.*?<!-- {name}:end -->", re.S)
    return pattern.sub(lambda _match: f"<!-- {name}:start -->\n{body}\n<!-- {name}:end -->", text)


def main() -> None:
    """Regenerate the tables in place."""
    providers = ROOT / "docs" / "ci-providers.md"
    providers.write_text(_replace_between(providers.read_text(encoding="utf-8"), "states", states_table()),
                         encoding="utf-8")
    path = ROOT / "README.md"
    text = path.read_text(encoding="utf-8")
    text = _replace_between(text, "settings", settings_table())
    text = _replace_between(text, "commands", commands_table())
    text = _replace_between(text, "providers", _provider_tables())
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
