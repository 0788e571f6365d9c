"""What the GitHub Action's set-up costs, as ratios against a plain install measured in the same run.

Run: ``python benchmarks/action_install.py``. Measures, with the runner emulation of ``tests/support``:

- baseline: ``python -m venv DIR && DIR/bin/python -m pip install .`` of this tree (what a workflow would
  do by hand);
- cold: a whole run of the action (set-up and a dry-run ``command: build``) with an empty tool cache, once
  with uv on the PATH and once without (the action then fetches its hash-locked uv with pip first);
- warm: the set-up steps alone (locate, cache, install: what a job pays before the CLI runs), then a whole
  run, with the tool cache filled (every later use in the job, an actions/cache hit, a self-hosted runner);

and prints each time divided by the baseline. Targets: cold at most 0.5, warm set-up well under a second.

Both sides get the same fresh pip and uv caches in a temporary folder, filled by one untimed run of each
before the measured ones, so that download speed is out of the comparison and nothing but the package
index is reached. Each measure is the best of ``--rounds`` runs (default 2): the machine may be shared.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from support.gha_runner import ActionRun, CompositeRunner  # noqa: E402 - the runner emulation lives with the tests

REPORT = {"command": "build", "dry-run": "true", "build-number": "1", "url": "https://ci.example.com/1"}


def _git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", "-c", "user.name=B", "-c", "user.email=b@example.com", *args], cwd=repo,
                          check=True, capture_output=True, text=True)
    return done.stdout.strip()


def _baseline(folder: Path) -> float:
    shutil.rmtree(folder, ignore_errors=True)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True, capture_output=True)
    subprocess.run([str(folder / "bin" / "python"), "-m", "pip", "install", "--quiet", str(ROOT)],
                   check=True, capture_output=True)
    return time.perf_counter() - started


def _runner_path(folder: Path, *, uv: bool) -> str:
    """A PATH as on a hosted runner: this interpreter as the first ``python3`` (a real executable, not a
    version manager's shim), bash and git; without any uv when ``uv`` is false."""
    folder.mkdir(parents=True, exist_ok=True)
    links = {"python3": os.path.realpath(sys.executable), "bash": shutil.which("bash"), "git": shutil.which("git")}
    for name, target in links.items():
        if target and not (folder / name).exists():
            (folder / name).symlink_to(target)
    kept = [entry for entry in os.environ["PATH"].split(os.pathsep)
            if entry and (uv or not (Path(entry) / "uv").exists())]
    return os.pathsep.join([str(folder), *kept])


class Bench:
    """A workspace repository and runners over fresh or shared tool caches."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.repo = folder / "workspace"
        self.repo.mkdir()
        _git(self.repo, "init", "-q", "-b", "feature/ABC-1-bench")
        _git(self.repo, "commit", "-q", "--allow-empty", "-m", "ABC-2 measure")
        self.sha = _git(self.repo, "rev-parse", "HEAD")
        self.count = 0
        self.paths = {True: _runner_path(folder / "bin", uv=True), False: _runner_path(folder / "bin", uv=False)}

    def runner(self, tool_cache: Path, *, uv: bool = True) -> CompositeRunner:
        """A runner emulation over ``tool_cache``; without uv on its PATH when ``uv`` is false."""
        self.count += 1
        temp = self.folder / f"temp-{self.count}"
        temp.mkdir()
        runner = CompositeRunner(ROOT, workspace=self.repo, runner_temp=temp, tool_cache=tool_cache, sha=self.sha)
        runner.base_env["PATH"] = self.paths[uv]
        return runner

    def set_up_only(self, tool_cache: Path) -> float:
        """The action's set-up steps alone (locate, cache, install): what a warm job pays before the CLI runs."""
        runner = self.runner(tool_cache)
        steps = runner.metadata["runs"]["steps"]
        runner.metadata["runs"]["steps"] = [step for step in steps if step.get("id") != "run"]
        return _timed(lambda: runner.run({"command": "build"}))

    def cold(self, *, uv: bool = True) -> float:
        """A whole run with an empty tool cache."""
        tool_cache = Path(tempfile.mkdtemp(prefix="tools-", dir=self.folder))
        return _timed(lambda: self.runner(tool_cache, uv=uv).run(REPORT), expect_install=True)


def _timed(action: Callable[[], ActionRun], *, expect_install: bool = False) -> float:
    started = time.perf_counter()
    run = action()
    elapsed = time.perf_counter() - started
    installed = run.step("install").status == "success"
    if not installed or (expect_install and run.outcome != "success"):
        sys.exit("the action did not install or run:\n" + "\n".join(run.raw_log))
    return elapsed


def main() -> None:
    """Measure and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2, help="runs per measure; the best counts (default 2)")
    rounds = parser.parse_args().rounds
    with tempfile.TemporaryDirectory(prefix="jira-devops-bench-") as name:
        folder = Path(name)
        os.environ["PIP_CACHE_DIR"] = str(folder / "pip-cache")
        os.environ["UV_CACHE_DIR"] = str(folder / "uv-cache")
        bench = Bench(folder)
        # Untimed: fill both sides' caches (hatchling and the dependencies for pip, the wheels for uv).
        _baseline(folder / "plain")
        bench.cold()
        bench.cold(uv=False)

        baseline = min(_baseline(folder / "plain") for _ in range(rounds))
        cold_uv = min(bench.cold() for _ in range(rounds))
        cold_fetch = min(bench.cold(uv=False) for _ in range(rounds))
        warm_cache = Path(tempfile.mkdtemp(prefix="tools-", dir=folder))
        _timed(lambda: bench.runner(warm_cache).run(REPORT), expect_install=True)
        warm_setup = min(bench.set_up_only(warm_cache) for _ in range(rounds))
        warm_run = min(_timed(lambda: bench.runner(warm_cache).run(REPORT), expect_install=True)
                       for _ in range(rounds))
    print(f"{'measure':<56}{'seconds':>9}{'ratio':>8}")
    for label, seconds in (("baseline: venv + pip install .", baseline),
                           ("cold: set-up + dry-run build, uv on the PATH", cold_uv),
                           ("cold: set-up + dry-run build, uv fetched with pip", cold_fetch),
                           ("warm: set-up only", warm_setup),
                           ("warm: set-up + dry-run build", warm_run)):
        print(f"{label:<56}{seconds:>9.2f}{seconds / baseline:>8.2f}")


if __name__ == "__main__":
    main()
