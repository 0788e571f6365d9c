"""Issue 16 item 11: the state mapping, documented from the code, and where it differs from Atlassian's plugin."""

from __future__ import annotations

from pathlib import Path

import pytest

from jira_devops.ci.states import DIFFERENCES, map_state, markdown_table

ROOT = Path(__file__).resolve().parents[2]

# Jenkins results and the state Atlassian's plugin sends for each (its JenkinsToJiraStatusTest), with ours.
PLUGIN_CASES = [
    pytest.param("SUCCESS", "successful", id="plugin-success"),
    pytest.param("FAILURE", "failed", id="plugin-failure"),
    pytest.param("UNSTABLE", "failed", id="differs-plugin-sends-unknown-but-failing-tests-failed-the-build"),
]


@pytest.mark.parametrize(("word", "ours"), PLUGIN_CASES)
def test_jenkins_results_map_like_the_plugin_except_unstable(word: str, ours: str) -> None:
    assert map_state(word, "builds") == ours


def test_the_docs_hold_the_generated_state_table_with_each_difference_explained() -> None:
    docs = (ROOT / "docs" / "ci-providers.md").read_text(encoding="utf-8")
    assert f"<!-- states:start -->\n{markdown_table()}\n<!-- states:end -->" in docs, (
        "docs/ci-providers.md is out of date: run scripts/update_readme.py")
    for word in DIFFERENCES:
        assert f"`{word.upper()}` → `failed`: Atlassian's Jenkins plugin sends `unknown`" in docs
