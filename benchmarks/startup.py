"""Start-up cost of the CLI, as ratios against a bare Python interpreter measured in the same run.

Run: ``python benchmarks/startup.py [--runs N]``. Prints the median wall time of ``python -c pass``,
``jira-devops --version``, ``jira-devops --help`` and ``jira-devops report-build --dry-run`` (in a small
temporary git repository), and each one divided by the bare interpreter's time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _median_seconds(command: list[str], cwd: Path, runs: int, env: dict[str, str]) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _make_repo(folder: Path) -> None:
    for args in (["init", "-q", "-b", "feature/ABC-1-start"],
                 ["-c", "user.name=B", "-c", "user.email=b@example.com", "commit", "-q", "--allow-empty",
                  "-m", "ABC-2 measure"]):
        subprocess.run(["git", *args], cwd=folder, check=True, capture_output=True)


def main() -> None:
    """Measure and print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=21, help="runs per command (the median is kept)")
    runs = parser.parse_args().runs
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JIRA_", "GITHUB_", "CI", "JENKINS"))}
    cli = [sys.executable, "-m", "jira_devops"]
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        _make_repo(folder)
        cases = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "jira-devops --version": [*cli, "--version"],
            "jira-devops --help": [*cli, "--help"],
            "report-build --dry-run": [*cli, "report-build", "--dry-run", "--ci", "generic", "--state", "successful",
                                       "--build-number", "1", "--url", "https://ci.example.com/1",
                                       "--pipeline-id", "bench"],
        }
        results = {name: _median_seconds(command, folder, runs, env) for name, command in cases.items()}
    baseline = results["python -c pass"]
    print(f"median of {runs} runs each; ratio = time / time of 'python -c pass'")
    print(f"{'command':<28}{'median ms':>12}{'ratio':>10}")
    for name, seconds in results.items():
        print(f"{name:<28}{seconds * 1000:>12.1f}{seconds / baseline:>9.1f}x")


if __name__ == "__main__":
    main()
