"""Load the emulator's page in a real browser: headless Chromium (Debian's ``chromium`` package)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Optional

import pytest

# Headless, and nothing that reaches beyond loopback (no QUIC, updates, sync or background fetches).
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync")
WINDOW = "1280,1400"


def chromium() -> str:
    """The Chromium executable; the test fails (never skips) where it is missing."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        pytest.fail("headless Chromium is needed for the page tests: install Debian's chromium package "
                    "(.ci/run does: apt-get install chromium)")
    return found


def browser_command(url: str, profile: Path, *, screenshot: Optional[Path] = None,
                    virtual_time_ms: Optional[int] = None) -> list[str]:
    """The command that loads ``url`` in a new, empty profile and prints the DOM (or writes a screenshot)."""
    profile.mkdir(parents=True, exist_ok=False)
    command = [chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--window-size={WINDOW}"]
    if virtual_time_ms is not None:
        # Timers run in virtual time (instantly while idle); time stands still while a fetch is pending.
        command.append(f"--virtual-time-budget={virtual_time_ms}")
    command.append(f"--screenshot={screenshot}" if screenshot is not None else "--dump-dom")
    return [*command, url]


def run_browser(command: list[str], home: Path, timeout: float = 90) -> str:
    """Run a browser command to its end; its stdout (the DOM for ``--dump-dom``)."""
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False,
                          env={"HOME": str(home), "PATH": "/usr/bin:/bin"}, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def start_browser(command: list[str], home: Path) -> subprocess.Popen[str]:
    """Start a browser command in the background (finish it with :func:`finish_browser`)."""
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            env={"HOME": str(home), "PATH": "/usr/bin:/bin"}, stdin=subprocess.DEVNULL)


def finish_browser(process: subprocess.Popen[str], timeout: float = 90) -> str:
    """Wait for a started browser; its stdout."""
    try:
        out, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise
    assert process.returncode == 0
    return out
