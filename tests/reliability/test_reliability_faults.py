"""The fault suite: the real CLI against the emulator's scripted faults, over loopback.

Each scenario scripts a fault (token endpoint down, 429 storms, 503 bursts, connection resets, slow
answers, 413, revoked tokens), runs real reports, and counts what became of every report: accepted by
Jira, waiting in the outbox, or lost (which must never happen). Then Jira "recovers" (the emulator is
reset) and ``jira-devops flush`` must deliver everything that waited. The table of outcomes is printed at
the end of the run (see ``conftest.py``), and all captured output is searched for the secret and tokens.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

import pytest

from jira_devops.delivery.outbox import Destination, Outbox
from support import cli as cli_support
from support import emulator as emulator_support
from support.fault_table import FaultRow, record_row

# The emulator's test support; until it is there, the module is skipped.
RunningEmulator = emulator_support.RunningEmulator

pytestmark = pytest.mark.e2e

SHORT_TIMEOUT = "2"


@dataclass
class Run:
    """One scenario's runs and what they left behind."""

    emulator: RunningEmulator
    repo: Path
    env: dict[str, str]
    outbox: Outbox
    outputs: list[str] = field(default_factory=list)
    tokens: set[str] = field(default_factory=set)
    codes: list[int] = field(default_factory=list)

    def cli(self, *args: str, timeout: str = SHORT_TIMEOUT) -> subprocess.CompletedProcess[str]:
        done = cli_support.run_cli(*args, env={**self.env, "JIRA_DEVOPS_TIMEOUT": timeout}, cwd=self.repo)
        self.outputs.extend((done.stdout, done.stderr))
        self._collect_tokens()
        return done

    def report(self, number: int, timeout: str = SHORT_TIMEOUT) -> subprocess.CompletedProcess[str]:
        done = self.cli("report-build", "--ci", "generic", "--state", "successful", "--build-number", str(number),
                        "--url", f"https://ci.example.test/{number}", timeout=timeout)
        self.codes.append(done.returncode)
        return done

    def deploy(self, number: int, timeout: str = SHORT_TIMEOUT) -> subprocess.CompletedProcess[str]:
        done = self.cli("report-deploy", "--ci", "generic", "--state", "successful", "-e", "production",
                        "--deployment-number", str(number), "--url", f"https://ci.example.test/{number}",
                        timeout=timeout)
        self.codes.append(done.returncode)
        return done

    def accepted(self) -> set[int]:
        return {int(build["buildNumber"]) for build in self.emulator.state()["builds"]}

    def waiting(self) -> list[int]:
        pending, problems = self.outbox.pending()
        assert problems == []
        return [int(item["buildNumber"]) for entry in pending for item in entry.items()]

    def api_requests(self) -> list[dict[str, Any]]:
        return self.emulator.requests()

    def _collect_tokens(self) -> None:
        for path in Path(self.env["JIRA_DEVOPS_CACHE_DIR"]).glob("*.json"):
            token = json.loads(path.read_text(encoding="utf-8")).get("access_token")
            if token:
                self.tokens.add(token)


@pytest.fixture
def run(emulator: RunningEmulator, repo: Path, tmp_path: Path) -> Run:
    """A scenario against a fresh emulator, with an outbox and token cache of its own."""
    outbox = tmp_path / "outbox"
    # --debug everywhere: requests and responses are logged, so the secret checks below have teeth.
    env = {**emulator.env(tmp_path), "JIRA_DEVOPS_OUTBOX": str(outbox), "JIRA_DEVOPS_DEBUG": "true"}
    return Run(emulator, repo, env, Outbox(outbox))


def _flush(run: Run) -> None:
    done = run.cli("flush", timeout="10")
    assert done.returncode == 0, done.stderr


def _settle(run: Run, scenario: str, numbers: Sequence[int], *, expect_code: int,
            expect_accepted: Optional[int] = None, recover: Callable[[Run], None] = _flush) -> None:
    """Count what became of ``numbers``; then Jira recovers, ``recover`` runs, and nothing may be missing."""
    requests = len(run.api_requests())
    accepted = run.accepted() & set(numbers)
    waiting = run.waiting()
    lost = set(numbers) - accepted - set(waiting)
    codes = list(run.codes)
    run.emulator.reset()  # Jira is back: no faults (and nothing stored: what it had is counted above)
    if waiting:
        recover(run)
    delivered = len(accepted) + len(run.accepted() & set(waiting))
    record_row(FaultRow(scenario, requests, ",".join(str(code) for code in codes), len(accepted),
                        len(waiting), len(lost), delivered))
    assert lost == set(), f"{scenario}: reports lost: {sorted(lost)}"
    assert codes[-1] == expect_code, run.outputs[-1]
    if expect_accepted is not None:
        assert len(accepted) == expect_accepted
    assert delivered == len(numbers), "every report reached Jira once it was back"
    assert run.waiting() == []
    everything = "\n".join(run.outputs) + "".join(p.read_text("utf-8") for p in run.outbox.directory.rglob("*.json"))
    secret = run.emulator.secret_file.read_text(encoding="utf-8").strip()
    assert secret not in everything
    for token in run.tokens:
        assert token not in everything


def test_fault_none_is_the_baseline(run: Run) -> None:
    done = run.report(1)
    assert "accepted: build" in done.stdout
    _settle(run, "no fault", [1], expect_code=0, expect_accepted=1)


def test_fault_token_endpoint_down_keeps_the_report(run: Run) -> None:
    run.emulator.fault("/oauth/token", 503, count=1000)
    done = run.report(1)
    assert "error: Jira could not be reached (token request: HTTP 503" in done.stderr
    assert "kept 1 request(s) in the outbox" in done.stderr
    _settle(run, "token endpoint down (503)", [1], expect_code=4, expect_accepted=0)


def test_fault_a_deployment_while_jira_is_down_is_kept_too(run: Run) -> None:
    run.emulator.fault("/jira/deployments", 503, count=1000)
    done = run.deploy(7)
    assert "kept 1 request(s) in the outbox" in done.stderr
    pending, _ = run.outbox.pending()
    assert [(entry.api, entry.items()[0]["deploymentSequenceNumber"]) for entry in pending] == [("deployments", 7)]
    run.emulator.reset()
    flushed = run.cli("flush")
    assert flushed.returncode == 0, flushed.stderr
    assert "delivered: deployment" in flushed.stdout
    assert [item["deploymentSequenceNumber"] for item in run.emulator.state()["deployments"]] == [7]
    assert run.outbox.pending()[0] == []


def _submissions(run: Run) -> list[int]:
    """The status of every build submission that reached Jira, in order."""
    return [request["status"] for request in run.api_requests() if request["path"].startswith("/jira/builds")]


# How long a retry waits (Retry-After, backoff, the --timeout deadline) is asserted with an injected sleep in
# tests/unit/test_unit_client.py and tests/reliability/test_reliability_delivery.py; these runs of the real
# CLI assert what reached Jira, which a loaded machine cannot change.
def test_fault_a_short_429_storm_is_waited_out(run: Run) -> None:
    run.emulator.fault("/jira/builds", 429, count=2, retry_after=1)
    run.report(1, timeout="10")
    assert _submissions(run) == [429, 429, 202], "retried after each 429 until Jira took it"
    _settle(run, "429 x2, Retry-After 1s", [1], expect_code=0, expect_accepted=1)


def test_fault_a_429_storm_longer_than_the_timeout_keeps_the_report_at_once(run: Run) -> None:
    run.emulator.fault("/jira/builds", 429, count=1000, retry_after=3600)
    done = run.report(1)
    assert _submissions(run) == [429], "a Retry-After beyond --timeout is not waited for, nor retried"
    assert "HTTP 429" in done.stderr
    _settle(run, "429 storm, Retry-After 1h", [1], expect_code=4, expect_accepted=0)


def test_fault_a_503_burst_is_retried(run: Run) -> None:
    run.emulator.fault("/jira/builds", 503, count=2)
    run.report(1, timeout="10")
    _settle(run, "503 x2", [1], expect_code=0, expect_accepted=1)


def test_fault_503_for_the_whole_run_keeps_the_report(run: Run) -> None:
    run.emulator.fault("/jira/builds", 503, count=1000)
    done = run.report(1)
    assert "HTTP 503" in done.stderr
    _settle(run, "503 for the whole run", [1], expect_code=4, expect_accepted=0)


def test_fault_connection_resets_are_retried(run: Run) -> None:
    run.emulator.fault("/jira/builds", count=2, reset_connection=True)
    run.report(1, timeout="10")
    _settle(run, "connection reset x2", [1], expect_code=0, expect_accepted=1)


def test_fault_a_hung_jira_never_holds_the_run_past_the_timeout(run: Run) -> None:
    run.emulator.fault("/jira/builds", count=5, delay=6)
    done = run.report(1, timeout="2")
    assert len(_submissions(run)) <= 1, "no second attempt once the 2s deadline has passed"
    assert "timed out" in done.stderr
    _settle(run, "answers slower than --timeout", [1], expect_code=4, expect_accepted=0)


def test_fault_a_413_on_a_big_batch_splits_it(run: Run) -> None:
    numbers = list(range(101, 141))
    body = {"builds": [{"schemaVersion": "1.0", "pipelineId": "acme/app", "buildNumber": n,
                        "updateSequenceNumber": 1_700_000_000_000 + n, "displayName": f"app #{n}",
                        "url": f"https://ci.example.test/{n}", "state": "successful",
                        "lastUpdated": "2026-01-01T00:00:00Z", "issueKeys": ["ABC-12"]} for n in numbers],
            "providerMetadata": {"product": "jira-devops"}}
    run.outbox.keep("builds", body, Destination(api_url=run.emulator.url), "kept by the test")
    run.emulator.fault("/jira/builds", 413, count=1)
    done = run.cli("flush")
    run.codes.append(done.returncode)
    posts = [r for r in run.api_requests() if r["path"].endswith("/bulk")]
    assert [len(r["body"]["builds"]) for r in posts] == [40, 20, 20]
    _settle(run, "413 on a batch of 40 (flush)", numbers, expect_code=0, expect_accepted=40)


def test_fault_a_token_revoked_mid_run_is_replaced_once(run: Run) -> None:
    run.report(1)
    run.emulator.revoke_tokens()
    run.report(2)
    assert run.emulator.state()["tokens_issued"] == 2
    _settle(run, "token revoked between reports (401)", [1, 2], expect_code=0, expect_accepted=2)


def test_fault_reports_made_while_jira_is_down_arrive_in_order_once_it_is_back(run: Run) -> None:
    run.emulator.fault("/jira/builds", 503, count=10_000)
    for number in (1, 2, 3):
        run.report(number, timeout="1")
    assert run.waiting() == [1, 2, 3]
    assert run.codes == [4, 4, 4]

    def next_report(run: Run) -> None:
        assert run.report(4).returncode == 0
        posts = [r["body"]["builds"][0]["buildNumber"] for r in run.api_requests()
                 if r["path"].endswith("/bulk") and r["status"] == 202]
        assert posts == [1, 2, 3, 4], "older reports first, in the order they were made"

    _settle(run, "down for 3 reports; the 4th delivers all", [1, 2, 3], expect_code=4, expect_accepted=0,
            recover=next_report)


def test_fault_two_flushes_at_once_send_each_report_once(run: Run) -> None:
    run.emulator.fault("/jira/builds", 503, count=10_000)
    for number in (1, 2, 3, 4):
        run.report(number, timeout="1")
    assert run.waiting() == [1, 2, 3, 4]

    def two_flushes(run: Run) -> None:
        run.emulator.fault("/jira/builds", count=4, delay=0.2)  # slow enough for the two flushes to overlap
        env = {**run.env, "JIRA_DEVOPS_TIMEOUT": "20"}
        flushes = [cli_support.start_cli("flush", cwd=run.repo, env=env) for _ in range(2)]
        for flush in flushes:
            out, err = flush.communicate(timeout=60)
            run.outputs.extend((out, err))
            assert flush.returncode == 0, err
        posts = [r["body"]["builds"][0]["buildNumber"] for r in run.api_requests()
                 if r["path"].endswith("/bulk") and r["status"] == 202]
        assert posts == [1, 2, 3, 4], "each report delivered exactly once, in order"

    _settle(run, "down for 4 reports; two flushes at once", [1, 2, 3, 4], expect_code=4, expect_accepted=0,
            recover=two_flushes)
