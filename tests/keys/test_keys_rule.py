"""The key rule, case by case: what is an issue key in text and what is not."""

from __future__ import annotations

import random
from typing import Any

import pytest

from jira_devops.errors import UsageError
from jira_devops.history.issue_keys import make_rule
from support.key_rule import keys_in_message as in_message

DEFAULT_CASES: list[tuple[str, list[str]]] = [
    # plain and separated
    ("ABC-123", ["ABC-123"]),
    ("fix ABC-1 now", ["ABC-1"]),
    ("TEST-123-add-feature", ["TEST-123"]),
    ("[ABC-1] title", ["ABC-1"]),
    ("(ABC-1)", ["ABC-1"]),
    ("{ABC-1}", ["ABC-1"]),
    ("#ABC-1", ["ABC-1"]),
    ("ABC-1: subject", ["ABC-1"]),
    ("ABC-1.", ["ABC-1"]),
    ("ABC-1,ABC-2;ABC-3", ["ABC-1", "ABC-2", "ABC-3"]),
    ("feature/ABC-1_x", ["ABC-1"]),
    ("feature/ABC-1-login", ["ABC-1"]),
    ("bugfix/ABC-77", ["ABC-77"]),
    ("'ABC-1' and \"ABC-2\"", ["ABC-1", "ABC-2"]),
    ("ABC-1\nOPS-2\tDEMO-3", ["ABC-1", "OPS-2", "DEMO-3"]),
    ("x_ABC-1", ["ABC-1"]),
    # glued to a letter or digit: not a key
    ("xABC-1", []),
    ("ABC-1x", []),
    ("1ABC-1", []),
    ("ABC-12345x", []),
    ("ABCD-1-2", ["ABCD-1"]),
    # case
    ("abc-1", []),
    ("Abc-1", []),
    ("aBC-1", []),
    ("ABc-1", []),
    # project keys: letters, digits, underscore, at least two characters
    ("A-1", []),
    ("AB-1", ["AB-1"]),
    ("A1-5", ["A1-5"]),
    ("A1B2-5", ["A1B2-5"]),
    ("DATA_ENG-99", ["DATA_ENG-99"]),
    ("1AB-5", []),
    ("_AB-5", ["AB-5"]),
    ("AB--5", []),
    ("AB-", []),
    ("AB-x", []),
    # numbers: the whole number, never a shortened prefix
    ("ABC-1234567890123", ["ABC-1234567890123"]),
    ("ABC-0", ["ABC-0"]),
    ("ABC-12.5", ["ABC-12"]),
    # look-alikes the default rule takes (--project drops them)
    ("UTF-8", ["UTF-8"]),
    ("SHA-256 digest", ["SHA-256"]),
    ("ISO-8601", ["ISO-8601"]),
    # URLs and emails
    ("https://acme.atlassian.net/browse/ABC-12", ["ABC-12"]),
    ("https://acme.atlassian.net/browse/ABC-12?focused=1", ["ABC-12"]),
    ("see http://x.example.com/ABC-12x/", []),
    ("ABC-12@example.com", ["ABC-12"]),
    ("mail dev-ABC-1@example.com", ["ABC-1"]),
    ("user.ABC-1@example.com", ["ABC-1"]),
    # unicode around the key: any letter or digit is glue (ÄBC-1 is no key, not BC-1 of another project),
    # except letters of scripts written without spaces between words
    ("修复ABC-12的问题", ["ABC-12"]),
    ("ABC-12を修正", ["ABC-12"]),
    ("버그ABC-12", ["ABC-12"]),
    ("«ABC-1»", ["ABC-1"]),
    ("—ABC-1—", ["ABC-1"]),
    ("éABC-1", []),
    ("ÄBC-1", []),
    ("ABC-1é", []),
    ("ДABC-1", []),
    ("٣ABC-1", []),
    ("ÄBC-1 and OPS-2", ["OPS-2"]),
    ("Größe ändern\nRefs ABC-1 and OPS-2.", ["ABC-1", "OPS-2"]),  # non-ASCII text away from the keys
    ("naïve ABC-1é OPS-2 café", ["OPS-2"]),
    ("ABC-١٢", []),
    ("\uff21\uff22\uff23-1", []),  # full-width letters
    # repeats keep every occurrence (de-duplication happens in the collector)
    ("ABC-1 ABC-1", ["ABC-1", "ABC-1"]),
    ("", []),
]


@pytest.mark.parametrize(("text", "expected"), DEFAULT_CASES)
def test_default_rule(text: str, expected: list[str]) -> None:
    assert make_rule().find(text) == expected


@pytest.mark.parametrize(("text", "expected"), DEFAULT_CASES)
def test_commit_messages_as_bytes_match_like_text(text: str, expected: list[str]) -> None:
    assert in_message(make_rule(), text.encode("utf-8")) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("abc-1", ["ABC-1"]),
    ("Abc-12 and ABC-13", ["ABC-12", "ABC-13"]),
    ("feature/abc-7-login", ["ABC-7"]),
    ("xabc-1", ["XABC-1"]),
    ("abc-1x", []),
    ("utf-8", ["UTF-8"]),
    ("a-1", []),
    ("café abc-1 and ÿabc-2", ["ABC-1"]),
])
def test_ignore_case_matches_lower_case_and_upper_cases_it(text: str, expected: list[str]) -> None:
    rule = make_rule(ignore_case=True)
    assert rule.find(text) == expected
    assert in_message(rule, text.encode()) == expected


@pytest.mark.parametrize(("projects", "text", "expected"), [
    (["ABC"], "ABC-1 uses UTF-8 and SHA-256, see ISO-8601", ["ABC-1"]),
    (["ABC", "OPS"], "OPS-2 ABC-1 DEMO-3", ["OPS-2", "ABC-1"]),
    (["abc"], "ABC-1", ["ABC-1"]),
    (["ABC"], "XABC-1 ABCD-2 ABC-3", ["ABC-3"]),
    (["AB", "ABC"], "ABC-1 AB-2", ["ABC-1", "AB-2"]),
])
def test_project_filter_keeps_only_those_projects(projects: list[str], text: str, expected: list[str]) -> None:
    rule = make_rule(projects=projects)
    assert rule.find(text) == expected
    assert in_message(rule, text.encode()) == expected


def test_project_filter_with_ignore_case() -> None:
    assert make_rule(projects=["ABC"], ignore_case=True).find("abc-1 utf-8 Abc-2") == ["ABC-1", "ABC-2"]


@pytest.mark.parametrize("project", ["A", "1AB", "AB-1", "A B", ""])
def test_a_project_that_is_not_a_project_key_is_a_usage_error(project: str) -> None:
    with pytest.raises(UsageError, match="--project"):
        make_rule(projects=[project])


@pytest.mark.parametrize(("pattern", "text", "expected"), [
    (r"#(\d+)", "fixes #12 and #7", ["12", "7"]),
    (r"[A-Z]+-\d+", "ABC-1 xABC-2", ["ABC-1", "ABC-2"]),
    (r"(?P<key>[A-Z]{2,}-\d+)(?:/(\w+))?", "ABC-1/x", ["ABC-1"]),
    (r"CHG\d{4}", "see CHG0001 and CHG12", ["CHG0001"]),
])
def test_custom_pattern_takes_its_group_or_the_whole_match(pattern: str, text: str, expected: list[str]) -> None:
    rule = make_rule(pattern=pattern)
    assert rule.find(text) == expected
    assert in_message(rule, text.encode()) == expected


def test_custom_pattern_with_ignore_case_and_projects() -> None:
    rule = make_rule(pattern=r"[a-z]+-\d+", ignore_case=True, projects=["ABC"])
    assert rule.find("abc-1 OPS-2 Abc-3") == ["ABC-1", "ABC-3"]


@pytest.mark.parametrize(("pattern", "message"), [
    ("ABC-(", "not a valid regular expression"),
    ("[A-Z", "not a valid regular expression"),
    (r"(\w+)-(\d+)", "has 2 groups"),
    ("x*", "matches empty text"),
])
def test_bad_custom_pattern_is_a_one_line_usage_error(pattern: str, message: str) -> None:
    with pytest.raises(UsageError) as raised:
        make_rule(pattern=pattern)
    assert message in str(raised.value)
    assert "--key-pattern" in str(raised.value)
    assert "\n" not in str(raised.value)


def test_non_utf8_message_bytes_still_yield_keys() -> None:
    message = "Größe ABC-5 ändern".encode("latin-1")
    assert in_message(make_rule(), message) == ["ABC-5"]
    assert in_message(make_rule(pattern=r"[A-Z]+-\d+"), message) == ["ABC-5"]


def test_is_key() -> None:
    rule = make_rule()
    assert rule.is_key("ABC-1")
    assert not rule.is_key("ABC-1 ")
    assert not rule.is_key("abc-1")
    assert make_rule(ignore_case=True).is_key("abc-1")


def test_a_custom_rule_names_a_key_with_one_match() -> None:
    rule = make_rule(pattern=r"#(\d+)")
    assert rule.is_key("#12")
    assert not rule.is_key("#12 #13")


@pytest.mark.parametrize("rule_options", [{}, {"ignore_case": True}, {"projects": ["AB", "C_1"]},
                                          {"projects": ["AB"], "ignore_case": True}])
def test_raw_messages_give_the_keys_of_their_text_whatever_the_letters_around(rule_options: dict[str, Any]) -> None:
    """The byte scan's shortcut for non-ASCII messages must agree with the glue-aware text search."""
    rule = make_rule(**rule_options)
    alphabet = ["A", "B", "C", "_", "1", "-", "2", "a", "b", " ", "\n", "é", "Ä", "ß", "修", "を", "٣", "«", "x"]
    generator = random.Random(18)
    for _ in range(3000):
        text = "".join(generator.choice(alphabet) for _ in range(generator.randint(1, 24)))
        for encoding in ("utf-8", "latin-1"):
            try:
                raw = text.encode(encoding)
            except UnicodeEncodeError:
                continue
            try:
                decoded = raw.decode("utf-8")
            except UnicodeDecodeError:  # what git gives for a message in a legacy encoding
                decoded = raw.decode("latin-1")
            assert in_message(rule, raw) == rule.find(decoded), (text, encoding)
