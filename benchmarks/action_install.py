"""What the GitHub Action's set-up costs, as ratios against a plain install measured in the same run.

Run: ``python benchmarks/action_install.py``. Measures, with the runner emulation of ``tests/support``:

- baseline: ``python -m venv DIR && DIR/bin/python -m pip install .`` (what a workflow would do by hand);
- cold: the action's locate and install steps with an empty tool cache (the first use on a runner);
- warm: the same steps again (every later use in the job, or on a self-hosted runner);
- step: a whole warm run of the action, a dry-run ``command: build`` included;

and prints each time divided by the baseline. Needs the package index that ``pip install .`` uses.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from support.gha_runner import CompositeRunner  # noqa: E402 - the runner emulation lives with the tests


def _git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", "-c", "user.name=B", "-c", "user.email=b@example.com", *args], cwd=repo,
                          check=True, capture_output=True, text=True)
    return done.stdout.strip()


def _baseline(folder: Path) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "venv", str(folder / "plain")], check=True, capture_output=True)
    subprocess.run([str(folder / "plain" / "bin" / "python"), "-m", "pip", "install", "--quiet", str(ROOT)],
                   check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    """Measure and print the table."""
    with tempfile.TemporaryDirectory(prefix="jira-devops-bench-") as name:
        folder = Path(name)
        repo = folder / "workspace"
        repo.mkdir()
        _git(repo, "init", "-q", "-b", "feature/ABC-1-bench")
        _git(repo, "commit", "-q", "--allow-empty", "-m", "ABC-2 measure")
        (folder / "temp").mkdir()
        runner = CompositeRunner(ROOT, workspace=repo, runner_temp=folder / "temp", tool_cache=folder / "tools",
                                 sha=_git(repo, "rev-parse", "HEAD"))
        baseline = _baseline(folder)
        shutil.rmtree(folder / "plain")
        inputs = {"command": "nothing"}  # the run step fails fast on this; only set-up is timed
        started = time.perf_counter()
        cold_run = runner.run(inputs)
        cold = time.perf_counter() - started
        started = time.perf_counter()
        runner.run(inputs)
        warm = time.perf_counter() - started
        started = time.perf_counter()
        step = runner.run({"command": "build", "dry-run": "true", "build-number": "1",
                           "url": "https://ci.example.com/1"})
        whole = time.perf_counter() - started
        if cold_run.step("install").status != "success" or step.outcome != "success":
            sys.exit("the action did not install or run: " + "\n".join(cold_run.raw_log + step.raw_log))
    print(f"{'measure':<44}{'seconds':>9}{'ratio':>8}")
    for label, seconds in (("baseline: venv + pip install .", baseline),
                           ("action set-up, cold tool cache", cold),
                           ("action set-up, warm tool cache", warm),
                           ("action run, warm, dry-run build", whole)):
        print(f"{label:<44}{seconds:>9.2f}{seconds / baseline:>8.2f}")


if __name__ == "__main__":
    main()
