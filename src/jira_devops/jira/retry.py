"""The retry policy: which failures are worth another try, how long to wait, and when to give up.

Retried: connection errors, timeouts, 408, 429 and every 5xx except 501 (Not Implemented) and 505 (HTTP
Version Not Supported), which say the request can never work as sent, so waiting cannot help. A
``Retry-After`` header (seconds or an HTTP date) or ``X-RateLimit-Reset`` (ISO-8601) is honoured; otherwise
exponential back-off with jitter. A wait that would end after the deadline is not started: the call gives
up at once. Everything is bounded by one deadline, so a hung Jira never holds a pipeline past ``--timeout``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Optional

import httpx
from tenacity import (
    RetryCallState,
    RetryError,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential,
    wait_random,
)

from jira_devops.errors import UnreachableError
from jira_devops.jira.http import untrusted_certificate

log = logging.getLogger("jira_devops.jira.retry")

NEVER_RETRIED_5XX = frozenset({501, 505})
MAX_ATTEMPTS = 8
_backoff = wait_exponential(multiplier=0.5, max=8.0) + wait_random(0, 0.5)


class Deadline:
    """A point in time after which no more work starts."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._end = time.monotonic() + seconds

    def remaining(self) -> float:
        """Seconds left, never negative."""
        return max(0.0, self._end - time.monotonic())

    def request_timeout(self) -> httpx.Timeout:
        """An httpx timeout that cannot outlive the deadline."""
        left = max(0.05, self.remaining())
        return httpx.Timeout(min(left, 30.0), connect=min(left, 10.0))


def is_retryable_status(status: int) -> bool:
    """True for answers that mean "try again later": 408, 429 and 5xx other than 501 and 505."""
    return status in (408, 429) or (500 <= status <= 599 and status not in NEVER_RETRIED_5XX)


class RetryableResponse(Exception):
    """A response whose status says "try again later"."""

    def __init__(self, response: httpx.Response) -> None:
        super().__init__(f"HTTP {response.status_code}")
        self.response = response


def retry_after_seconds(response: httpx.Response, now: Optional[datetime] = None) -> Optional[float]:
    """The wait a 429/503 asks for, from ``Retry-After`` or ``X-RateLimit-Reset``; ``None`` if neither."""
    current = now or datetime.now(timezone.utc)
    header = response.headers.get("Retry-After")
    if header:
        text = header.strip()
        if text.isdigit():
            return float(text)
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError):
            when = None
        if when is not None:
            if when.tzinfo is None:
                when = when.replace(tzinfo=timezone.utc)
            return max(0.0, (when - current).total_seconds())
    reset = response.headers.get("X-RateLimit-Reset")
    if reset:
        try:
            when = datetime.fromisoformat(reset.strip().replace("Z", "+00:00"))
        except ValueError:
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        return max(0.0, (when - current).total_seconds())
    return None


def _wait(state: RetryCallState) -> float:
    outcome = state.outcome
    error = outcome.exception() if outcome is not None else None
    if isinstance(error, RetryableResponse):
        asked = retry_after_seconds(error.response)
        if asked is not None:
            return asked
    return float(_backoff(state))


def _describe(error: Optional[BaseException]) -> str:
    if isinstance(error, RetryableResponse):
        return f"HTTP {error.response.status_code}"
    if isinstance(error, httpx.TimeoutException):
        return "timed out"
    if isinstance(error, httpx.TransportError):
        return f"connection failed ({type(error).__name__})"
    return str(error)


def send_with_retries(
    send: Callable[[httpx.Timeout], httpx.Response],
    *,
    deadline: Deadline,
    what: str,
    max_attempts: int = MAX_ATTEMPTS,
    sleep: Callable[[float], None] = time.sleep,
) -> httpx.Response:
    """Call ``send`` until it gives a response that is not worth retrying, within ``deadline``; ``sleep``
    waits between attempts.

    Raises :class:`UnreachableError` when attempts or time run out.
    """
    attempts = 0

    def attempt() -> httpx.Response:
        nonlocal attempts
        attempts += 1
        try:
            response = send(deadline.request_timeout())
        except httpx.ConnectError as error:
            refused = untrusted_certificate(error, what)
            if refused is not None:
                raise refused from None  # trying again cannot change the certificate
            raise
        if is_retryable_status(response.status_code):
            raise RetryableResponse(response)
        return response

    def stop(state: RetryCallState) -> bool:
        upcoming = state.upcoming_sleep or 0.0
        return bool(stop_after_attempt(max_attempts)(state)) or upcoming >= deadline.remaining()

    def before_sleep(state: RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome is not None else None
        log.debug("%s: %s; retrying in %.1fs", what, _describe(error), state.upcoming_sleep)

    retrying = Retrying(
        retry=retry_if_exception_type((RetryableResponse, httpx.TransportError)),
        wait=_wait,
        stop=stop,
        before_sleep=before_sleep,
        reraise=False,
        sleep=sleep,
    )
    try:
        return retrying(attempt)
    except RetryError as error:
        last = error.last_attempt.exception()
        raise UnreachableError(
            f"{what}: {_describe(last)} after {attempts} attempt{'s' if attempts != 1 else ''} "
            f"within {deadline.seconds:g}s",
            hint="Jira may be down or rate-limiting; try again later or raise --timeout",
        ) from None
