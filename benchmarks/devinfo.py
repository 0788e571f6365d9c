"""``report-dev`` over a long range, as ratios against plain ``git log`` of the same range measured in the same run.

Run: ``python benchmarks/devinfo.py [--commits 5000] [--runs 5]``. Builds a repository of ``--commits``
commits (each changing one or two files, most naming an issue key) with ``git fast-import``, then times,
interleaved and ``--runs`` times each (the median is printed):

* ``jira-devops report-dev --range ROOT..HEAD`` sending to a loopback sink that accepts everything at once
  (start-up, reading, building, chunking and sending the bodies: the tool's own cost, not Jira's);
* the same with ``--dry-run`` (the bodies pretty-printed and redacted instead of sent);
* ``git log --format=<the fields report-dev reads> ROOT..HEAD`` (the floor: git itself);
* the same ``git log`` with ``--shortstat`` (what report-dev asks git for, file counts included).

For each it prints the time, the peak memory of the largest process (the CLI or its git child) and both
as ratios against plain ``git log``; and how the commits were chunked into requests.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

PROJECTS = ("ABC", "OPS", "DEMO")
LOG_FORMAT = "--format=%x1e%H%x00%P%x00%an%x00%ae%x00%aI%x00%B%x00"
# Runs one command and prints the peak RSS (KiB) of the largest process it waited for, itself included.
PEAK_PROBE = """
import resource, subprocess, sys
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
if done.returncode:
    sys.exit(done.stderr)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def _fast_import_stream(commits: int, seed: int = 17) -> Iterator[bytes]:
    rnd = random.Random(seed)
    for number in range(1, commits + 2):
        key = f"{rnd.choice(PROJECTS)}-{rnd.randint(1, 3000)} " if number > 1 and rnd.random() < 0.8 else ""
        message = f"{key}change number {number}\n\nSome explanation of the change, as long as a real one.\n".encode()
        files = [f"src/module{rnd.randint(1, 200)}.py" for _ in range(rnd.randint(1, 2))]
        yield b"commit refs/heads/main\n"
        yield f"mark :{number}\n".encode()
        yield f"author Bench Author <bench@example.com> {1_700_000_000 + number * 60} +0000\n".encode()
        yield f"committer Bench Author <bench@example.com> {1_700_000_000 + number * 60} +0000\n".encode()
        yield f"data {len(message)}\n".encode() + message
        if number > 1:
            yield f"from :{number - 1}\n".encode()
        for path in files:
            content = f"value = {number}\n".encode()
            yield f"M 644 inline {path}\ndata {len(content)}\n".encode() + content
        yield b"\n"


def make_repository(folder: Path, commits: int) -> str:
    """A repository of ``commits`` + 1 commits on main; returns the root commit (the range's base)."""
    subprocess.run(["git", "init", "-q", "-b", "main", str(folder)], check=True)
    subprocess.run(["git", "remote", "add", "origin", "https://github.com/acme/bench.git"], cwd=folder, check=True)
    subprocess.run(["git", "fast-import", "--quiet"], cwd=folder, input=b"".join(_fast_import_stream(commits)),
                   check=True)
    subprocess.run(["git", "checkout", "-q", "main"], cwd=folder, check=True)
    return subprocess.run(["git", "rev-list", "--max-parents=0", "main"], cwd=folder, check=True,
                          capture_output=True, text=True).stdout.strip()


class _Sink(BaseHTTPRequestHandler):
    """Answers a token request and accepts every bulk request at once: what is measured is the tool."""

    requests = 0

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path == "/oauth/token":
            answer = {"access_token": "bench-token", "expires_in": 3600, "token_type": "Bearer"}
        else:
            _Sink.requests += 1
            answer = {"acceptedDevinfoEntities": {}, "failedDevinfoEntities": {}, "unknownIssueKeys": []}
        data = json.dumps(answer).encode()
        self.send_response(202 if self.path != "/oauth/token" else 200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        """Quiet."""


def _timed(command: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, int]:
    """Wall time and the peak RSS (KiB) of the largest process of one run."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", PEAK_PROBE, *command], cwd=cwd, check=False, capture_output=True,
                          text=True, env=env)
    if done.returncode != 0:
        sys.exit(f"{' '.join(command[:4])} failed: {done.stderr.strip()[-2000:]}")
    return time.perf_counter() - started, int(done.stdout.strip())


def main() -> None:
    """Build the repository, measure, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commits", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    sink = ThreadingHTTPServer(("127.0.0.1", 0), _Sink)
    threading.Thread(target=sink.serve_forever, daemon=True).start()
    with tempfile.TemporaryDirectory(prefix="jira-devops-bench-") as name:
        repo = Path(name) / "repo"
        root = make_repository(repo, options.commits)
        span = f"{root}..main"
        (Path(name) / "secret").write_text("bench-secret\n", encoding="utf-8")
        env = {name_: value for name_, value in os.environ.items() if not name_.startswith(("JIRA_", "CI"))}
        env.update({"JIRA_DEVOPS_API_URL": f"http://127.0.0.1:{sink.server_address[1]}",
                    "JIRA_CLOUD_ID": "00000000-0000-4000-8000-000000000000", "JIRA_CLIENT_ID": "bench",
                    "JIRA_CLIENT_SECRET_FILE": str(Path(name) / "secret"), "JIRA_DEVOPS_TOKEN_CACHE": "false",
                    "JIRA_DEVOPS_OUTBOX": "off"})
        cli = [sys.executable, "-m", "jira_devops", "report-dev", "--ci", "generic", "--range", span,
               "--max-commits", str(options.commits * 2)]
        commands = {
            "git log (the floor)": ["git", "log", LOG_FORMAT, span, "--"],
            "git log --shortstat": ["git", "log", LOG_FORMAT, "--shortstat", span, "--"],
            "jira-devops report-dev (sent)": cli,
            "jira-devops report-dev --dry-run": [*cli, "--dry-run"],
        }
        samples: dict[str, list[tuple[float, int]]] = {label: [] for label in commands}
        for _ in range(options.runs):
            for label, command in commands.items():
                samples[label].append(_timed(command, repo, env))
        shown = subprocess.run([*cli, "--dry-run", "--json"], cwd=repo, check=True, capture_output=True, text=True,
                               env=env)
        result = json.loads(shown.stdout)
    sink.shutdown()
    baseline_time = statistics.median(sample[0] for sample in samples["git log (the floor)"])
    baseline_memory = statistics.median(sample[1] for sample in samples["git log (the floor)"])
    print(f"{options.commits} commits in the range, {options.runs} runs each (median)")
    print(f"{'measure':<36}{'seconds':>9}{'ratio':>8}{'peak MiB':>10}{'ratio':>8}")
    for label, runs in samples.items():
        seconds = statistics.median(sample[0] for sample in runs)
        memory = statistics.median(sample[1] for sample in runs)
        print(f"{label:<36}{seconds:>9.2f}{seconds / baseline_time:>8.2f}{memory / 1024:>10.1f}"
              f"{memory / baseline_memory:>8.2f}")
    sizes = [len(json.dumps(body)) for body in result["bodies"]]
    per_body = [len(body["repositories"][0].get("commits") or []) for body in result["bodies"]]
    print(f"chunking: {result['counts']} in {len(result['bodies'])} request bodies of at most "
          f"{max(per_body)} commits and {max(sizes) / 1024:.0f} KiB; commits read: {result['commitsRead']}; "
          f"requests the sink accepted: {_Sink.requests} over {options.runs} sent runs")
    print(f"(this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB)")


if __name__ == "__main__":
    main()
