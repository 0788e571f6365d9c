"""The suite's secret sweep itself: a run whose child printed the client secret fails, alone or in parallel."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]
LEAKY_TEST = '''
import subprocess, sys
from support.core_http import SECRET

def test_a_child_prints_the_secret():
    subprocess.run([sys.executable, "-c", f"print({SECRET!r})"], capture_output=True, check=True)

def test_a_child_prints_nothing_secret():
    subprocess.run([sys.executable, "-c", "print('hello')"], capture_output=True, check=True)
'''


def _inner_run(folder: Path, *options: str) -> subprocess.CompletedProcess[str]:
    (folder / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(TESTS), os.environ.get("PYTHONPATH")]))}
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "support.secret_sweep",
                           "-c", str(folder / "pytest.ini"), "--rootdir", str(folder), *options, str(folder)],
                          cwd=folder, env=env, capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.parametrize("options", [(), ("-n", "2", "--dist", "loadfile")], ids=["alone", "parallel"])
def test_a_secret_in_a_childs_output_fails_the_run(tmp_path: Path, options: tuple[str, ...]) -> None:
    (tmp_path / "test_leak.py").write_text(LEAKY_TEST, encoding="utf-8")
    done = _inner_run(tmp_path, *options)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "2 passed" in done.stdout
    assert "1 hits" in done.stdout and "a value starting 's3c'" in done.stdout


@pytest.mark.parametrize("options", [(), ("-n", "2", "--dist", "loadfile")], ids=["alone", "parallel"])
def test_a_clean_run_passes_and_says_how_much_was_searched(tmp_path: Path, options: tuple[str, ...]) -> None:
    (tmp_path / "test_clean.py").write_text(LEAKY_TEST.replace("print({SECRET!r})", "print('{SECRET[:2]}')"),
                                            encoding="utf-8")
    done = _inner_run(tmp_path, *options)
    assert done.returncode == 0, done.stdout + done.stderr
    searched = re.search(r"secret sweep: (\d+) outputs and outbox files searched for \d+ secrets and tokens: 0 hits",
                         done.stdout)
    assert searched is not None, done.stdout
    assert int(searched.group(1)) >= 2  # both children's output, whichever process ran them
