"""Cost of `--since last-deploy` in a shallow CI clone, against fetching the whole history.

Run: ``python benchmarks/deploy_history.py [--commits N] [--behind M] [--runs R]``. Builds a repository of
N commits (each changing a file) behind a bare remote, marks the commit M commits below the tip as the
last deploy, then in fresh depth-1 clones measures

- baseline: ``git fetch --unshallow`` (what a pipeline does without the deploy history's bounded
  deepening) and a ``rev-list`` of the range;
- ``find_last_deploy``: read the marker, fetch that one commit, deepen HEAD until it is reached;

and prints the median times, the ratio to the baseline, and how many commits each left in the clone.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from jira_devops.ci.context import CiContext
from jira_devops.history.deploys import find_last_deploy
from jira_devops.history.git import run_git
from jira_devops.settings import Settings

MARKER = "refs/jira-devops/deploys/production"


def _build_origin(root: Path, commits: int, behind: int) -> str:
    work = root / "work"
    run_git(["init", "-q", "-b", "main", str(work)], root)
    stream = []
    for index in range(commits):
        message = f"ABC-{index + 1} change {index}\n"
        content = f"line {index}\n" * 20
        stream.append(f"commit refs/heads/main\ncommitter Bench <b@example.com> {1_600_000_000 + index} +0000\n"
                      f"data {len(message)}\n{message}M 100644 inline file{index % 50}.txt\n"
                      f"data {len(content)}\n{content}\n")
    run_git(["fast-import", "--quiet"], work, input_text="".join(stream))
    bare = root / "origin.git"
    run_git(["clone", "-q", "--bare", str(work), str(bare)], root)
    run_git(["update-ref", MARKER, f"main~{behind}"], bare)
    return bare.resolve().as_uri()


def _clone(url: str, target: Path) -> None:
    run_git(["clone", "-q", "--depth=1", url, str(target)], target.parent)


def _commits_in(clone: Path) -> int:
    return len(run_git(["rev-list", "--all"], clone).split())


def main() -> None:
    """Measure and print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--commits", type=int, default=20000)
    parser.add_argument("--behind", type=int, default=100)
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp)
        url = _build_origin(root, options.commits, options.behind)
        times: dict[str, list[float]] = {"unshallow": [], "find_last_deploy": []}
        left: dict[str, int] = {}
        for run in range(options.runs):
            clone = root / f"full-{run}"
            _clone(url, clone)
            started = time.perf_counter()
            run_git(["fetch", "-q", "--unshallow", "origin"], clone)
            base = run_git(["ls-remote", "origin", MARKER], clone).split()[0]
            run_git(["fetch", "-q", "origin", f"+{MARKER}:{MARKER}"], clone)
            run_git(["rev-list", f"{base}..HEAD"], clone)
            times["unshallow"].append(time.perf_counter() - started)
            left["unshallow"] = _commits_in(clone)

            clone = root / f"shallow-{run}"
            _clone(url, clone)
            started = time.perf_counter()
            last = find_last_deploy(Settings(environment="production"), CiContext(), clone, environ={})
            times["find_last_deploy"].append(time.perf_counter() - started)
            assert last.base == base, last
            left["find_last_deploy"] = _commits_in(clone)
    baseline = statistics.median(times["unshallow"])
    print(f"{options.commits} commits, last deploy {options.behind} below HEAD, depth-1 clone; "
          f"median of {options.runs} runs; ratio = time / time of the unshallow baseline")
    print(f"{'case':<20}{'median ms':>12}{'ratio':>9}{'commits in clone':>19}")
    for name, samples in times.items():
        median = statistics.median(samples)
        print(f"{name:<20}{median * 1000:>12.1f}{median / baseline:>8.2f}x{left[name]:>19}")


if __name__ == "__main__":
    main()
