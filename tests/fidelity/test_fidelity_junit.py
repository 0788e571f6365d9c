"""Issue 16 item 2: a failed build is reported when ``--junit`` matches nothing, and a malformed report is skipped."""

from __future__ import annotations

import json
from pathlib import Path

from support.cli import run_cli
from support.emulator import RunningEmulator
from support.gitrepo import make_repo

GOOD = ("<testsuite><testcase name='a'/><testcase name='b'><failure/></testcase>"
        "<testcase name='c'><skipped/></testcase></testsuite>")


def _build(emulator: RunningEmulator, repo: Path, tmp_path: Path, *extra: str) -> tuple[int, dict, str]:
    done = run_cli("report-build", "--json", "--ci", "generic", "--build-number", "9", "--pipeline-id", "acme/api",
                   "--url", "https://ci.example.com/9", *extra, env=emulator.env(tmp_path), cwd=repo)
    return done.returncode, json.loads(done.stdout) if done.stdout.strip() else {}, done.stderr


def test_a_failed_build_whose_junit_glob_matches_nothing_is_sent_without_test_info(emulator: RunningEmulator,
                                                                                  tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", ("ABC-1 does not compile",))
    code, result, stderr = _build(emulator, repo, tmp_path, "--state", "failed", "--no-fail",
                                  "--junit", "target/surefire-reports/*.xml")
    assert code == 0, stderr
    warnings = [line for line in stderr.splitlines() if "JUnit" in line]
    assert len(warnings) == 1 and "target/surefire-reports/*.xml" in warnings[0], stderr
    assert [w for w in result["warnings"] if "JUnit" in w] == [warnings[0].removeprefix("warning: ")]
    (stored,) = emulator.state()["builds"]
    assert stored["state"] == "failed"
    assert "testInfo" not in stored


def test_a_malformed_report_is_skipped_and_the_others_counted(emulator: RunningEmulator, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", ("ABC-2 tests",))
    reports = repo / "reports"
    reports.mkdir()
    (reports / "good.xml").write_text(GOOD, encoding="utf-8")
    (reports / "truncated.xml").write_text("<testsuite tests='3'><testcase name='a'>", encoding="utf-8")
    (reports / "bomb.xml").write_text('<?xml version="1.0"?><!DOCTYPE t [<!ENTITY a "aaaaaaaaaa">'
                                      '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><testsuite tests="&b;"/>',
                                      encoding="utf-8")
    code, result, stderr = _build(emulator, repo, tmp_path, "--state", "failed", "--junit", "reports/*.xml")
    assert code == 0, stderr
    skipped = [w for w in result["warnings"] if "skipped" in w]
    assert len(skipped) == 2 and any("truncated.xml" in w for w in skipped) and any("bomb.xml" in w for w in skipped)
    assert "Traceback" not in stderr
    (stored,) = emulator.state()["builds"]
    assert stored["testInfo"] == {"totalNumber": 3, "numberPassed": 1, "numberFailed": 1, "numberSkipped": 1}


def test_only_malformed_reports_send_no_test_info(emulator: RunningEmulator, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", ("ABC-3 tests",))
    (repo / "report.xml").write_text("not xml at all", encoding="utf-8")
    code, result, stderr = _build(emulator, repo, tmp_path, "--state", "successful", "--junit", "report.xml")
    assert code == 0, stderr
    assert any("report.xml" in w and "not valid XML" in w for w in result["warnings"])
    assert "testInfo" not in result["bodies"][0]["builds"][0]
    assert len(emulator.state()["builds"]) == 1
