"""Issue-key extraction over a large history, as ratios against git and grep measured in the same run.

Run: ``python benchmarks/keys.py [--commits 100000] [--runs 9] [--repo DIR]``. Builds a repository of
``--commits`` commits with ``git fast-import`` (kept in ``--repo`` when given, so later runs reuse it),
then times, interleaved and ``--runs`` times each (median and best are printed):

* ``jira-devops keys --range A..B`` over the whole history (start-up included), and the same with
  ``--json``, which also records each key's commits (shown for comparison; the target is on the first);
* the raw pipeline ``git log --format=%B A..B | grep -oE '<rule>' | sort -u``;
* ``git log --format=%B A..B`` alone (the floor: git itself).

twice: over the straight history (where jira-devops reads through ``git log --first-parent``, which
streams) and over the same history with a merge commit on top (the general ``git log A..B`` path).

It prints the CLI's time divided by each baseline (targets: at most 1.0x the grep pipeline) and the
CLI's peak memory (target: under 100 MB), and that of the git it starts.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

PROJECTS = ("ABC", "OPS", "DEMO", "WEB2", "DATA_ENG")
NOISE = ("move to UTF-8", "use SHA-256 digests", "dates in ISO-8601", "see https://example.com/x/ABC-1x",
         "mail dev-team@example.com", "no key in this line", "Größe ändern, naïve café")
GREP_RULE = r"\b[A-Z][A-Z0-9_]+-[0-9]+\b"
# Runs the CLI in-process, then prints its own peak RSS and its git child's, in KiB. The own peak comes from
# /proc (VmHWM) where there is one: ru_maxrss of a fresh process also counts its parent's size at fork time.
MEMORY_PROBE = """
import resource, sys
from jira_devops.cli.app import main
code = main(sys.argv[1:])
sys.stdout.flush()
try:
    with open("/proc/self/status") as status:
        own = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
except OSError:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(own, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)
raise SystemExit(code)
"""


def _fast_import_stream(commits: int, seed: int = 8) -> Iterator[bytes]:
    """A ``git fast-import`` stream of ``commits`` commits on main, each message naming keys, and a branch
    ``merged`` that adds a merge commit on top."""
    rnd = random.Random(seed)
    for number in range(1, commits + 1):
        subject = f"{rnd.choice(PROJECTS)}-{rnd.randint(1, 5000)} change number {number}"
        body = (f"{rnd.choice(NOISE)}\nRefs {rnd.choice(PROJECTS)}-{rnd.randint(1, 5000)} and some more text "
                "so the message is about as long as a real one.\n")
        message = f"{subject}\n\n{body}".encode()
        parent = b"from :%d\n" % (number - 1) if number > 1 else b""
        yield (b"commit refs/heads/main\nmark :%d\ncommitter Bench <bench@example.com> %d +0000\n"
               b"data %d\n%s\n%s\n" % (number, 1_600_000_000 + number, len(message), message, parent))
    # `merged`: main plus a side commit merged on top, so the range is not a straight line
    when = 1_600_000_000 + commits
    side, merge = b"OPS-1 a side change", b"Merge branch 'side'"
    yield (b"commit refs/heads/side\nmark :%d\ncommitter Bench <bench@example.com> %d +0000\ndata %d\n%s\n"
           b"from :%d\n\n" % (commits + 1, when + 1, len(side), side, commits - 1))
    yield (b"commit refs/heads/merged\nmark :%d\ncommitter Bench <bench@example.com> %d +0000\ndata %d\n%s\n"
           b"from :%d\nmerge :%d\n\n" % (commits + 2, when + 2, len(merge), merge, commits, commits + 1))


def build_repository(folder: Path, commits: int) -> None:
    """Create ``folder`` as a repository with ``commits`` commits (skipped if it already has them)."""
    if (folder / ".git").is_dir():
        count = subprocess.run(["git", "rev-list", "--count", "main"], cwd=folder, capture_output=True,
                               text=True, check=False).stdout.strip()
        merged = subprocess.run(["git", "rev-parse", "--verify", "--quiet", "merged"], cwd=folder,
                                capture_output=True, check=False).returncode == 0
        if count == str(commits) and merged:
            return
        raise SystemExit(f"{folder} holds another repository; remove it or pick another --repo")
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=folder, check=True)
    importer = subprocess.Popen(["git", "fast-import", "--quiet"], cwd=folder, stdin=subprocess.PIPE)
    assert importer.stdin is not None
    for chunk in _fast_import_stream(commits):
        importer.stdin.write(chunk)
    importer.stdin.close()
    if importer.wait() != 0:
        raise SystemExit("git fast-import failed")
    subprocess.run(["git", "checkout", "-q", "main"], cwd=folder, check=True)


def _timed(command: list[str], cwd: Path, env: dict[str, str], *, shell: bool = False) -> tuple[float, bytes]:
    started = time.perf_counter()
    done = subprocess.run(command if not shell else command[0], cwd=cwd, env=env, shell=shell,
                          capture_output=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{command} failed: {done.stderr.decode(errors='replace')}")
    return elapsed, done.stdout


def _peak_memory(cli_args: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float]:
    """(peak MB of the Python process, peak MB of its git child) for one CLI run."""
    done = subprocess.run([sys.executable, "-c", MEMORY_PROBE, *cli_args], cwd=cwd, env=env,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"memory probe failed: {done.stderr}")
    own_kib, git_kib = (int(value) for value in done.stderr.strip().splitlines()[-1].split())
    return own_kib / 1024, git_kib / 1024


def main() -> None:
    """Build the repository, measure, and print the table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--commits", type=int, default=100_000, help="commits in the repository (default 100000)")
    parser.add_argument("--runs", type=int, default=9, help="interleaved runs per command (default 9)")
    parser.add_argument("--repo", type=Path, help="build (or reuse) the repository here instead of a temp dir")
    options = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JIRA_", "GITHUB_", "CI", "JENKINS"))}
    with tempfile.TemporaryDirectory() as temp:
        folder = options.repo or Path(temp, "history")
        started = time.perf_counter()
        build_repository(folder, options.commits)
        print(f"repository: {options.commits} commits ({time.perf_counter() - started:.1f}s to build)")
        root = subprocess.run(["git", "rev-list", "--max-parents=0", "main"], cwd=folder, capture_output=True,
                              text=True, check=True).stdout.split()[0]
        results = [_scenario(folder, env, f"{root}..{tip}", label, options)
                   for tip, label in (("main", "straight history"), ("merged", "a merge at the tip"))]
    for text in results:
        print(text)


def _scenario(folder: Path, env: dict[str, str], span: str, label: str, options: argparse.Namespace) -> str:
    """Measure the three commands over ``span`` and describe the result."""
    cli_args = ["keys", "--range", span, "--max-commits", str(options.commits + 10), "--no-branch-keys"]
    ours_name, grep_name = "jira-devops keys --range", "git log | grep -oE | sort -u"
    cases = {
        ours_name: ([sys.executable, "-m", "jira_devops", *cli_args], False),
        "  the same with --json (sources)": ([sys.executable, "-m", "jira_devops", *cli_args, "--json"], False),
        grep_name: ([f"git log --format=%B {span} | grep -oE '{GREP_RULE}' | sort -u"], True),
        "git log --format=%B (floor)": (["git", "log", "--format=%B", span], False),
    }
    times: dict[str, list[float]] = {name: [] for name in cases}
    outputs: dict[str, bytes] = {}
    for _ in range(options.runs):
        for name, (command, shell) in cases.items():
            elapsed, out = _timed(command, folder, env, shell=shell)
            times[name].append(elapsed)
            outputs[name] = out
    own_mb, git_mb = _peak_memory(cli_args, folder, env)
    medians = {name: statistics.median(values) for name, values in times.items()}
    bests = {name: min(values) for name, values in times.items()}
    ours, ours_best = medians[ours_name], bests[ours_name]
    cli_keys, grep_keys = set(outputs[ours_name].split()), set(outputs[grep_name].split())
    vs_grep = ours / medians[grep_name]
    lines = [
        f"\n{label}: range {span[:7]}..{span.split('..')[1]}, {options.runs} interleaved runs; "
        "ratio = jira-devops time / row time",
        f"{'command':<32}{'median s':>10}{'ratio':>8}{'best s':>10}{'ratio':>8}",
        *(f"{name:<32}{seconds:>10.3f}{ours / seconds:>7.2f}x{bests[name]:>10.3f}{ours_best / bests[name]:>7.2f}x"
          for name, seconds in medians.items()),
        f"keys found: jira-devops {len(cli_keys)}, grep {len(grep_keys)}, same set: {cli_keys == grep_keys}",
        f"vs grep pipeline: {vs_grep:.2f}x median, {ours_best / bests[grep_name]:.2f}x best "
        f"(target <= 1.0x: {'met' if vs_grep <= 1.0 else 'MISSED'}); load average {os.getloadavg()[0]:.1f} "
        f"on {os.cpu_count()} CPUs",
        f"peak memory: {own_mb:.1f} MB (the jira-devops process), {git_mb:.1f} MB (its git log child) "
        f"(target < 100 MB: {'met' if own_mb < 100 else 'MISSED'})",
    ]
    return "\n".join(lines)

if __name__ == "__main__":
    main()
