"""The commit scan's two ways of collecting keys agree: with their sources, and names alone."""

from __future__ import annotations

import random
from typing import Any

import pytest

from jira_devops.history.issue_keys import KeyCollector, make_rule

WORDS = ["ABC-1", "OPS-22", "abc-3", "Größe", "café", "ÄBC-4", "修复DEMO-5的", "ABC-6é", "DATA_ENG-7", "UTF-8",
         "x", "\n", "  ", "«OPS-9»", "ABC-1", "٣ABC-10", "ABC-11٣", "feature/ABC-12_x", "ABC-13-x", "ЖOPS-14"]


def _history(seed: int, commits: int) -> list[tuple[list[bytes], list[bytes]]]:
    """Blocks of (shas, messages) as the git reader gives them, some messages in Latin-1."""
    generator = random.Random(seed)
    shas, messages = [], []
    for number in range(commits):
        text = " ".join(generator.choice(WORDS) for _ in range(generator.randint(0, 6)))
        encoding = "latin-1" if generator.random() < 0.1 and all(ord(c) < 256 for c in text) else "utf-8"
        shas.append(b"%040x" % number)
        messages.append(text.encode(encoding))
    size = generator.randint(1, 40)
    return [(shas[start:start + size], messages[start:start + size]) for start in range(0, commits, size)]


@pytest.mark.parametrize("rule_options", [{}, {"ignore_case": True}, {"projects": ["ABC", "OPS"]},
                                          {"projects": ["abc"], "ignore_case": True}])
@pytest.mark.parametrize("seed", range(6))
def test_names_alone_are_the_names_of_the_full_scan_in_the_same_order(rule_options: dict[str, Any],
                                                                      seed: int) -> None:
    rule = make_rule(**rule_options)
    blocks = _history(seed, 300)
    full, names_only = KeyCollector(), KeyCollector(commit_sources=False)
    full.add(["OPS-22"], "branch")
    names_only.add(["OPS-22"], "branch")
    full.scan_commits(blocks, rule)
    names_only.scan_commits(blocks, rule)
    assert names_only.names() == full.names() == [found.key for found in full.found()]
    assert len(full.names()) > 3  # the histories do name keys


def test_a_names_only_collector_has_no_sources_to_give() -> None:
    collector = KeyCollector(commit_sources=False)
    collector.scan_commits([([b"a" * 40], [b"ABC-1"])], make_rule())
    assert collector.names() == ["ABC-1"]
    with pytest.raises(RuntimeError, match="no commit sources"):
        collector.found()
