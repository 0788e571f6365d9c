"""Count tests in JUnit XML reports, streaming and bounded, for a build's ``testInfo``.

Each ``<testcase>`` counts once: failed when it holds ``<failure>`` or ``<error>``, skipped when it holds
``<skipped>``, passed otherwise. DTDs and entities are refused (no entity expansion attacks), and files
over :data:`MAX_FILE_BYTES` are refused rather than read. A report that cannot be used is skipped with a
warning: the build is still reported (a failed build often has no reports at all).
"""

from __future__ import annotations

import glob
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional
from xml.parsers import expat

from jira_devops.errors import UsageError

MAX_FILE_BYTES = 256 * 1024 * 1024
MAX_FILES = 10_000
_CHUNK = 1024 * 1024


@dataclass
class TestCounts:
    """Totals across one or more reports."""

    __test__ = False  # not a pytest test class

    total: int = 0
    passed: int = 0
    failed: int = 0
    skipped: int = 0

    def __iadd__(self, other: TestCounts) -> TestCounts:
        self.total += other.total
        self.passed += other.passed
        self.failed += other.failed
        self.skipped += other.skipped
        return self


class _Counter:
    def __init__(self) -> None:
        self.counts = TestCounts()
        self.depth_in_case = 0
        self.case_outcome = "passed"

    def start(self, name: str, _attrs: dict[str, str]) -> None:
        if name == "testcase":
            self.depth_in_case += 1
            if self.depth_in_case == 1:
                self.case_outcome = "passed"
        elif self.depth_in_case:
            if name in ("failure", "error"):
                self.case_outcome = "failed"
            elif name == "skipped" and self.case_outcome == "passed":
                self.case_outcome = "skipped"

    def end(self, name: str) -> None:
        if name == "testcase" and self.depth_in_case:
            self.depth_in_case -= 1
            if self.depth_in_case == 0:
                self.counts.total += 1
                if self.case_outcome == "failed":
                    self.counts.failed += 1
                elif self.case_outcome == "skipped":
                    self.counts.skipped += 1
                else:
                    self.counts.passed += 1


def _refuse_dtd(*_args: object) -> None:
    raise ValueError("DTDs and entity declarations are not allowed")


def count_file(path: Path) -> TestCounts:
    """Count the test cases in one JUnit XML file; a one-line :class:`UsageError` when it is unusable."""
    try:
        size = path.stat().st_size
    except OSError as error:
        raise UsageError(f"cannot read JUnit report {path}: {error.strerror}") from None
    if size > MAX_FILE_BYTES:
        raise UsageError(f"JUnit report {path} is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB",
                         hint="pass smaller reports or give --tests-* counts")
    counter = _Counter()
    parser = expat.ParserCreate()
    parser.StartElementHandler = counter.start
    parser.EndElementHandler = counter.end
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except (expat.ExpatError, ValueError) as error:
        raise UsageError(f"JUnit report {path} is not valid XML: {error}") from None
    except OSError as error:
        raise UsageError(f"cannot read JUnit report {path}: {error.strerror}") from None
    return counter.counts


@dataclass
class JunitReading:
    """What the ``--junit`` globs gave: the counts (``None`` when no usable file matched) and warnings."""

    counts: Optional[TestCounts] = None
    warnings: list[str] = field(default_factory=list)


def count_reports(patterns: list[str] | tuple[str, ...], root: Path | None = None) -> JunitReading:
    """Count tests across every file matching the glob ``patterns`` (``**`` allowed).

    A glob matching nothing (the usual compile failure: no tests ran) and a file that cannot be read or
    parsed are warnings, not errors: the build is still reported, with counts from the usable files or
    without ``testInfo`` when there are none.
    """
    base = root or Path.cwd()
    reading = JunitReading()
    files: list[Path] = []
    for pattern in patterns:
        full = pattern if os.path.isabs(pattern) else str(base / pattern)
        matches = sorted(glob.glob(full, recursive=True))
        if not matches:
            reading.warnings.append(f"no JUnit report matches {pattern!r}, so its tests are not counted "
                                    "(the build is reported without them)")
        files.extend(Path(match) for match in matches if Path(match).is_file())
        if len(files) > MAX_FILES:
            raise UsageError(f"--junit matches more than {MAX_FILES} files", hint="narrow the glob")
    for path in dict.fromkeys(files):
        try:
            counts = count_file(path)
        except UsageError as error:
            reading.warnings.append(f"{error.message}; that file was skipped")
            continue
        if reading.counts is None:
            reading.counts = TestCounts()
        reading.counts += counts
    return reading
