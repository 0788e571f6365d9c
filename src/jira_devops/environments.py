"""Environment names: the stable ID a name gives and the Jira environment type it suggests.

Standard library only, so deploy history (and ``jira-devops keys --since last-deploy``) derives the same
environment ID as the deployment payload without loading the payload models.
"""

from __future__ import annotations

import re

MAX_ID_LENGTH = 255  # Jira's limit on an environment ID (models.MAX_TEXT)


def slugify(name: str) -> str:
    """A stable ID from a name: lower case, runs of other characters folded to ``-``."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.strip().lower()).strip("-")
    return slug[:MAX_ID_LENGTH] or "default"


def infer_environment_type(name: str) -> str:
    """Jira's environment type for a name: production, staging, testing, development or unmapped."""
    lowered = name.lower()
    tokens = [token for token in re.split(r"[^a-z0-9]+", lowered) if token]
    if re.search(r"pre-?prod", lowered):
        return "staging"
    if any(token in ("prod", "production", "prd", "live") for token in tokens):
        return "production"
    if any(token.startswith(("stag", "stg")) for token in tokens):
        return "staging"
    if any(token in ("qa", "uat", "sit", "tst") or token.startswith("test") for token in tokens):
        return "testing"
    if any(token in ("dev", "develop", "development") for token in tokens):
        return "development"
    return "unmapped"
