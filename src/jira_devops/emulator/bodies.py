"""Request bodies: parsed for the handlers, and as the request log records them (secrets redacted, sizes capped)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

REDACTED = "***"
# Keys whose values are never recorded, whatever the path (``/oauth/token/``, ``/oauth//token``, ...).
SECRET_KEYS = frozenset({"client_secret", "access_token", "refresh_token", "password"})
# A body larger than this is not kept in the request log (its size is).
MAX_LOGGED_BODY_BYTES = 1024 * 1024
# Paths whose bodies the log keeps; other paths (404s) keep only the size.
LOGGED_BODY_PREFIXES = ("/oauth/token", "/jira/")


class Unparsable(str):
    """A body that is not JSON (kept apart from a JSON string)."""


def parse_body(raw: bytes, content_type: str) -> Any:
    """The body as the handlers read it: JSON, a form as a dict, :class:`Unparsable`, or ``None`` if empty."""
    if not raw:
        return None
    text = raw.decode("utf-8", errors="replace")
    if content_type.startswith("application/x-www-form-urlencoded"):
        return dict(parse_qsl(text, keep_blank_values=True))
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return Unparsable(text)


def redacted(value: Any) -> Any:
    """``value`` with every secret-named key's value replaced, at any depth."""
    if isinstance(value, dict):
        return {key: REDACTED if str(key).lower() in SECRET_KEYS else redacted(item) for key, item in value.items()}
    if isinstance(value, list):
        return [redacted(item) for item in value]
    return value


def recorded_body(body: Any, size: int, path: str) -> Any:
    """What the request log keeps of a body: redacted, and nothing for big bodies or unknown paths."""
    if body is None or isinstance(body, Unparsable) or size > MAX_LOGGED_BODY_BYTES:
        return None
    if not path.startswith(LOGGED_BODY_PREFIXES):
        return None
    try:
        return redacted(body)
    except RecursionError:
        return None
