"""The read-only HTML page at ``/``: per issue, the panel Jira would show, refreshed as reports arrive.

Each issue gets a card: a summary line (as Jira's development panel has), then its builds, deployments
(environment, state, gate decision), commits, branches, pull requests and feature flags, with coloured
states and times. Everything is inline (no scripts, styles or fonts from elsewhere). A small script polls
``/_page/panels`` and swaps the cards in when the emulator's state has changed; without scripts the page
reloads itself every few seconds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, timezone
from html import escape
from typing import Any, Optional

from jira_devops.emulator.state import EmulatorState, StoredItem

POLL_MILLISECONDS = 1500
_KEY_ORDER = re.compile(r"^(.*?)-(\d+)$")
# Colour of each state, by the lozenge class that carries it.
_TONES = {
    "successful": "green", "allowed": "green", "merged": "green", "enabled": "green",
    "failed": "red", "prevented": "red", "declined": "red", "rolled_back": "red",
    "in_progress": "blue", "open": "blue",
    "pending": "yellow", "awaiting": "yellow",
}

_STYLE = """
*{box-sizing:border-box}body{margin:0;font:14px/1.45 -apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;
color:#172b4d;background:#f4f5f7}header{background:#0747a6;color:#fff;padding:14px 28px;display:flex;
align-items:baseline;gap:18px}header h1{font-size:20px;margin:0}header .meta{opacity:.85;font-size:13px}
#live{margin-left:auto;font-size:12px;opacity:.9}#live:before{content:'';display:inline-block;width:8px;
height:8px;border-radius:50%;background:#79f2c0;margin-right:6px}main{padding:20px 28px;display:grid;
grid-template-columns:repeat(auto-fill,minmax(560px,1fr));gap:18px}.issue{background:#fff;border-radius:6px;
box-shadow:0 1px 2px rgba(9,30,66,.25);padding:14px 18px}.issue h2{margin:0 0 4px;font-size:17px}
.summary{display:flex;flex-wrap:wrap;gap:6px;margin:6px 0 10px}.summary span{background:#ebecf0;
border-radius:3px;padding:1px 8px;font-size:12px}section h3{font-size:11px;text-transform:uppercase;
letter-spacing:.04em;color:#5e6c84;margin:12px 0 4px}table{width:100%;border-collapse:collapse;
table-layout:fixed}td:first-child{width:120px;overflow-wrap:anywhere}td.when{width:120px}
td{padding:4px 6px 4px 0;vertical-align:top;border-top:1px solid #ebecf0}td.when{color:#5e6c84;
white-space:nowrap;text-align:right;font-size:12px}.sub{color:#5e6c84;font-size:12px}.lozenge{display:inline-block;
border-radius:3px;padding:0 5px;font-size:11px;font-weight:700;text-transform:uppercase;white-space:nowrap;
background:#dfe1e6;color:#42526e}.green{background:#e3fcef;color:#006644}.red{background:#ffebe6;color:#bf2600}
.blue{background:#deebff;color:#0747a6}.yellow{background:#fff0b3;color:#172b4d}.env{font-weight:600}
code{font:12px SFMono-Regular,Consolas,monospace;background:#f4f5f7;padding:0 3px;border-radius:3px}
a{color:#0052cc;text-decoration:none}a:hover{text-decoration:underline}.empty{grid-column:1/-1;
text-align:center;color:#5e6c84;padding:60px}
"""

_SCRIPT = """
(function(){var revision=%d;function stamp(){document.getElementById('live').textContent=
'live \\u00b7 updated '+new Date().toLocaleTimeString();}function poll(){fetch('/_page/panels?since='+revision,
{cache:'no-store'}).then(function(r){return r.json();}).then(function(d){if(d.html!==undefined&&d.revision!==revision){
revision=d.revision;document.getElementById('panels').innerHTML=d.html;stamp();}}).catch(function(){})
.then(function(){setTimeout(poll,%d);});}stamp();setTimeout(poll,%d);})();
"""


def _tone(state: Any) -> str:
    return _TONES.get(str(state).lower(), "grey")


def _lozenge(text: Any, tone: Optional[str] = None) -> str:
    label = str(text).replace("_", " ")
    return f'<span class="lozenge {tone or _tone(text)}">{escape(label)}</span>'


def _link(text: str, url: Any) -> str:
    """``text`` (already escaped) as a link when ``url`` is a web address, else as it is."""
    if isinstance(url, str) and url.startswith(("http://", "https://")):
        return f'<a href="{escape(url, quote=True)}" rel="noreferrer">{text}</a>'
    return text


def _when(value: Any) -> str:
    """An ISO-8601 time as ``2 Jan 03:04 UTC``; anything else as it is."""
    if not isinstance(value, str):
        return ""
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00").replace(" ", "T"))
    except ValueError:
        return escape(value)
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc)
    return escape(f"{moment.day} {moment:%b %H:%M} UTC")


def _first_line(text: Any) -> str:
    return escape(str(text).splitlines()[0] if str(text) else "")


def _plural(count: int, noun: str, plural: str = "") -> str:
    return f"{count} {noun if count == 1 else (plural or noun + 's')}"


# --- one row per thing ------------------------------------------------------------------------------------


def _unless_repeated(text: str, *shown: Any) -> str:
    """``text`` escaped, or nothing when it says what is already shown (no "shop #2 (shop #2)")."""
    return "" if any(text.strip().lower() == str(other).strip().lower() for other in shown) else escape(text)


def _build_row(stored: StoredItem) -> str:
    item = stored.item
    display = str(item.get("displayName"))
    details = [_unless_repeated(f"{item.get('pipelineId')} #{item.get('buildNumber')}", display)]
    tests = item.get("testInfo")
    if isinstance(tests, dict):
        details.append(f"tests {escape(str(tests.get('numberPassed')))} passed, "
                       f"{escape(str(tests.get('numberFailed')))} failed")
    name = _link(escape(display), item.get("url"))
    sub = " · ".join(part for part in details if part)
    return (f'<tr class="build"><td>{_lozenge(item.get("state"))}</td><td>{name}<div class="sub">{sub}</div></td>'
            f'<td class="when">{_when(item.get("lastUpdated"))}</td></tr>')


def _deployment_row(stored: StoredItem) -> str:
    item = stored.item
    environment = item.get("environment") or {}
    environment_name = str(environment.get("displayName"))
    gate = ""
    if stored.gate is not None:
        gate = f' gate {_lozenge(stored.gate["decision"])}'
    display = str(item.get("displayName"))
    name = _link(escape(display), item.get("url"))
    pipeline = item.get("pipeline") or {}
    run = _unless_repeated(f"{pipeline.get('displayName')} #{item.get('deploymentSequenceNumber')}", display)
    return (f'<tr class="deployment"><td><span class="env">{escape(environment_name)}</span>'
            f'<div class="sub">{_unless_repeated(str(environment.get("type")), environment_name)}</div></td>'
            f'<td>{_lozenge(item.get("state"))}{gate} {name}<div class="sub">{run}</div></td>'
            f'<td class="when">{_when(item.get("lastUpdated"))}</td></tr>')


def _commit_row(repository: str, commit: dict[str, Any]) -> str:
    author = commit.get("author") or {}
    merge = " " + _lozenge("merge", "grey") if "MERGE_COMMIT" in (commit.get("flags") or []) else ""
    short = f"<code>{escape(str(commit.get('displayId')))}</code>"
    return (f'<tr class="commit"><td>{_link(short, commit.get("url"))}</td>'
            f'<td>{_first_line(commit.get("message"))}{merge}<div class="sub">{escape(str(author.get("name")))}'
            f' · {escape(repository)} · {escape(str(commit.get("fileCount")))} files</div></td>'
            f'<td class="when">{_when(commit.get("authorTimestamp"))}</td></tr>')


def _branch_row(repository: str, branch: dict[str, Any]) -> str:
    last = branch.get("lastCommit") or {}
    create = branch.get("createPullRequestUrl")
    action = f' · {_link("create pull request", create)}' if isinstance(create, str) else ""
    return (f'<tr class="branch"><td>{_lozenge("branch", "grey")}</td><td>'
            f'{_link(escape(str(branch.get("name"))), branch.get("url"))}<div class="sub">{escape(repository)} · '
            f'last commit <code>{escape(str(last.get("displayId")))}</code>{action}</div></td>'
            f'<td class="when">{_when(last.get("authorTimestamp"))}</td></tr>')


def _pull_request_row(repository: str, pull: dict[str, Any]) -> str:
    author = pull.get("author") or {}
    target = f" → {escape(str(pull['destinationBranch']))}" if pull.get("destinationBranch") else ""
    reviewers = [r for r in pull.get("reviewers") or [] if isinstance(r, dict)]
    reviewed = ""
    if reviewers:
        approved = sum(1 for r in reviewers if r.get("approvalStatus") == "APPROVED")
        reviewed = f" · {approved}/{len(reviewers)} approved"
    title = _link(f"{escape(str(pull.get('displayId')))} {escape(str(pull.get('title')))}", pull.get("url"))
    return (f'<tr class="pull-request"><td>{_lozenge(pull.get("status"))}</td><td>{title}<div class="sub">'
            f'{escape(str(pull.get("sourceBranch")))}{target} · {escape(str(author.get("name")))} · '
            f'{escape(str(pull.get("commentCount")))} comments{reviewed} · {escape(repository)}</div></td>'
            f'<td class="when">{_when(pull.get("lastUpdate"))}</td></tr>')


def _flag_row(stored: StoredItem) -> str:
    flag = stored.item
    summary = flag.get("summary") or {}
    status = summary.get("status") or {}
    name = _link(escape(str(flag.get("displayName") or flag.get("key"))), summary.get("url"))
    environments = []
    for detail in flag.get("details") or []:
        if not isinstance(detail, dict):
            continue
        env = detail.get("environment") or {}
        state = (detail.get("status") or {}).get("enabled")
        rollout = (detail.get("status") or {}).get("rollout") or {}
        share = f" {escape(str(rollout['percentage']))}%" if "percentage" in rollout else ""
        environments.append(f'<span class="env">{escape(str(env.get("name")))}</span> '
                            f'{_lozenge("on" if state else "off", "green" if state else "grey")}{share}')
    default = f" · default {escape(str(status['defaultValue']))}" if "defaultValue" in status else ""
    return (f'<tr class="flag"><td>{_lozenge("enabled" if status.get("enabled") else "disabled")}</td><td>{name} '
            f'<code>{escape(str(flag.get("key")))}</code>{default}<div class="sub">{" · ".join(environments)}</div>'
            f'</td><td class="when">{_when(summary.get("lastUpdated"))}</td></tr>')


# --- per issue --------------------------------------------------------------------------------------------


class _Panel:
    """What one issue's panel lists."""

    def __init__(self) -> None:
        self.builds: list[StoredItem] = []
        self.deployments: list[StoredItem] = []
        self.commits: list[tuple[str, dict[str, Any]]] = []
        self.branches: list[tuple[str, dict[str, Any]]] = []
        self.pull_requests: list[tuple[str, dict[str, Any]]] = []
        self.flags: list[StoredItem] = []

    def summary(self) -> list[str]:
        """The one-glance line, as Jira's development panel opens with."""
        parts = []
        if self.branches:
            parts.append(_plural(len(self.branches), "branch", "branches"))
        if self.commits:
            parts.append(_plural(len(self.commits), "commit"))
        if self.pull_requests:
            latest = str(self.pull_requests[-1][1].get("status", "")).upper()
            parts.append(f"{_plural(len(self.pull_requests), 'pull request')} {latest}")
        if self.builds:
            failed = sum(1 for b in self.builds if b.item.get("state") == "failed")
            parts.append(_plural(len(self.builds), "build") + (f", {failed} failed" if failed else ""))
        deployed = sorted({str((d.item.get("environment") or {}).get("displayName")) for d in self.deployments
                           if d.item.get("state") == "successful"})
        if deployed:
            parts.append("deployed to " + ", ".join(deployed))
        if self.flags:
            parts.append(_plural(len(self.flags), "feature flag"))
        return parts

    def render(self, key: str) -> str:
        sections = [
            ("Builds", [_build_row(b) for b in self.builds]),
            ("Deployments", [_deployment_row(d) for d in self.deployments]),
            ("Pull requests", [_pull_request_row(r, p) for r, p in self.pull_requests]),
            ("Branches", [_branch_row(r, b) for r, b in self.branches]),
            ("Commits", [_commit_row(r, c) for r, c in self.commits]),
            ("Feature flags", [_flag_row(f) for f in self.flags]),
        ]
        body = "".join(f'<section class="{escape(title.lower().replace(" ", "-"))}"><h3>{title}</h3>'
                       f'<table>{"".join(rows)}</table></section>' for title, rows in sections if rows)
        summary = "".join(f"<span>{escape(part)}</span>" for part in self.summary())
        return (f'<article class="issue" id="{escape(key, quote=True)}"><h2>{escape(key)}</h2>'
                f'<div class="summary">{summary}</div>{body}</article>')


def _panels(state: EmulatorState) -> dict[str, _Panel]:
    panels: dict[str, _Panel] = {}

    def add(keys: Iterable[str]) -> Iterable[_Panel]:
        return [panels.setdefault(key, _Panel()) for key in keys]

    for build in state.builds.values():
        for panel in add(build.issue_keys):
            panel.builds.append(build)
    for deployment in state.deployments.values():
        for panel in add(deployment.issue_keys):
            panel.deployments.append(deployment)
    for repository in state.repositories.values():
        name = str(repository.item.get("name"))
        for kind, target in (("commits", "commits"), ("branches", "branches"), ("pullRequests", "pull_requests")):
            for entity in repository.entities[kind].values():
                for panel in add(entity.issue_keys):
                    getattr(panel, target).append((name, entity.item))
    for flag in state.flags.values():
        for panel in add(flag.issue_keys):
            panel.flags.append(flag)
    return panels


def _key_order(key: str) -> tuple[str, int]:
    match = _KEY_ORDER.match(key)
    return (match.group(1), int(match.group(2))) if match else (key, 0)


def render_panels(state: EmulatorState) -> tuple[int, str]:
    """The state's revision and the cards of every issue something was reported for."""
    with state.lock:
        revision = state.revision
        panels = _panels(state)
        cards = [panels[key].render(key) for key in sorted(panels, key=_key_order)]
    if not cards:
        cards = ['<p class="empty">Nothing reported yet. Point jira-devops at this emulator and report a build, a '
                 'deployment, development information or a feature flag: it shows up here at once.</p>']
    return revision, "".join(cards)


def render_page(state: EmulatorState) -> str:
    """The whole page: header, the issue cards, and the script that keeps them current."""
    revision, cards = render_panels(state)
    return "".join([
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>jira-devops emulator</title>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        "<noscript><meta http-equiv='refresh' content='5'></noscript>",
        f"<style>{_STYLE}</style></head><body>",
        f"<header><h1>What Jira would show</h1><span class='meta'>jira-devops emulator · cloud "
        f"{escape(state.cloud_id)}</span><span id='live'>live</span></header>",
        f"<main id='panels'>{cards}</main>",
        f"<script>{_SCRIPT % (revision, POLL_MILLISECONDS, POLL_MILLISECONDS)}</script></body></html>",
    ])
