"""The README stays true: two set-up commands, the generated settings table, every exit code, live links."""

from __future__ import annotations

import re
from pathlib import Path

from jira_devops.errors import ExitCode
from jira_devops.settings import markdown_table

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_readme_opens_with_exactly_two_set_up_commands() -> None:
    first_block = re.search(r"```sh\n(.*?)```", README, re.S)
    assert first_block is not None
    commands = [line for line in first_block.group(1).splitlines() if line.strip()]
    assert len(commands) == 2
    assert "jira-devops demo" in commands[0]
    assert commands[1] == "bash .ci/run"
    assert README.index("```sh") < README.index("## ")


def test_the_settings_table_is_the_generated_one() -> None:
    assert markdown_table() in README, "regenerate with: python scripts/update_readme.py"


def test_every_exit_code_is_documented() -> None:
    section = README.split("## Exit codes", 1)[1].split("\n## ", 1)[0]
    documented = {int(code) for code in re.findall(r"^\| (\d+) \|", section, re.M)}
    codes = {value for name, value in vars(ExitCode).items() if not name.startswith("_") and isinstance(value, int)}
    assert codes <= documented


def test_relative_links_point_at_files_that_exist() -> None:
    for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", README):
        assert (ROOT / target).exists(), target


def test_the_commands_table_is_the_generated_one() -> None:
    from jira_devops.cli.commands import markdown_table

    assert markdown_table() in README


def test_the_provider_tables_match_the_provider_docs() -> None:
    providers = README.split("<!-- providers:start -->", 1)[1].split("<!-- providers:end -->", 1)[0]
    docs = (ROOT / "docs" / "ci-providers.md").read_text(encoding="utf-8")
    tables = [block.strip() for block in providers.split("\n\n") if block.startswith("| provider")]
    assert len(tables) == 2
    for table in tables:
        assert table in docs


def test_every_field_of_the_json_result_is_documented() -> None:
    from jira_devops.delivery.report import ReportResult

    section = README.split("## Output", 1)[1].split("\n## ", 1)[0]
    for name in ReportResult(command="report-build", api="builds").to_json():
        assert f"`{name}`" in section, name
