"""Issue 16 item 8: proxies and private CAs, against a loopback proxy and a loopback TLS server whose
certificate the test makes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from support.cli import run_cli
from support.emulator import RunningEmulator
from support.gitrepo import make_repo
from support.tls_proxy import Certificate, LoopbackProxy, TlsFront, make_certificate

BUILD = ("report-build", "--json", "--ci", "generic", "--state", "successful", "--build-number", "4",
         "--pipeline-id", "acme/api", "--url", "https://ci.example.com/4")


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Certificate:
    return make_certificate(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def tls_front(emulator: RunningEmulator, certificate: Certificate) -> Iterator[TlsFront]:
    target = urlsplit(emulator.url)
    front = TlsFront(certificate, (target.hostname or "127.0.0.1", target.port or 80))
    yield front
    front.close()


@pytest.fixture
def proxy() -> Iterator[LoopbackProxy]:
    running = LoopbackProxy()
    yield running
    running.close()


def _env(emulator: RunningEmulator, tmp_path: Path, api_url: str, **extra: str) -> dict[str, str]:
    return {**emulator.env(tmp_path), "JIRA_DEVOPS_API_URL": api_url, "JIRA_DEVOPS_TIMEOUT": "5s",
            "JIRA_DEVOPS_OUTBOX": "off", "HTTPS_PROXY": "", "HTTP_PROXY": "", "ALL_PROXY": "", "NO_PROXY": "",
            **extra}


def test_a_private_ca_given_with_ca_bundle_is_trusted(emulator: RunningEmulator, tls_front: TlsFront,
                                                      certificate: Certificate, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", ("ABC-1 tls",))
    done = run_cli(*BUILD, "--ca-bundle", str(certificate.cert), env=_env(emulator, tmp_path, tls_front.url),
                   cwd=repo)
    assert done.returncode == 0, done.stderr
    assert [build["buildNumber"] for build in emulator.state()["builds"]] == [4]


def test_the_environment_variable_gives_the_ca_bundle_too(emulator: RunningEmulator, tls_front: TlsFront,
                                                          certificate: Certificate, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", ("ABC-1 tls",))
    env = _env(emulator, tmp_path, tls_front.url, JIRA_DEVOPS_CA_BUNDLE=str(certificate.cert))
    assert run_cli(*BUILD, env=env, cwd=repo).returncode == 0
    assert len(emulator.state()["builds"]) == 1


def test_ssl_cert_file_is_honoured(emulator: RunningEmulator, tls_front: TlsFront, certificate: Certificate,
                                   tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", ("ABC-1 tls",))
    env = _env(emulator, tmp_path, tls_front.url, SSL_CERT_FILE=str(certificate.cert), SSL_CERT_DIR="")
    done = run_cli(*BUILD, env=env, cwd=repo)
    assert done.returncode == 0, done.stderr


def test_an_untrusted_certificate_is_refused_and_nothing_is_stored(emulator: RunningEmulator, tls_front: TlsFront,
                                                                   tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", ("ABC-1 tls",))
    done = run_cli(*BUILD, env=_env(emulator, tmp_path, tls_front.url), cwd=repo)
    assert done.returncode == 4, done.stderr
    assert "certificate" in done.stderr.lower() and "--ca-bundle" in done.stderr
    assert "Traceback" not in done.stderr
    assert tls_front.handshakes_failed >= 1
    assert emulator.state()["builds"] == []


def test_a_ca_bundle_that_is_no_certificate_is_a_configuration_error(emulator: RunningEmulator, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", ("ABC-1 tls",))
    bogus = tmp_path / "bundle.pem"
    bogus.write_text("not a certificate\n", encoding="utf-8")
    for path, words in ((bogus, "holds no usable certificate"), (tmp_path / "missing.pem", "does not exist")):
        done = run_cli(*BUILD, "--ca-bundle", str(path), env=_env(emulator, tmp_path, emulator.url), cwd=repo)
        assert done.returncode == 2, done.stderr
        assert words in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert emulator.requests() == []


def test_the_repository_file_cannot_choose_the_ca_bundle(emulator: RunningEmulator, certificate: Certificate,
                                                          tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", ("ABC-1 tls",))
    (repo / ".jira-devops.yml").write_text(f"ca_bundle: {certificate.cert}\n", encoding="utf-8")
    done = run_cli(*BUILD, "--dry-run", env=_env(emulator, tmp_path, emulator.url), cwd=repo)
    assert done.returncode == 0, done.stderr
    assert "ca_bundle" in done.stderr and "ignored" in done.stderr


def test_https_through_a_proxy_to_a_private_ca(emulator: RunningEmulator, tls_front: TlsFront, proxy: LoopbackProxy,
                                               certificate: Certificate, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", ("ABC-1 proxied",))
    env = _env(emulator, tmp_path, tls_front.url, HTTPS_PROXY=proxy.url, JIRA_DEVOPS_CA_BUNDLE=str(certificate.cert))
    done = run_cli(*BUILD, env=env, cwd=repo)
    assert done.returncode == 0, done.stderr
    assert proxy.seen and set(proxy.seen) == {f"CONNECT 127.0.0.1:{tls_front.port}"}
    assert len(emulator.state()["builds"]) == 1


def test_plain_http_goes_through_http_proxy_and_no_proxy_bypasses_it(emulator: RunningEmulator,
                                                                     proxy: LoopbackProxy, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", ("ABC-1 proxied",))
    done = run_cli(*BUILD, env=_env(emulator, tmp_path, emulator.url, HTTP_PROXY=proxy.url), cwd=repo)
    assert done.returncode == 0, done.stderr
    paths = [urlsplit(line.split(" ", 1)[1]).path for line in proxy.seen]
    assert "/oauth/token" in paths and any(path.endswith("/bulk") for path in paths)
    before = len(proxy.seen)
    bypassed = run_cli(*BUILD, "--build-number", "5",
                       env=_env(emulator, tmp_path, emulator.url, HTTP_PROXY=proxy.url, NO_PROXY="127.0.0.1"),
                       cwd=repo)
    assert bypassed.returncode == 0, bypassed.stderr
    assert len(proxy.seen) == before, "NO_PROXY sent it direct"
    assert json.loads(bypassed.stdout)["accepted"]
