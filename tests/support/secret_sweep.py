"""A pytest plugin (loaded for the whole suite from pyproject's addopts): no secret or token in any output.

At the end of the run it searches everything the CLI printed through ``support.cli.run_cli``, every
test's captured output, and every outbox file the tests left in the temp dirs for the test client secrets
and for every access token the token caches under the temp dirs hold. Any hit fails the run.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

_captured: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Keep each test's captured output (and failure text) for the sweep."""
    _captured.extend(text for _name, text in report.sections)
    if report.failed:
        _captured.append(report.longreprtext)


def _secrets_and_tokens(base: Path) -> set[str]:
    from support.core_http import SECRET, TOKEN

    found = {SECRET, TOKEN}
    for path in base.rglob("emulator-secret*.txt"):
        found.add(path.read_text(encoding="utf-8").strip())
    for path in base.rglob("token-*.json"):
        try:
            token = json.loads(path.read_text(encoding="utf-8")).get("access_token")
        except (OSError, ValueError, AttributeError):
            continue
        if isinstance(token, str) and len(token) >= 8:
            found.add(token)
    return {value for value in found if value}


def _outbox_files(base: Path) -> list[str]:
    texts = []
    for path in base.rglob("*.json"):
        if "outbox" in path.parts or any(part.startswith("outbox") for part in path.parts[-3:-1]):
            try:
                texts.append(path.read_text(encoding="utf-8", errors="replace"))
            except OSError:
                continue
    return texts


_summary: list[str] = []


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Search every output for the secrets and tokens; a hit fails the run."""
    from support.cli import OUTPUTS

    factory = getattr(session.config, "_tmp_path_factory", None)
    if factory is None:
        return
    base = factory.getbasetemp()
    needles = _secrets_and_tokens(base)
    haystack = [*OUTPUTS, *_captured, *_outbox_files(base)]
    hits = sorted({f"a value starting {needle[:3]!r} is in output #{index}" for index, text in enumerate(haystack)
                   for needle in needles if needle in text})
    _summary.append(f"secret sweep: {len(haystack)} outputs and outbox files searched for {len(needles)} "
                    f"secrets and tokens: {len(hits)} hits")
    _summary.extend(f"  {hit}" for hit in hits)
    if hits:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print the sweep's result."""
    for line in _summary:
        terminalreporter.write_line(line)
