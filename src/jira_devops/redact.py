"""Redaction: secrets registered here never leave the process in output, logs or exceptions.

The client secret and every access token are registered as soon as they are known; everything the CLI
prints and every log record passes through :func:`redact`.
"""

from __future__ import annotations

import logging
import re
import threading

_MASK = "***"
_lock = threading.Lock()
_secrets: set[str] = set()
_BEARER = re.compile(r"(?i)(authorization[\"']?\s*[:=]\s*[\"']?(?:bearer|basic)\s+)[^\s\"',}]+")
_JSON_SECRET = re.compile(
    r"(?i)([\"']?(?:client_secret|access_token|refresh_token|password)[\"']?\s*[:=]\s*[\"']?)[^\"'&\s,}]+"
)


def register_secret(value: str | None) -> None:
    """Remember a secret so that :func:`redact` masks it from now on (short values are ignored)."""
    if value and len(value) >= 4:
        with _lock:
            _secrets.add(value)


def forget_secrets() -> None:
    """Forget every registered secret (tests use this between cases)."""
    with _lock:
        _secrets.clear()


def redact(text: str) -> str:
    """``text`` with every registered secret, bearer credential and secret-named field masked."""
    with _lock:
        known = sorted(_secrets, key=len, reverse=True)
    for secret in known:
        if secret in text:
            text = text.replace(secret, _MASK)
    text = _BEARER.sub(lambda m: m.group(1) + _MASK, text)
    return _JSON_SECRET.sub(lambda m: m.group(1) + _MASK, text)


class RedactingFilter(logging.Filter):
    """A logging filter that redacts the formatted message of every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = None
        return True
