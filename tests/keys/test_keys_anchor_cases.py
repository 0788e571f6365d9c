"""The key-extraction cases of the tools this one replaces, as data: their inputs and the keys they expect.

Sources (public test suites; the inputs and expected keys are facts, no code is taken):

- Atlassian's Jenkins plugin (jenkinsci/atlassian-jira-software-cloud-plugin): ``IssueKeyStringExtractorTest``,
  ``BranchNameIssueKeyExtractorTest``, ``ChangeLogExtractorTest``.
- rohit-gohri/jira-ci-cd-integration: ``__tests__/utils.test.ts`` (its key regex).
- CircleCI-Public/jira-orb: the scan jobs of ``.circleci/test-deploy.yml`` (commit, branch, tag annotation).

Where this tool deliberately answers differently, the case's id says ``differs-`` and why, and the expected
value is ours.
"""

from __future__ import annotations

import pytest

from jira_devops.ci.context import CiContext
from jira_devops.history.issue_keys import make_rule
from jira_devops.jira.models import MAX_ASSOCIATION_VALUES
from jira_devops.jira.payloads import GitFacts, build_item
from jira_devops.settings import Settings
from support.key_rule import keys_in_message

_PLUGIN_LONG_MESSAGE = "Commit message" + "".join(f" TEST-TEST-{n}" for n in range(1, 510))

# (id, text, keys we find in order of appearance)
TEXT_CASES = [
    # IssueKeyStringExtractorTest
    ("plugin-one-key-at-the-start", "TEST-123-add-an-awesome-feature", ["TEST-123"]),
    ("plugin-two-keys", "TEST-123 TEST-789 Add two awesome features", ["TEST-123", "TEST-789"]),
    ("plugin-keys-in-the-middle", "This commit fixes TEST-89 and TEST-55.", ["TEST-89", "TEST-55"]),
    ("plugin-no-key", "input without any issue key", []),
    # BranchNameIssueKeyExtractorTest
    ("plugin-branch-name", "TEST-123-branch-name", ["TEST-123"]),
    # ChangeLogExtractorTest (one message each; the several-entries cases are below)
    ("plugin-changelog-one-entry", "TEST-123 Commit message", ["TEST-123"]),
    ("plugin-changelog-squashed-commits",
     "Squashed Commit title (#12)\n* TEST-3 Fix bug #1\n\n* TEST-4 Fix bug #2\n", ["TEST-3", "TEST-4"]),
    # rohit-gohri/jira-ci-cd-integration
    ("rohit-key-between-numbers", "12321 ISSUE-123456 1231", ["ISSUE-123456"]),
    ("rohit-underscore-and-digit-in-project", "ISSUE_1HI-123456", ["ISSUE_1HI-123456"]),
    ("rohit-letter-and-digit-project", "I1-1", ["I1-1"]),
    ("rohit-no-number-after-dash", "IS-", []),
    ("rohit-letter-after-dash", "IS-B", []),
    ("rohit-one-letter-project", "I-1", []),
    ("rohit-project-starting-with-digits", "1234-123456", []),
    ("rohit-a-date", "2022-02", []),
    ("rohit-numbers", "Numbers 12-52", []),
    # rohit's regex takes any Unicode letter into the project key (\p{L}); Jira's project keys are ASCII,
    # so a key glued to a non-ASCII letter is no key here (not the look-alike BC-12 either).
    ("differs-rohit-unicode-letters-are-no-project-key-jira-keys-are-ascii", "ÄBC-12", []),
    # CircleCI orb scan jobs
    ("orb-scan-commit", "test: test-scan-commit CFJ-2", ["CFJ-2"]),
    ("orb-scan-branch", "feat/CFJ-2", ["CFJ-2"]),
    ("orb-tag-annotation-text", "Jira: CFJ-2", ["CFJ-2"]),
]


@pytest.mark.parametrize(("text", "expected"), [pytest.param(text, keys, id=name) for name, text, keys in TEXT_CASES])
def test_anchor_text_cases(text: str, expected: list[str]) -> None:
    rule = make_rule()
    assert rule.find(text) == expected
    assert keys_in_message(rule, text.encode()) == expected, "commit messages (bytes) agree with text"


# (id, commit messages newest first, the set of keys the run carries)
CHANGELOG_CASES = [
    ("plugin-changelog-no-change-sets", [], set()),
    ("plugin-changelog-several-entries", ["TEST-456 Commit message", "TEST-123 Commit message"],
     {"TEST-123", "TEST-456"}),
]


@pytest.mark.parametrize(("messages", "expected"),
                         [pytest.param(messages, keys, id=name) for name, messages, keys in CHANGELOG_CASES])
def test_anchor_changelog_cases(messages: list[str], expected: set[str]) -> None:
    rule = make_rule()
    assert {key for message in messages for key in keys_in_message(rule, message.encode())} == expected


# The plugin caps the keys it finds at 500 (its extractor returns a set of at most 500). Here every key is
# found (the 'keys' command and --json show them all) and the cap is Jira's, applied when sending, keeping
# the newest; the number sent is the same.
LIMIT_CASES = [
    pytest.param([_PLUGIN_LONG_MESSAGE], 509,
                 id="differs-plugin-long-message-capped-when-sent-not-when-found"),
    pytest.param([f"TEST-{n} Commit message for {n}" for n in range(505)], 505,
                 id="differs-plugin-changelog-above-limit-capped-when-sent-not-when-found"),
]


@pytest.mark.parametrize(("messages", "found"), LIMIT_CASES)
def test_anchor_limit_cases(messages: list[str], found: int) -> None:
    rule = make_rule()
    keys = list(dict.fromkeys(key for message in messages for key in keys_in_message(rule, message.encode())))
    assert len(keys) == found
    settings = Settings(pipeline_id="acme/api", build_number=1, url="https://ci.example.com/1", state="successful")
    build = build_item(settings, CiContext(), GitFacts(), keys).item.model_dump(exclude_none=True)
    (association,) = build["associations"]
    assert len(association["values"]) == MAX_ASSOCIATION_VALUES == 500
    assert association["values"] == keys[:500]
