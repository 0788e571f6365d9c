"""`--since last-deploy` through the real command: `keys` and `report-deploy --dry-run` on real clones."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from support.cli import run_cli

MARKER = "refs/jira-devops/deploys/production"
DEPLOY_FLAGS = ("--environment", "production", "--deployment-number", "5", "--pipeline-id", "acme/api",
                "--url", "https://ci.example.test/5")


@pytest.fixture
def shipped(origin) -> list[str]:
    """production runs the first commit (ABC-1); three commits with ABC-2..ABC-4 came after it."""
    origin.git(origin.work, "commit", "-q", "--amend", "--allow-empty", "-m", "ABC-1 first")
    origin.git(origin.work, "push", "-q", "--force", "origin", "HEAD:main")
    origin.git(origin.work, "push", "-q", "origin", f"HEAD:{MARKER}")
    return [origin.commit(f"ABC-{number} change {number}") for number in (2, 3, 4)]


def test_keys_since_last_deploy_reads_exactly_what_shipped(origin, shipped) -> None:
    runner = origin.clone("runner", depth=1)

    done = run_cli("keys", "--since", "last-deploy", "--environment", "production", cwd=runner)

    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["ABC-4", "ABC-3", "ABC-2"]
    assert "warning" not in done.stderr


def test_keys_first_deploy_says_so_on_stderr(origin, shipped) -> None:
    done = run_cli("keys", "--since", "last-deploy", "--environment", "staging", cwd=origin.clone("runner"))

    assert done.returncode == 0
    assert done.stdout.split() == ["ABC-4"]
    assert "first deploy to staging" in done.stderr


def test_report_deploy_dry_run_carries_the_keys_since_the_last_deploy(origin, shipped) -> None:
    runner = origin.clone("runner", depth=1)
    before = origin.remote_ref(MARKER)

    done = run_cli("report-deploy", "--since", "last-deploy", "--dry-run", *DEPLOY_FLAGS, cwd=runner)

    assert done.returncode == 0, done.stderr
    body = json.loads(done.stdout)
    deployment = body["deployments"][0]
    assert deployment["associations"] == [{"associationType": "issueIdOrKeys", "values": ["ABC-4", "ABC-3", "ABC-2"]}]
    assert deployment["state"] == "successful"
    assert origin.remote_ref(MARKER) == before  # a dry run records nothing


def test_dry_run_json_shows_the_range_and_where_the_base_came_from(origin, shipped) -> None:
    runner = origin.clone("runner")
    base = origin.remote_ref(MARKER)
    assert base is not None

    done = run_cli("report-deploy", "--since", "last-deploy", "--dry-run", "--json", *DEPLOY_FLAGS, cwd=runner)

    result = json.loads(done.stdout)
    assert result["range"] == f"{base[:7]}..{shipped[-1][:7]}"
    assert result["commitsRead"] == 3
    assert result["rollback"] is False
    assert f"git ref {MARKER} on origin" in result["rangeBase"]


def test_dry_run_of_a_rollback_suggests_rolled_back_and_reads_what_is_rolled_back(origin, shipped) -> None:
    origin.git(origin.work, "push", "-q", "--force", "origin", f"HEAD:{MARKER}")
    runner = origin.clone("runner")
    origin.git(runner, "checkout", "-q", "--detach", shipped[0])

    done = run_cli("report-deploy", "--since", "last-deploy", "--dry-run", "--json", *DEPLOY_FLAGS, cwd=runner)

    result = json.loads(done.stdout)
    assert result["bodies"][0]["deployments"][0]["state"] == "rolled_back"
    assert result["rollback"] is True
    assert result["issueKeys"] == ["ABC-4", "ABC-3"]
    assert result["range"] == f"{shipped[0][:7]}..{shipped[-1][:7]}"
    assert any("rolled_back" in note for note in result["notes"])


def test_an_explicit_state_wins_over_the_rollback_suggestion(origin, shipped) -> None:
    origin.git(origin.work, "push", "-q", "--force", "origin", f"HEAD:{MARKER}")
    runner = origin.clone("runner")
    origin.git(runner, "checkout", "-q", "--detach", shipped[0])

    done = run_cli("report-deploy", "--since", "last-deploy", "--dry-run", "--state", "failure", *DEPLOY_FLAGS,
                   cwd=runner)

    assert json.loads(done.stdout)["deployments"][0]["state"] == "failed"


def test_since_last_deploy_without_an_environment_is_a_usage_error(origin, shipped) -> None:
    done = run_cli("keys", "--since", "last-deploy", cwd=origin.work)

    assert done.returncode == 2
    assert done.stderr.strip().startswith("error:")
    assert "--environment" in done.stderr
    assert "Traceback" not in done.stderr


def test_history_flag_picks_one_provider(origin, shipped, tmp_path: Path) -> None:
    done = run_cli("keys", "--since", "last-deploy", "--environment", "production", "--history", "ci",
                   cwd=origin.clone("runner"))

    assert done.returncode == 0
    assert done.stdout.split() == ["ABC-4"]
    assert "the CI gives no previous successful commit" in done.stderr


def test_keys_since_last_deploy_imports_no_heavy_dependency(origin, shipped) -> None:
    probe = ("import contextlib, io, sys\n"
             "from jira_devops.cli.app import main\n"
             "with contextlib.redirect_stdout(io.StringIO()):\n"
             "    main(['keys', '--since', 'last-deploy', '--environment', 'production'])\n"
             "heavy = {'pydantic', 'httpx', 'yaml', 'tenacity'}\n"  # GitPython ('git') reads the history
             "print(sorted({m.split('.')[0] for m in sys.modules} & heavy))\n")
    done = subprocess.run([sys.executable, "-c", probe], cwd=origin.clone("runner"), capture_output=True,
                          text=True, timeout=60, check=False)

    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_jenkins_previous_successful_commit_is_the_fallback(origin, shipped) -> None:
    runner = origin.clone("runner")
    previous = shipped[0]
    jenkins = {"JENKINS_URL": "https://jenkins.example.test/", "JOB_NAME": "api", "BUILD_NUMBER": "12",
               "GIT_COMMIT": shipped[-1], "GIT_PREVIOUS_SUCCESSFUL_COMMIT": previous}

    done = run_cli("keys", "--since", "last-deploy", "--environment", "staging", "--json", env=jenkins, cwd=runner)

    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["issueKeys"] == ["ABC-4", "ABC-3"]
    assert "previous successful commit (Jenkins)" in result["rangeBase"]


class _FakeGitHub(BaseHTTPRequestHandler):
    """Deployments of acme/api: #2 (running, this run) and #1 (succeeded, ``sha`` set by the test)."""

    sha = ""
    seen: list[tuple[str, str]] = []  # noqa: RUF012 - one server per test, reset by the fixture

    def do_GET(self) -> None:
        type(self).seen.append((self.path, self.headers.get("Authorization", "")))
        path = self.path.split("?", 1)[0]
        answers = {
            "/repos/acme/api/deployments": [{"id": 2, "sha": "f" * 40}, {"id": 1, "sha": self.sha}],
            "/repos/acme/api/deployments/2/statuses": [{"state": "in_progress"}],
            "/repos/acme/api/deployments/1/statuses": [{"state": "inactive"}, {"state": "success"}],
        }
        body = json.dumps(answers.get(path, {"message": "Not Found"})).encode()
        self.send_response(200 if path in answers else 404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def github_api() -> Iterator[str]:
    _FakeGitHub.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FakeGitHub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_github_deployments_through_the_cli_over_loopback(origin, shipped, github_api: str) -> None:
    _FakeGitHub.sha = shipped[0]
    token = "ghs_loopbackToken0123456789"
    env = {"GITHUB_ACTIONS": "true", "GITHUB_REPOSITORY": "acme/api", "GITHUB_API_URL": github_api,
           "GITHUB_TOKEN": token, "GITHUB_SHA": shipped[-1], "GITHUB_RUN_ID": "99", "GITHUB_RUN_NUMBER": "7",
           "GITHUB_SERVER_URL": "https://github.com", "GITHUB_WORKFLOW": "deploy", "GITHUB_REF": "refs/heads/main"}

    done = run_cli("keys", "--since", "last-deploy", "--environment", "production", "--history", "github",
                   "--json", env=env, cwd=origin.clone("runner"))

    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["issueKeys"] == ["ABC-4", "ABC-3"]
    assert "GitHub deployment 1 to production" in result["rangeBase"]
    assert _FakeGitHub.seen[0][0] == "/repos/acme/api/deployments?environment=production&per_page=30"
    assert all(authorization == f"Bearer {token}" for _, authorization in _FakeGitHub.seen)
    assert token not in done.stdout + done.stderr
