"""Issue 16 item 6: a key glued to a letter or digit of any script is no key, in commits, branches and reports."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from support.cli import run_cli
from support.emulator import RunningEmulator
from support.gitrepo import make_repo


def _commit(repo: Path, message: bytes, encoding: str = "UTF-8") -> None:
    subprocess.run(["git", "-c", "user.name=T", "-c", "user.email=t@example.com", "-c",
                    f"i18n.commitEncoding={encoding}", "commit", "-q", "--allow-empty", "-F", "-"],
                   cwd=repo, check=True, capture_output=True, input=message)


def test_glued_keys_in_utf8_and_latin1_commits_and_the_branch_are_not_sent(emulator: RunningEmulator,
                                                                         tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", ("start",), branch="fix/ÄBC-7-umlaut")
    _commit(repo, "ÄBC-12 Übersetzung, 修复OPS-3的问题".encode())
    _commit(repo, "ÄBC-13 caf\xe9 ABC-4".encode("latin-1"), "ISO-8859-1")
    done = run_cli("report-build", "--json", "--ci", "generic", "--state", "successful", "--build-number", "1",
                   "--url", "https://ci.example.com/1", "--range", "HEAD~2..HEAD",
                   env=emulator.env(tmp_path), cwd=repo)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert sorted(result["issueKeys"]) == ["ABC-4", "OPS-3"], "BC-7, BC-12 and BC-13 are no keys"
    (stored,) = emulator.state()["builds"]
    assert sorted(stored["associatedIssueKeys"]) == ["ABC-4", "OPS-3"]
