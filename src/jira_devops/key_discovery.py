"""Which Jira issues a run touched: keys from explicit settings, the branch, the PR title and commits.

This is the seam between settings/CI context and the issue-key engine (:mod:`jira_devops.issue_keys`,
:mod:`jira_devops.git`). First version: explicit keys, the branch name and the HEAD commit message.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from jira_devops.ci.context import CiContext
from jira_devops.git import try_git
from jira_devops.settings import Settings

_KEY = re.compile(r"(?<![A-Za-z0-9])([A-Z][A-Z0-9_]+-\d+)(?![A-Za-z0-9])")


@dataclass(frozen=True)
class FoundKey:
    """An issue key and where it was found (``explicit``, ``branch``, ``pr-title``, ``commit:<sha7>``)."""

    key: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class KeyDiscovery:
    """The keys found for one run, in first-seen order, and how they were found."""

    keys: tuple[FoundKey, ...] = ()
    range_used: Optional[str] = None
    rollback: bool = False  # HEAD is older than the environment's last deploy; range_used is HEAD..base
    base_source: Optional[str] = None
    commits_read: int = 0
    warnings: tuple[str, ...] = field(default=())

    def key_names(self) -> list[str]:
        """The keys alone, in order."""
        return [found.key for found in self.keys]


def discover_keys(settings: Settings, ci: CiContext, *, repo_path: Optional[Path] = None) -> KeyDiscovery:
    """Find the issue keys of this run from the settings, the CI context and the git repository."""
    found: dict[str, list[str]] = {}

    def add(text: Optional[str], source: str) -> None:
        for key in _KEY.findall(text or ""):
            found.setdefault(key, [])
            if source not in found[key]:
                found[key].append(source)

    for key in settings.issue_key or ():
        add(key, "explicit")
    folder = repo_path or Path(settings.repo or ".")
    if settings.branch_keys is not False:
        add(settings.branch or ci.branch or try_git(["symbolic-ref", "--quiet", "--short", "HEAD"], folder),
            "branch")
    if settings.title_keys is not False:
        add(ci.pr_title, "pr-title")
    if settings.commit_keys is not False:
        try:
            out = subprocess.run(["git", "log", "-1", "--format=%H%n%B", settings.commit or ci.commit or "HEAD"],
                                 cwd=folder, capture_output=True, check=True).stdout.decode("utf-8", "replace")
            sha, _, message = out.partition("\n")
            add(message, f"commit:{sha[:7]}")
        except (OSError, subprocess.CalledProcessError):
            pass
    return KeyDiscovery(keys=tuple(FoundKey(key, tuple(sources)) for key, sources in found.items()))
