"""A pytest plugin (loaded for the whole suite from pyproject's addopts): no secret or token in any output.

At the end of the run it searches the output of every subprocess the tests started (whatever function
started it: ``subprocess.run``, ``communicate``, or a pipe read line by line), everything printed through
``support.cli.run_cli``, every test's captured output, and every outbox file the tests left in the temp
dirs for the test client secrets and for every access token the token caches under the temp dirs hold.
Any hit fails the run. The one line that must hold a secret, the runner's ``::add-mask::`` command that
hides it, is left out.

Run in parallel (pytest-xdist), each worker searches what its own tests' children printed and writes its
count and hits to ``secret-sweep.json`` in its temp dir; the controller, which runs no test, searches the
reports and outbox files of every worker, adds the workers' results, and fails the run on any hit.
"""

from __future__ import annotations

import io
import json
import stat
import subprocess
from pathlib import Path
from typing import Any

import pytest

_captured: list[str] = []
_subprocess_output: list[str] = []
_MASK_COMMAND = "::add-mask::"


def _keep(data: Any) -> None:
    if isinstance(data, bytes):
        data = data.decode("utf-8", "replace")
    if isinstance(data, str) and data:
        _subprocess_output.append(data)


class _TeeReader:
    """A child's pipe that remembers what the test read from it (line by line or all at once)."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)

    def __iter__(self) -> _TeeReader:
        return self

    def __next__(self) -> Any:
        line = next(self._stream)
        _keep(line)
        return line

    def read(self, *args: Any) -> Any:
        data = self._stream.read(*args)
        _keep(data)
        return data

    def readline(self, *args: Any) -> Any:
        line = self._stream.readline(*args)
        _keep(line)
        return line

    def readlines(self, *args: Any) -> Any:
        lines = self._stream.readlines(*args)
        for line in lines:
            _keep(line)
        return lines

    def __enter__(self) -> _TeeReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self._stream.close()


_original_init = subprocess.Popen.__init__
_original_communicate = subprocess.Popen.communicate


def _init(self: subprocess.Popen[Any], *args: Any, **kwargs: Any) -> None:
    _original_init(self, *args, **kwargs)
    for name in ("stdout", "stderr"):
        stream = getattr(self, name)
        if isinstance(stream, (io.IOBase, io.TextIOWrapper)):
            setattr(self, name, _TeeReader(stream))


def _communicate(self: subprocess.Popen[Any], *args: Any, **kwargs: Any) -> Any:
    # communicate() reads the pipes' file descriptors itself, so the tee above does not see it.
    streams = {name: getattr(self, name) for name in ("stdout", "stderr")}
    for name, stream in streams.items():
        if isinstance(stream, _TeeReader):
            setattr(self, name, stream._stream)
    try:
        out, err = _original_communicate(self, *args, **kwargs)
    finally:
        for name, stream in streams.items():
            if isinstance(stream, _TeeReader):
                setattr(self, name, stream)
    _keep(out)
    _keep(err)
    return out, err


_WORKER_RESULT = "secret-sweep.json"


def _role(config: pytest.Config) -> str:
    """``worker`` or ``controller`` of a parallel run, or ``alone``."""
    if hasattr(config, "workerinput"):
        return "worker"
    return "controller" if config.getoption("dist", "no") != "no" else "alone"


def pytest_configure(config: pytest.Config) -> None:
    """Watch every subprocess the tests start (not the controller's: its children are the workers)."""
    if _role(config) == "controller":
        return
    subprocess.Popen.__init__ = _init  # type: ignore[method-assign]
    subprocess.Popen.communicate = _communicate  # type: ignore[method-assign]


def _without_mask_commands(text: str) -> str:
    if _MASK_COMMAND not in text:
        return text
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith(_MASK_COMMAND))


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
        if path.name.startswith("token-"):
            continue  # a token cache (in a shared folder's jira-devops-<uid>), which holds the token by design
        if "outbox" in path.parts or any(part.startswith(("outbox", "jira-devops-")) for part in path.parts[-3:-1]):
            try:
                if not stat.S_ISREG(path.lstat().st_mode):
                    continue  # a FIFO planted by a test would block the read forever
                texts.append(path.read_text(encoding="utf-8", errors="replace"))
            except OSError:
                continue
    return texts


_summary: list[str] = []


def _hits(needles: set[str], haystack: list[str]) -> list[str]:
    return sorted({f"a value starting {needle[:3]!r} is in output #{index}" for index, text in enumerate(haystack)
                   for needle in needles if needle in text})


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Search every output for the secrets and tokens; a hit fails the run."""
    from support.cli import OUTPUTS

    factory = getattr(session.config, "_tmp_path_factory", None)
    if factory is None:
        return
    base = factory.getbasetemp()
    needles = _secrets_and_tokens(base)
    role = _role(session.config)
    children = [_without_mask_commands(text) for text in (*OUTPUTS, *_subprocess_output)]
    if role == "worker":
        (base / _WORKER_RESULT).write_text(json.dumps({"searched": len(children),
                                                       "hits": _hits(needles, children)}), encoding="utf-8")
        return
    haystack = [_without_mask_commands(text) for text in _captured] + children + _outbox_files(base)
    searched, hits = len(haystack), _hits(needles, haystack)
    for result in sorted(base.glob(f"*/{_WORKER_RESULT}")) if role == "controller" else []:
        worker = json.loads(result.read_text(encoding="utf-8"))
        searched += worker["searched"]
        hits += [f"{result.parent.name}: {hit}" for hit in worker["hits"]]
    _summary.append(f"secret sweep: {searched} outputs and outbox files searched for {len(needles)} "
                    f"secrets and tokens: {len(hits)} hits")
    _summary.extend(f"  {hit}" for hit in hits)
    if hits:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print the sweep's result."""
    for line in _summary:
        terminalreporter.write_line(line)
