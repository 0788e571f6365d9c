"""The emulator's page, loaded in headless Chromium: per issue, the panel Jira would show, kept current."""

from __future__ import annotations

import re
import time
from pathlib import Path

import httpx

from jira_devops.emulator.page import render_panels
from jira_devops.emulator.state import EmulatorState, StoredItem
from support.emulator import RunningEmulator
from support.emulator_api import (
    EmulatorApi,
    branch_entity,
    build_item,
    commit_entity,
    deployment_item,
    flag_item,
    pull_request_entity,
    repository_item,
)
from support.emulator_browser import browser_command, finish_browser, run_browser, start_browser


def _report_everything(api: EmulatorApi) -> None:
    tests = {"totalNumber": 120, "numberPassed": 118, "numberFailed": 2}
    assert api.submit("builds", build_item(41, pipeline="shop", keys=("ABC-1", "ABC-2"), testInfo=tests,
                                           displayName="shop <b>#41</b>")).status_code == 202
    api.submit("builds", build_item(42, pipeline="shop", keys=("ABC-2",), state="failed"))
    api.emulator.gate("prevented", environment_id="production")
    api.submit("deployments", deployment_item(7, keys=("ABC-1",), services=("svc-1",), gated=True, state="pending"))
    staging = deployment_item(6, environment="staging", keys=("ABC-1",), state="in_progress")
    staging["environment"]["type"] = "staging"
    api.submit("deployments", staging)
    merge = commit_entity("b" * 40, message="ABC-1 Check the e-mail address\n\nthe long story", flags=["MERGE_COMMIT"])
    reviewers = [{"name": "Ann", "approvalStatus": "APPROVED"}, {"name": "Bo", "approvalStatus": "UNAPPROVED"}]
    api.submit("devinfo", repository_item(commits=(commit_entity(), merge), branches=(branch_entity(),),
                                          pull_requests=(pull_request_entity(reviewers=reviewers),)))
    api.submit("featureflags", flag_item("new-checkout", keys=("ABC-1",)))


def _article(dom: str, key: str) -> str:
    match = re.search(rf'<article class="issue" id="{key}">(.*?)</article>', dom, re.S)
    assert match is not None, f"no panel for {key}"
    return match.group(1)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def test_the_page_shows_each_issues_panel_in_a_real_browser(emulator: RunningEmulator, tmp_path: Path) -> None:
    api = EmulatorApi(emulator)
    _report_everything(api)
    dom = run_browser(browser_command(f"{emulator.url}/", tmp_path / "profile"), tmp_path)
    assert re.findall(r'<article class="issue" id="([^"]+)"', dom) == ["ABC-1", "ABC-2"]
    first, second = _article(dom, "ABC-1"), _article(dom, "ABC-2")
    summary = _text(re.search(r'<div class="summary">(.*?)</div>', first, re.S).group(1))  # type: ignore[union-attr]
    assert summary == "1 branch 2 commits 1 pull request OPEN 1 build 1 feature flag"
    # builds: coloured states, tests, and the reported name shown as text, never as markup
    assert '<span class="lozenge green">successful</span>' in first
    assert '<span class="lozenge red">failed</span>' in second
    assert "shop &lt;b&gt;#41&lt;/b&gt;" in first and "<b>#41</b>" not in dom
    assert "shop #41 · tests 118 passed, 2 failed" in _text(first)
    assert "app #42 shop #42" in _text(second)
    # deployments: environment, state, gate decision
    deployments = _text(re.search(r'<section class="deployments">(.*?)</section>', first, re.S).group(1))  # type: ignore[union-attr]
    assert "production pending gate prevented deploy #7 acme/app #7" in deployments
    assert "staging in progress deploy #6 acme/app #6" in deployments
    assert "production production" not in deployments, "the type is not repeated under a name that says it"
    assert '<span class="lozenge yellow">pending</span> gate <span class="lozenge red">prevented</span>' in first
    # development: pull request, branch, commits (first line only, merge marked)
    assert '<span class="lozenge blue">OPEN</span>' in first
    assert "#7 ABC-1 Sign-in page" in _text(first) and "1/2 approved" in _text(first)
    assert "feature/ABC-1-sign-in" in first and "create pull request" in first
    assert "a7727ee" in first and "bbbbbbb" in first and "the long story" not in dom
    assert '<span class="lozenge grey">merge</span>' in first
    # feature flags: state per environment and rollout
    assert "Flag new-checkout new-checkout · default off production on 25%" in _text(first)
    assert "2 Jan 03:04 UTC" in first
    # no assets from elsewhere: every style and script is inline
    page = httpx.get(f"{emulator.url}/").text
    assert not re.search(r"<script[^>]+src=|<link[^>]+href=|@import|url\(", page)
    screenshot = tmp_path / "emulator-page.png"
    run_browser(browser_command(f"{emulator.url}/", tmp_path / "profile-shot", screenshot=screenshot), tmp_path)
    data = screenshot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 20_000
    print(f"screenshot of the emulator's page: {screenshot}")
    api.close()


def test_the_page_refreshes_as_reports_arrive(emulator: RunningEmulator, tmp_path: Path) -> None:
    api = EmulatorApi(emulator)
    api.submit("builds", build_item(1, keys=("ABC-1",)))
    first = httpx.get(f"{emulator.url}/_page/panels").json()
    # The page's first look for news is held for 3 s, so that the next report arrives while it is open.
    emulator.fault("/_page/panels", delay=3)
    browser = start_browser(browser_command(f"{emulator.url}/", tmp_path / "profile", virtual_time_ms=5000),
                            tmp_path)
    deadline = time.monotonic() + 60
    while emulator.faults() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert emulator.faults() == [], "the page asked for news"
    api.submit("deployments", deployment_item(3, keys=("OPS-9",), environment="staging"))
    dom = finish_browser(browser)
    assert re.findall(r'<article class="issue" id="([^"]+)"', dom) == ["ABC-1", "OPS-9"]
    assert "staging" in _text(_article(dom, "OPS-9"))
    later = httpx.get(f"{emulator.url}/_page/panels").json()
    assert later["revision"] > first["revision"] and "OPS-9" in later["html"] and "OPS-9" not in first["html"]
    unchanged = httpx.get(f"{emulator.url}/_page/panels", params={"since": str(later["revision"])}).json()
    assert unchanged == {"revision": later["revision"]}, "no news: nothing rendered"
    api.close()


def test_a_row_does_not_repeat_what_its_name_says() -> None:
    state = EmulatorState()
    build = build_item(2, pipeline="shop", displayName="shop #2")
    state.builds[("shop", 2)] = StoredItem(item=build, properties={}, issue_keys=["DEMO-1"])
    deployment = deployment_item(2, pipeline="shop", environment="production", displayName="shop #2")
    state.deployments[("shop", "production", 2)] = StoredItem(item=deployment, properties={}, issue_keys=["DEMO-1"])
    _, html = render_panels(state)
    assert _text(html).count("shop #2") == 2, "once per row"
    assert "production production" not in _text(html)
