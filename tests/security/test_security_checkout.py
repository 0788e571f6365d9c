"""A hostile checkout: the repository's own ``.jira-devops.yml`` may shape a report, never choose where the
secret goes, which file is read as the secret, where the tool writes, or what runs.

The capture server below stands on loopback for every place a hostile file could point at, and doubles as
the HTTPS proxy of the run, so that a request to the real API is seen (as ``CONNECT host:443``) and refused
there instead of leaving the machine.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from jira_devops.settings import DEFAULT_API_URL, OPTIONS, load_settings
from support import cli as cli_support
from support.gitrepo import make_repo

SECRET = "hostile-checkout-secret-5b1e"
BUILD = ("report-build", "--ci", "generic", "--state", "successful", "--build-number", "7",
         "--url", "https://ci.example.test/7")


class _Capture(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _CaptureHandler)
        self.seen: list[tuple[str, str, bytes]] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _CaptureHandler(BaseHTTPRequestHandler):
    server: _Capture

    def _record(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.server.seen.append((self.command, self.path, self.rfile.read(length) if length else b""))

    def do_CONNECT(self) -> None:  # the run's proxy: refuse every tunnel, so nothing leaves the machine
        self._record()
        self.send_response(403)
        self.end_headers()

    def do_POST(self) -> None:
        self._record()
        body = b'{"access_token": "captured-token", "expires_in": 3600}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def capture() -> Iterator[_Capture]:
    server = _Capture()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def _hostile_repo(tmp_path: Path, capture: _Capture) -> Path:
    repo = make_repo(tmp_path / "repo", ("ABC-12 start",), branch="ABC-12-login")
    (tmp_path / "shared").mkdir()
    (repo / "reports").mkdir()
    (repo / "reports" / "unit.xml").write_text("<testsuite tests='2' failures='0'/>", encoding="utf-8")
    (repo / ".jira-devops.yml").write_text(
        f"api_url: {capture.url}/steal\n"
        "client_secret_file: /proc/self/environ\n"
        f"cache_dir: {tmp_path / 'shared'}\n"
        f"outbox: {tmp_path / 'shared'}\n"
        "record: true\n"
        "remote: https://attacker.invalid/loot.git\n"
        "junit: [/etc/**/*.xml, ../outside/*.xml, reports/*.xml]\n"
        "pipeline_name: shop\n",
        encoding="utf-8")
    return repo


def _env(tmp_path: Path, capture: _Capture) -> dict[str, str]:
    return {
        "JIRA_CLIENT_ID": "client-1",
        "JIRA_CLIENT_SECRET": SECRET,
        "JIRA_CLOUD_ID": "7a3c9b10-0000-4000-8000-000000000001",
        "JIRA_DEVOPS_OUTBOX": str(tmp_path / "outbox"),
        "JIRA_DEVOPS_TIMEOUT": "3s",
        "HTTPS_PROXY": capture.url,
        "NO_PROXY": "127.0.0.1",
    }


def test_the_checkouts_file_cannot_send_the_secret_elsewhere(tmp_path: Path, capture: _Capture) -> None:
    repo = _hostile_repo(tmp_path, capture)

    done = cli_support.run_cli(*BUILD, env=_env(tmp_path, capture), cwd=repo)

    warned = [line for line in done.stderr.splitlines() if "is ignored" in line]
    for key in ("api_url", "client_secret_file", "cache_dir", "outbox", "record", "remote"):
        assert any(f": {key} is ignored" in line for line in warned), (key, done.stderr)
    assert any("'/etc/**/*.xml' is ignored" in line for line in warned)
    assert any("'../outside/*.xml' is ignored" in line for line in warned)
    assert not any("reports/*.xml" in line for line in warned)
    assert "Traceback" not in done.stderr
    # The only request went towards the real API (refused by the proxy); nothing reached the hostile URL.
    assert {(method, path) for method, path, _ in capture.seen} == {("CONNECT", "api.atlassian.com:443")}
    assert all(SECRET.encode() not in body for _, _, body in capture.seen)
    # Jira could not be reached: exit 4, and the report waits in the outbox the environment named.
    assert done.returncode == 4, done.stderr
    assert list((tmp_path / "outbox").glob("*.json"))
    assert list((tmp_path / "shared").iterdir()) == []


def test_the_shared_folder_a_hostile_file_names_keeps_its_mode(tmp_path: Path, capture: _Capture) -> None:
    repo = _hostile_repo(tmp_path, capture)
    (tmp_path / "shared").chmod(0o777)

    cli_support.run_cli(*BUILD, env=_env(tmp_path, capture), cwd=repo)

    assert (tmp_path / "shared").stat().st_mode & 0o777 == 0o777


def test_a_file_the_user_names_is_trusted(tmp_path: Path, capture: _Capture) -> None:
    repo = _hostile_repo(tmp_path, capture)
    named = tmp_path / "ci-settings.yml"
    named.write_text(f"api_url: {capture.url}/proxy\n", encoding="utf-8")

    done = cli_support.run_cli(*BUILD, "--config", str(named), env=_env(tmp_path, capture), cwd=repo)

    assert "is ignored" not in done.stderr
    assert ("POST", "/proxy/oauth/token") in {(method, path) for method, path, _ in capture.seen}


@pytest.mark.parametrize("option", [option for option in OPTIONS if option.in_file and
                                    option.repository_file == "no"], ids=lambda option: option.name)
def test_every_trusted_only_setting_is_ignored_in_the_checkouts_file(tmp_path: Path, option: Any) -> None:
    repo = make_repo(tmp_path / "repo", ("ABC-1 start",))
    raw = "true" if option.value_type == "bool" else "hostile-value"
    (repo / ".jira-devops.yml").write_text(f"{option.name}: {raw}\n", encoding="utf-8")

    discovered = load_settings({}, {}, cwd=repo)
    named = load_settings({}, {}, cwd=repo, config=str(repo / ".jira-devops.yml"))

    assert getattr(discovered, option.name) == option.default
    assert len(discovered.warnings) == 1 and f"{option.name} is ignored" in discovered.warnings[0]
    assert option.env_var in discovered.warnings[0]
    assert discovered.source_of(option.name) == "default"
    assert named.source_of(option.name) == "file:1" and named.warnings == ()


def test_the_api_url_of_the_checkouts_file_falls_back_to_atlassian(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", ("ABC-1 start",))
    (repo / ".jira-devops.yml").write_text("api_url: http://127.0.0.1:9/steal\nsite: acme\nlabel: v1\n",
                                           encoding="utf-8")

    settings = load_settings({}, {}, cwd=repo)

    assert settings.api_url == DEFAULT_API_URL
    # the site says where the credentials go (several sites, each with its own), so the checkout may not
    # name it either; shaping the report is still allowed
    assert settings.site is None
    assert settings.label == "v1"


def test_the_environment_still_wins_over_any_file(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", ("ABC-1 start",))
    (repo / ".jira-devops.yml").write_text("label: from-file\n", encoding="utf-8")

    settings = load_settings({}, {"JIRA_DEVOPS_LABEL": "from-env"}, cwd=repo)

    assert settings.label == "from-env" and settings.warnings == ()
