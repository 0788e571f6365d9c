"""Deploy after deploy through the real CLI against the emulator, with a real bare remote as the origin."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from support.cli import run_cli

pytestmark = pytest.mark.e2e

MARKER = "refs/jira-devops/deploys/production"


def deploy(emulator: Any, tmp_path: Path, clone: Path, number: int, *extra: str) -> Any:
    """``report-deploy --since last-deploy`` to production as run ``number`` of acme/api."""
    return run_cli("report-deploy", "--since", "last-deploy", "--environment", "production",
                   "--deployment-number", str(number), "--pipeline-id", "acme/api",
                   "--url", f"https://ci.example.test/{number}", *extra,
                   env=emulator.env(tmp_path), cwd=clone)


def sent(emulator: Any, number: int) -> dict[str, Any]:
    """The deployment the emulator holds for run ``number``."""
    found = [item for item in emulator.state()["deployments"] if item["deploymentSequenceNumber"] == number]
    assert len(found) == 1
    return dict(found[0])


def keys_of(deployment: dict[str, Any]) -> list[str]:
    return [value for association in deployment.get("associations") or []
            if association["associationType"] == "issueIdOrKeys" for value in association["values"]]


def test_first_then_second_deploy_carries_exactly_the_commits_in_between(emulator, origin, tmp_path: Path) -> None:
    first = origin.commit("ABC-1 first feature")
    done = deploy(emulator, tmp_path, origin.clone("runner1", depth=1), 1)

    assert done.returncode == 0, done.stderr
    assert "first deploy to production" in done.stderr
    assert keys_of(sent(emulator, 1)) == ["ABC-1"]
    assert origin.remote_ref(MARKER) == first

    shipped = [origin.commit("ABC-2 second"), origin.commit("ABC-3 third")]
    done = deploy(emulator, tmp_path, origin.clone("runner2", depth=1), 2)

    assert done.returncode == 0, done.stderr
    assert keys_of(sent(emulator, 2)) == ["ABC-3", "ABC-2"]
    assert f"range: {first[:7]}..{shipped[-1][:7]}, 2 commits, 2 keys" in done.stdout
    assert f"git ref {MARKER} on origin" in done.stdout
    assert origin.remote_ref(MARKER) == shipped[-1]


def test_push_refused_warns_and_the_deployment_is_still_reported(emulator, origin, tmp_path: Path) -> None:
    origin.commit("ABC-4 change")
    origin.reject_pushes()

    done = deploy(emulator, tmp_path, origin.clone("runner"), 3)

    assert done.returncode == 0, done.stderr
    assert "could not push the deploy marker" in done.stderr
    assert "push (write) access" in done.stderr
    assert keys_of(sent(emulator, 3)) == ["ABC-4"]
    assert origin.remote_ref(MARKER) is None


def test_rollback_reports_rolled_back_with_the_rolled_back_keys(emulator, origin, tmp_path: Path) -> None:
    good = origin.commit("ABC-5 good")
    origin.commit("ABC-6 bad")
    deploy(emulator, tmp_path, origin.clone("runner1"), 4)
    runner = origin.clone("runner2")
    origin.git(runner, "checkout", "-q", "--detach", good)

    done = deploy(emulator, tmp_path, runner, 5)

    assert done.returncode == 0, done.stderr
    rolled = sent(emulator, 5)
    assert rolled["state"] == "rolled_back"
    assert keys_of(rolled) == ["ABC-6"]
    assert "rollback" in done.stdout
    assert origin.remote_ref(MARKER) == good


def test_force_pushed_history_warns_and_reports_what_is_new(emulator, origin, tmp_path: Path) -> None:
    kept = origin.commit("ABC-7 kept")
    origin.commit("ABC-8 first try")
    deploy(emulator, tmp_path, origin.clone("runner1"), 6)
    origin.git(origin.work, "reset", "-q", "--hard", kept)
    origin.commit("ABC-8 second try", push=False)
    origin.git(origin.work, "push", "-q", "--force", "origin", "HEAD:main")

    done = deploy(emulator, tmp_path, origin.clone("runner2"), 7)

    assert done.returncode == 0, done.stderr
    assert "force-push" in done.stderr
    assert keys_of(sent(emulator, 7)) == ["ABC-8"]


def test_a_gate_that_prevents_the_deploy_records_nothing(emulator, origin, tmp_path: Path) -> None:
    origin.commit("ABC-9 gated")
    emulator.gate("prevented")

    done = run_cli("report-deploy", "--environment", "production", "--deployment-number", "8",
                   "--pipeline-id", "acme/api", "--url", "https://ci.example.test/8", "--gate", "--state",
                   "successful", "--service-id", "svc-1", "--record", env=emulator.env(tmp_path),
                   cwd=origin.clone("runner"))

    assert done.returncode == 5, done.stderr
    assert origin.remote_ref(MARKER) is None


def test_a_plain_deploy_records_the_marker_for_later(emulator, origin, tmp_path: Path) -> None:
    deployed = origin.commit("ABC-10 plain")

    done = run_cli("report-deploy", "--environment", "production", "--deployment-number", "9",
                   "--pipeline-id", "acme/api", "--url", "https://ci.example.test/9", env=emulator.env(tmp_path),
                   cwd=origin.clone("runner", depth=1))

    assert done.returncode == 0, done.stderr
    assert origin.remote_ref(MARKER) == deployed
