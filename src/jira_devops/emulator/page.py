"""The read-only HTML page at ``/``: what Jira would now show on each issue."""

from __future__ import annotations

from html import escape
from typing import Any

from jira_devops.emulator.state import EmulatorState


def _rows_by_key(state: EmulatorState) -> dict[str, list[str]]:
    rows: dict[str, list[str]] = {}
    with state.lock:
        for stored in state.builds.values():
            item = stored.item
            line = (f"build <b>{escape(str(item['displayName']))}</b> "
                    f"({escape(str(item['pipelineId']))} #{item['buildNumber']}): {escape(str(item['state']))}")
            for key in stored.issue_keys:
                rows.setdefault(key, []).append(_linked(line, item.get("url")))
        for stored in state.deployments.values():
            item = stored.item
            environment: Any = item["environment"]
            gate = f", gate {escape(stored.gate['decision'])}" if stored.gate else ""
            line = (f"deployment <b>{escape(str(item['displayName']))}</b> "
                    f"(#{item['deploymentSequenceNumber']}) to {escape(str(environment['displayName']))} "
                    f"({escape(str(environment['type']))}): {escape(str(item['state']))}{gate}")
            for key in stored.issue_keys:
                rows.setdefault(key, []).append(_linked(line, item.get("url")))
    return rows


def _linked(line: str, url: Any) -> str:
    if isinstance(url, str) and url.startswith(("http://", "https://")):
        return f'{line} <a href="{escape(url, quote=True)}">open</a>'
    return line


def render_page(state: EmulatorState) -> str:
    """The page listing, per issue key, the builds and deployments Jira would show."""
    rows = _rows_by_key(state)
    parts = ["<!doctype html><html><head><meta charset='utf-8'><title>jira-devops emulator</title>",
             "<style>body{font-family:sans-serif;margin:2em}li{margin:.2em 0}</style></head><body>",
             "<h1>What Jira would show</h1>"]
    if not rows:
        parts.append("<p>Nothing reported yet.</p>")
    for key in sorted(rows):
        parts.append(f"<h2>{escape(key)}</h2><ul>")
        parts.extend(f"<li>{line}</li>" for line in rows[key])
        parts.append("</ul>")
    parts.append("</body></html>")
    return "".join(parts)
