"""The key benchmark script runs end to end (at a tiny scale; the real run is `python benchmarks/keys.py`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_benchmark_script_builds_a_history_and_prints_ratios(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "keys.py"), "--commits", "300", "--runs", "1",
                           "--repo", str(tmp_path / "history")], capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert "repository: 300 commits" in done.stdout
    assert "vs grep pipeline:" in done.stdout
    assert "same set: True" in done.stdout
    assert "peak memory:" in done.stdout
    count = subprocess.run(["git", "rev-list", "--count", "main"], cwd=tmp_path / "history", capture_output=True,
                           text=True, check=True).stdout.strip()
    assert count == "300"
