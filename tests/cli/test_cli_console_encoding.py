"""A console that cannot show every character (cp1252, as on Windows): JSON stays exact, text never crashes.

``PYTHONIOENCODING=cp1252`` stands in for a Windows console or pipe; the output is decoded strictly as
cp1252, as a program reading it there would.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from support.cli import clean_environment

BUILD_FLAGS = ("--state", "successful", "--build-number", "4", "--url", "https://ci.example.com/4", "--ci",
               "generic")
NAMES = ("Déploiement", "Build ✓", "ビルド 🚀")


def _cp1252_cli(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[bytes]:
    environ = {**clean_environment(), "PYTHONIOENCODING": "cp1252", **env}
    return subprocess.run([sys.executable, "-m", "jira_devops", *args], cwd=cwd, env=environ,
                          capture_output=True, timeout=60, check=False)


def test_json_output_is_ascii_and_carries_every_character(repo: Path, tmp_path: Path) -> None:
    for name in NAMES:
        done = _cp1252_cli("report-build", "--dry-run", "--json", *BUILD_FLAGS, "--display-name", name,
                           "--description", f"{name} described", "--label", name, cwd=repo,
                           env={"JIRA_DEVOPS_CACHE_DIR": str(tmp_path / "cache")})
        assert done.returncode == 0, done.stderr.decode("cp1252", "replace")
        assert b"Traceback" not in done.stderr
        assert done.stdout.isascii()
        build = json.loads(done.stdout.decode("cp1252"))["bodies"][0]["builds"][0]
        assert (build["displayName"], build["description"], build["label"]) == (name, f"{name} described", name)


def test_dry_run_bodies_are_ascii_json_too(repo: Path, tmp_path: Path) -> None:
    done = _cp1252_cli("report-build", "--dry-run", *BUILD_FLAGS, "--display-name", "Build ✓", cwd=repo,
                       env={"JIRA_DEVOPS_CACHE_DIR": str(tmp_path / "cache")})
    assert done.returncode == 0, done.stderr.decode("cp1252", "replace")
    assert done.stdout.isascii()
    assert json.loads(done.stdout.decode("cp1252"))["builds"][0]["displayName"] == "Build ✓"


def test_human_text_escapes_what_the_console_cannot_show(tmp_path: Path) -> None:
    github = {"GITHUB_ACTIONS": "true", "GITHUB_REPOSITORY": "acme/app", "GITHUB_RUN_NUMBER": "3",
              "GITHUB_RUN_ID": "99", "GITHUB_SERVER_URL": "https://github.com", "GITHUB_WORKFLOW": "CI ✓",
              "GITHUB_REF": "refs/heads/feature/ABC-1-café", "GITHUB_REF_NAME": "feature/ABC-1-café",
              "GITHUB_SHA": "a" * 40}
    done = _cp1252_cli("context", cwd=tmp_path, env=github)
    assert done.returncode == 0, done.stderr.decode("cp1252", "replace")
    text = done.stdout.decode("cp1252")
    assert "feature/ABC-1-café" in text  # cp1252 has é: shown as is
    assert "CI \\u2713" in text  # no ✓ in cp1252: escaped, not a crash
    assert b"Traceback" not in done.stderr
