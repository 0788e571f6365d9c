"""Cost of the emulator's answers, as ratios against its cheapest one measured in the same run.

Run: ``python benchmarks/emulator_throughput.py [--runs N]``. Starts an in-process emulator on loopback,
then times (median of N) an unauthenticated ``GET /_edge/tenant_info`` (the baseline: HTTP round trip
only), a bulk submission of 1 and of 100 builds (schema validation and storage), a get by key, a
gating-status poll, a repository of 400 commits (each judged on its own) and the page with every panel,
over one keep-alive connection. Shows what end-to-end tests pay per request.
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any, Callable

import httpx

from jira_devops.emulator.server import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, Emulator, EmulatorConfig


def _build(number: int) -> dict[str, Any]:
    return {"schemaVersion": "1.0", "pipelineId": "bench/app", "buildNumber": number,
            "updateSequenceNumber": number, "displayName": f"#{number}", "url": f"https://ci.example.com/{number}",
            "state": "successful", "lastUpdated": "2026-01-01T00:00:00Z", "issueKeys": ["ABC-1", "OPS-2"]}


def _deployment() -> dict[str, Any]:
    return {"schemaVersion": "1.0", "deploymentSequenceNumber": 1, "updateSequenceNumber": 1,
            "associations": [{"associationType": "issueIdOrKeys", "values": ["ABC-1"]},
                             {"associationType": "serviceIdOrKeys", "values": ["svc"]}],
            "displayName": "d", "url": "https://ci.example.com/d", "description": "d",
            "lastUpdated": "2026-01-01T00:00:00Z", "state": "pending",
            "pipeline": {"id": "bench", "displayName": "bench", "url": "https://ci.example.com"},
            "environment": {"id": "prod", "displayName": "prod", "type": "production"},
            "commands": [{"command": "initiate_deployment_gating"}]}


def _repository(run: int) -> dict[str, Any]:
    commits = [{"id": f"{run:08x}{n:032x}", "displayId": f"{n:07x}", "message": f"ABC-1 change {n}",
                "author": {"name": "Dev", "email": "dev@example.com"}, "authorTimestamp": "2026-01-01T00:00:00Z",
                "fileCount": 3, "url": f"https://git.example.com/c/{n}", "updateSequenceId": run + 1,
                "issueKeys": ["ABC-1"]} for n in range(400)]
    return {"id": "git.example.com~bench~app", "name": "bench/app", "url": "https://git.example.com/bench/app",
            "updateSequenceId": run + 1, "commits": commits}


def _median_ms(call: Callable[[int], httpx.Response], runs: int) -> float:
    times = []
    for run in range(runs):
        started = time.perf_counter()
        response = call(run)
        times.append(time.perf_counter() - started)
        if response.status_code >= 300:
            raise SystemExit(f"unexpected HTTP {response.status_code}: {response.text[:200]}")
    return statistics.median(times) * 1000


def main() -> None:
    """Measure and print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=101, help="requests per case (the median is kept)")
    runs = parser.parse_args().runs
    with Emulator(EmulatorConfig(log_requests=False)) as emulator, httpx.Client(base_url=emulator.url) as http:
        cloud = http.get("/_edge/tenant_info").json()["cloudId"]
        token = http.post("/oauth/token", json={"audience": "api.atlassian.com", "grant_type": "client_credentials",
                                                "client_id": DEFAULT_CLIENT_ID,
                                                "client_secret": DEFAULT_CLIENT_SECRET}).json()["access_token"]
        auth = {"Authorization": f"Bearer {token}"}
        builds = f"/jira/builds/0.1/cloud/{cloud}"
        deployments = f"/jira/deployments/0.1/cloud/{cloud}"
        devinfo = f"/jira/devinfo/0.1/cloud/{cloud}"
        http.post(f"{deployments}/bulk", json={"deployments": [_deployment()]}, headers=auth)
        cases: dict[str, Callable[[int], httpx.Response]] = {
            "GET tenant_info (baseline)": lambda run: http.get("/_edge/tenant_info"),
            "POST 1 build": lambda run: http.post(f"{builds}/bulk", json={"builds": [_build(run)]}, headers=auth),
            "POST 100 builds": lambda run: http.post(
                f"{builds}/bulk", json={"builds": [_build(run * 100 + n) for n in range(100)]}, headers=auth),
            "GET build by key": lambda run: http.get(f"{builds}/pipelines/bench%2Fapp/builds/1", headers=auth),
            "GET gating-status": lambda run: http.get(
                f"{deployments}/pipelines/bench/environments/prod/deployments/1/gating-status", headers=auth),
            "POST 400 commits (devinfo)": lambda run: http.post(
                f"{devinfo}/bulk", json={"repositories": [_repository(run)]}, headers=auth),
            "GET the page (every panel)": lambda run: http.get("/"),
        }
        results = {name: _median_ms(call, runs) for name, call in cases.items()}
    baseline = results["GET tenant_info (baseline)"]
    print(f"median of {runs} requests each over one keep-alive connection; ratio = time / baseline")
    print(f"{'request':<30}{'median ms':>12}{'ratio':>10}")
    for name, ms in results.items():
        print(f"{name:<30}{ms:>12.2f}{ms / baseline:>9.1f}x")
    print(f"validated and stored builds per second in 100-build requests: {100_000 / results['POST 100 builds']:.0f}")
    per_second = 400_000 / results["POST 400 commits (devinfo)"]
    print(f"validated and stored commits per second in 400-commit requests: {per_second:.0f}")


if __name__ == "__main__":
    main()
