"""Issue keys in text: the rule that finds them, and the collection that remembers where each came from.

Pure functions and values only (no I/O). The default rule is Jira's: a project key starts with an
upper-case letter A-Z, continues with A-Z, 0-9 or ``_`` (two characters at least), then ``-`` and digits;
the key must not be glued to a letter or digit on either side. ``TEST-123-add-feature`` gives
``TEST-123``; ``feature/ABC-1_x``, ``[ABC-1]`` and ``ABC-1:`` match; ``xABC-1``, ``ABC-1x`` and ``abc-1``
do not. Glue is any letter or digit, not only ASCII: ``ÄBC-12`` is no key (reading it as ``BC-12`` would
name another project). Letters of scripts written without spaces between words (Chinese, Japanese,
Korean, Thai, ...) are not glue, so ``修复ABC-12的问题`` and ``ABC-12を修正`` still give ``ABC-12``: no
project key can continue into them.

Commit messages are scanned as bytes (the default rule is ASCII, so UTF-8 and legacy encodings alike
work without decoding); a message with non-ASCII bytes is decoded (UTF-8, else Latin-1) so its letters
can be told from punctuation. Branch names, PR titles and custom ``--key-pattern`` rules work on text.

A custom ``--key-pattern`` is user input that may backtrack catastrophically (``(A|AA)+B`` takes minutes
on a 60-character message), so it runs on the ``regex`` module with a time budget for the whole run
(:data:`CUSTOM_PATTERN_SECONDS`); past it, the run stops with a usage error naming the pattern. The
built-in rules are fixed and linear, and keep the standard ``re`` engine.
"""

from __future__ import annotations

import operator
import re
import time
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress
from typing import Any, NamedTuple, Optional, Protocol, Union

from jira_devops.errors import UsageError

# The lookbehind sits after the first letter on purpose: the regex engine can then skip ahead to
# upper-case letters instead of testing the lookbehind at every position (about 1.6x faster).
_DEFAULT_RULE = r"[A-Z](?<![A-Za-z0-9][A-Z])[A-Z0-9_]+-[0-9]+(?![A-Za-z0-9])"
_IGNORE_CASE_RULE = r"[A-Za-z](?<![A-Za-z0-9][A-Za-z])[A-Za-z0-9_]+-[0-9]+(?![A-Za-z0-9])"
_PROJECT_KEY = re.compile(r"[A-Z][A-Z0-9_]+", re.ASCII)
# Scripts whose writers put no spaces between words: their letters next to a key are text, not glue.
_UNSPACED_SCRIPTS = ("CJK", "IDEOGRAPHIC", "HIRAGANA", "KATAKANA", "HALFWIDTH KATAKANA", "HANGUL", "THAI", "LAO",
                     "KHMER", "MYANMAR", "TIBETAN")
# Each key names at most this many commits among its sources (the newest); the others are only counted.
MAX_COMMIT_SOURCES = 3
# Seconds a custom --key-pattern may spend searching, over the whole run (sane patterns need milliseconds).
CUSTOM_PATTERN_SECONDS = 2.0


class TextPattern(Protocol):
    """What a key rule needs of a compiled pattern (``re``'s, or :class:`BudgetedPattern`)."""

    def findall(self, string: str) -> list[Any]:
        """Every match (or the groups of every match)."""

    def finditer(self, string: str) -> Iterator[Any]:
        """The matches, as match objects."""


class BudgetedPattern:
    """A ``regex`` pattern that may search for at most ``seconds`` in total; then a :class:`UsageError`."""

    def __init__(self, compiled: Any, source: str, seconds: float = CUSTOM_PATTERN_SECONDS) -> None:
        self.compiled = compiled
        self.source = source
        self.seconds = seconds
        self.left = seconds

    def _timed(self, search: Callable[[float], list[Any]]) -> list[Any]:
        started = time.monotonic()
        try:
            return search(max(0.001, self.left))
        except TimeoutError:
            self.left = 0.0
            raise UsageError(f"--key-pattern {self.source[:80]!r} searched for more than {self.seconds:g}s "
                             "(it backtracks catastrophically, e.g. nested quantifiers like (A+)+)",
                             hint="simplify it, e.g. [A-Z][A-Z0-9_]+-[0-9]+") from None
        finally:
            self.left -= time.monotonic() - started

    def findall(self, string: str) -> list[Any]:
        """Every match, within the budget."""
        return self._timed(lambda timeout: list(self.compiled.findall(string, timeout=timeout)))

    def finditer(self, string: str) -> Iterator[Any]:
        """The matches (found eagerly, within the budget)."""
        return iter(self._timed(lambda timeout: list(self.compiled.finditer(string, timeout=timeout))))


class FoundKey(NamedTuple):
    """An issue key and where it was found (``explicit``, ``branch``, ``pr-title``, ``commit:<sha7>``).

    ``commits`` counts every commit of the range that mentions the key; ``sources`` names at most
    :data:`MAX_COMMIT_SOURCES` of them (the newest). A named tuple: a large range yields tens of
    thousands of these, and tuples are cheap to make.
    """

    key: str
    sources: tuple[str, ...]
    commits: int = 0


@dataclass(frozen=True)
class KeyRule:
    """A compiled rule for issue keys: how to find them, whether to upper-case, which projects to keep."""

    text_pattern: TextPattern
    bytes_pattern: Optional[re.Pattern[bytes]]  # None for custom rules: those run on decoded text
    group: Union[int, str]
    upper: bool
    projects: Optional[frozenset[str]]
    custom: bool
    # A non-ASCII byte right before a letter that may start a key or right after a digit that may end
    # one: only then can a letter of another script glue to a key in a raw message (built-in rules).
    wide_glue: Optional[re.Pattern[bytes]] = None

    def find(self, text: str) -> list[str]:
        """The keys in ``text``, in order of appearance (duplicates kept)."""
        if not text:
            return []
        if not self.custom and not text.isascii():
            # The pattern's lookarounds see ASCII glue only; letters and digits of other scripts are checked here.
            found = [m.group() for m in self.text_pattern.finditer(text)
                     if not _glued(text, m.start() - 1) and not _glued(text, m.end())]
        elif self.group == 0:  # the pattern has no groups, so findall gives whole matches
            found = self.text_pattern.findall(text)
        else:
            found = [m.group(self.group) for m in self.text_pattern.finditer(text)]
        return self._finish([key for key in found if key])

    def commit_finder(self) -> Callable[[bytes], Sequence[Union[str, bytes]]]:
        """The fastest function giving the keys of a raw message: ASCII bytes for the built-in rules
        (already upper-cased), text for custom rules."""
        pattern = self.bytes_pattern
        if pattern is None:
            return lambda message: self.find(message.decode("utf-8", "replace"))
        ascii_finder = self.ascii_finder()

        def finder(message: bytes) -> Sequence[Union[str, bytes]]:
            return ascii_finder(message) if message.isascii() else self.find_in_text_of(message)

        return finder

    def ascii_finder(self) -> Callable[[bytes], Sequence[Union[str, bytes]]]:
        """The keys of an all-ASCII raw message, found by the compiled pattern alone (the hot path of a
        large range); only for the built-in rules."""
        pattern = self.bytes_pattern
        assert pattern is not None, "custom rules have no bytes pattern"
        if self.upper:
            return lambda message: [key.upper() for key in pattern.findall(message)]
        return pattern.findall

    def find_in_text_of(self, message: bytes) -> list[bytes]:
        """The keys of a raw message with non-ASCII bytes, whose letters and digits glue like ASCII ones."""
        pattern, wide_glue = self.bytes_pattern, self.wide_glue
        if pattern is not None and wide_glue is not None and wide_glue.search(message) is None:
            # Decoding keeps ASCII bytes as the same characters and turns no other byte into ASCII, so
            # the byte matches are the text matches when no non-ASCII byte touches where a key can
            # start (a letter) or end (a digit): "Größe" or "café" elsewhere in the message changes nothing.
            keys = pattern.findall(message)
            return [key.upper() for key in keys] if self.upper else keys
        return [key.encode("ascii") for key in self.find(_decode(message))]

    def _finish(self, keys: list[str]) -> list[str]:
        if self.upper:
            keys = [key.upper() for key in keys]
        if self.projects is not None and self.custom:
            keys = [key for key in keys if project_of(key) in self.projects]
        return keys

    def is_key(self, text: str) -> bool:
        """Whether ``text`` names exactly one key: the whole of it for the built-in rules, one match for a
        custom rule (whose group may be a part of the text)."""
        keys = self.find(text)
        if self.custom:
            return len(keys) == 1
        return keys == [text.upper() if self.upper else text]


def _decode(message: bytes) -> str:
    """A commit message as text: UTF-8, else Latin-1 (every byte is a character, so letters stay letters)."""
    try:
        return message.decode("utf-8")
    except UnicodeDecodeError:
        return message.decode("latin-1")


def _glued(text: str, index: int) -> bool:
    """Whether the character at ``index`` (if any) glues to a key next to it."""
    return 0 <= index < len(text) and _is_glue(text[index])


@lru_cache(maxsize=4096)
def _is_glue(char: str) -> bool:
    if char.isascii():
        return char.isalnum()
    if not char.isalnum():
        return False
    return not unicodedata.name(char, "").startswith(_UNSPACED_SCRIPTS)


def project_of(key: str) -> str:
    """The project part of a key: everything before the last ``-``."""
    return key.rpartition("-")[0]


def make_rule(*, ignore_case: bool = False, projects: Sequence[str] = (),
              pattern: Optional[str] = None) -> KeyRule:
    """Compile the key rule from the settings; a :class:`UsageError` names the flag to fix."""
    wanted = _project_keys(projects)
    if pattern is not None:
        return _custom_rule(pattern, ignore_case=ignore_case, projects=wanted)
    if wanted:
        names = "|".join(re.escape(project) for project in sorted(wanted, key=len, reverse=True))
        if ignore_case:
            names = f"(?i:{names})"
        source = f"(?<![A-Za-z0-9])(?:{names})-[0-9]+(?![A-Za-z0-9])"
    else:
        source = _IGNORE_CASE_RULE if ignore_case else _DEFAULT_RULE
    return KeyRule(
        text_pattern=re.compile(source, re.ASCII),
        bytes_pattern=re.compile(source.encode("ascii")),
        group=0,
        upper=ignore_case,
        projects=wanted or None,
        custom=False,
        wide_glue=re.compile(rb"[\x80-\xff](?=[A-Za-z])|[0-9][\x80-\xff]" if ignore_case
                             else rb"[\x80-\xff](?=[A-Z])|[0-9][\x80-\xff]"),
    )


def _project_keys(projects: Sequence[str]) -> frozenset[str]:
    keys = set()
    for project in projects:
        key = project.strip().upper()
        if not _PROJECT_KEY.fullmatch(key):
            raise UsageError(f"--project {project!r} is not a Jira project key",
                             hint="a project key is a letter then letters, digits or _, e.g. ABC")
        keys.add(key)
    return frozenset(keys)


def _custom_rule(pattern: str, *, ignore_case: bool, projects: frozenset[str]) -> KeyRule:
    import regex  # noqa: PLC0415 - only custom rules need it

    try:
        compiled = regex.compile(pattern, regex.VERSION0 | (regex.IGNORECASE if ignore_case else 0))
    except regex.error as error:
        raise UsageError(f"--key-pattern is not a valid regular expression: {error}",
                         hint="check the brackets and escapes") from None
    except (OverflowError, RecursionError):
        raise UsageError("--key-pattern is too complex to compile") from None
    group: Union[int, str]
    if compiled.groups == 0:
        group = 0
    elif "key" in compiled.groupindex:
        group = "key"
    elif compiled.groups == 1:
        group = 1
    else:
        raise UsageError(f"--key-pattern has {compiled.groups} groups, so which one is the key is unclear",
                         hint="use one group, name it (?P<key>...), or make the others (?:...)")
    if compiled.match("", timeout=1.0):
        raise UsageError("--key-pattern matches empty text", hint="require at least one character")
    return KeyRule(text_pattern=BudgetedPattern(compiled, pattern), bytes_pattern=None, group=group, upper=ignore_case,
                   projects=projects or None, custom=True)


class KeyCollector:
    """Keys in first-seen order with their sources; a source is recorded once per key.

    Commit sources are capped per key (:data:`MAX_COMMIT_SOURCES`) and otherwise counted, so memory
    grows with the number of distinct keys, never with the number of commits. A collector made with
    ``commit_sources=False`` keeps only which keys the commits name (for output that lists keys and
    nothing else): the built-in rules then scan whole blocks of messages at once, several times faster
    on a long range, and :meth:`found` is not available.
    """

    def __init__(self, *, commit_sources: bool = True) -> None:
        self._sources: dict[str, list[str]] = {}
        # Keys found in commits, as the rule returned them (bytes for the default rule), in first-seen
        # order, with their commit count and the first SHAs; converted to str once, in found().
        self._commit_counts: dict[Union[str, bytes], int] = {}
        self._commit_shas: dict[Union[str, bytes], list[bytes]] = {}
        self._raw_is_bytes = False
        self.commit_sources = commit_sources

    def add(self, keys: Iterable[str], source: str) -> None:
        """Record ``keys`` as found in ``source`` (``explicit``, ``branch``, ``pr-title``...)."""
        for key in keys:
            sources = self._sources.get(key)
            if sources is None:
                self._sources[key] = [source]
            elif source not in sources:
                sources.append(source)

    def forget_commits(self) -> None:
        """Drop what :meth:`scan_commits` recorded (the other sources stay)."""
        self._commit_counts.clear()
        self._commit_shas.clear()

    def scan_commits(self, blocks: Iterable[tuple[Sequence[bytes], Sequence[bytes]]], rule: KeyRule) -> None:
        """Record the keys of each block of commits ``(shas, messages)``, newest first.

        This loop runs once per commit of the range, so it works on raw bytes and keeps only what each
        key needs: a count and its first SHAs.
        """
        if not self.commit_sources and rule.bytes_pattern is not None:
            self._scan_names(blocks, rule)
            return
        counts = self._commit_counts
        first_shas = self._commit_shas
        # Built-in rules: the compiled pattern on ASCII messages, the glue-aware text search on the others.
        find = rule.ascii_finder() if rule.bytes_pattern is not None else rule.commit_finder()
        non_ascii = rule.find_in_text_of if rule.bytes_pattern is not None else find
        self._raw_is_bytes = rule.bytes_pattern is not None
        for shas, messages in blocks:
            for sha, message in zip(shas, messages):
                keys = find(message) if message.isascii() else non_ascii(message)
                if not keys:
                    continue
                for key in dict.fromkeys(keys) if len(keys) > 1 else keys:
                    count = counts.get(key)
                    if count is None:
                        counts[key] = 1
                        first_shas[key] = [sha]
                    else:
                        counts[key] = count + 1
                        if count < MAX_COMMIT_SOURCES:
                            first_shas[key].append(sha)

    def _scan_names(self, blocks: Iterable[tuple[Sequence[bytes], Sequence[bytes]]], rule: KeyRule) -> None:
        """Record only which keys the messages name, searching each block's messages joined at once.

        A key cannot span the NUL that joins two messages, and NUL is no glue, so the joined search
        finds what the message-by-message one does; messages where a non-ASCII letter may glue to a key
        take the text search, in their place so the first-seen order stays.
        """
        assert rule.bytes_pattern is not None and rule.wide_glue is not None
        findall, wide_glue = rule.bytes_pattern.findall, rule.wide_glue.search
        seen = self._commit_counts
        self._raw_is_bytes = True

        def record(keys: Iterable[bytes]) -> None:
            seen.update(dict.fromkeys(map(bytes.upper, keys) if rule.upper else keys, 0))

        for _shas, messages in blocks:
            start = 0
            for index in compress(range(len(messages)), map(operator.not_, map(bytes.isascii, messages))):
                message = messages[index]
                if wide_glue(message) is None:
                    continue
                record(findall(b"\0".join(messages[start:index])))
                record(rule.find_in_text_of(message))
                start = index + 1
            record(findall(b"\0".join(messages[start:])))

    def names(self) -> list[str]:
        """Every key in first-seen order (what :meth:`found` lists, without the sources: much cheaper)."""
        names = list(self._sources)
        from_commits = [raw.decode() if isinstance(raw, bytes) else raw for raw in self._commit_counts]
        if names:
            seen = self._sources
            names.extend(key for key in from_commits if key not in seen)
            return names
        return from_commits

    def found(self) -> tuple[FoundKey, ...]:
        """Every key in first-seen order, its sources (commits last) and its commit count."""
        if not self.commit_sources:
            raise RuntimeError("this collector kept no commit sources (made with commit_sources=False)")
        counts = self._commit_counts
        first_shas = self._commit_shas
        encoded = self._raw_is_bytes
        result = []
        for key, sources in self._sources.items():
            raw: Union[str, bytes] = key.encode() if encoded else key
            count = counts.get(raw, 0)
            commits = [_commit_source(sha) for sha in first_shas[raw]] if count else []
            result.append(FoundKey(key, (*sources, *commits), count))
        seen = self._sources
        for raw, count in counts.items():
            key = raw.decode() if isinstance(raw, bytes) else raw
            if key not in seen:
                result.append(FoundKey(key, tuple(map(_commit_source, first_shas[raw])), count))
        return tuple(result)


def _commit_source(sha: bytes) -> str:
    return "commit:" + sha[:7].decode()
