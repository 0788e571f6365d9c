"""Bounded exchanges with an untrusted server: every answer is limited in time and in size.

- :func:`fetch` sends one request and reads the whole answer as a stream, refusing more than
  :data:`MAX_RAW_BYTES` on the wire or :data:`MAX_BODY_BYTES` once decompressed (a gzip bomb stops at the
  limit, never expanded in full). It decodes ``gzip``/``deflate`` itself, a bounded chunk at a time, and
  returns a plain :class:`httpx.Response` with the decoded body.
- :func:`within` runs such a call in a worker thread and waits at most until the deadline, so a server
  that drips its headers or body a byte at a time cannot hold a run past ``--timeout`` (each byte would
  otherwise restart the socket's read timeout). An abandoned call only holds a daemon thread and a socket.
- :func:`parse_json` reads a body as JSON; nesting too deep for the parser is "not JSON", not a crash.

Jira's answers are small (a bulk answer for 100 items is tens of KiB), so a few MiB is plenty.
"""

from __future__ import annotations

import json
import threading
import zlib
from collections.abc import Callable
from typing import Any, Optional, TypeVar

import httpx

from jira_devops.errors import UnreachableError

MAX_RAW_BYTES = 4 * 1024 * 1024
MAX_BODY_BYTES = 8 * 1024 * 1024
ACCEPT_ENCODING = "gzip, deflate"
_DROPPED_HEADERS = (b"content-encoding", b"content-length", b"transfer-encoding")

T = TypeVar("T")


class MisbehavingServerError(UnreachableError):
    """The server's answer is not one Jira gives (too large, undecodable): no verdict on the request."""


class DeadlineExceeded(httpx.TimeoutException):
    """The whole exchange (headers and body) did not finish before the deadline."""


class _Decoder:
    """Decompress ``gzip``/``deflate`` a bounded piece at a time; refuse other encodings."""

    def __init__(self, encoding: str, limit: int) -> None:
        self.limit = limit
        self.size = 0
        self.encoding = encoding
        self._raw_deflate_tried = False
        if encoding in ("", "identity"):
            self._inflate: Optional[Any] = None
        elif encoding in ("gzip", "x-gzip"):
            self._inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self._inflate = zlib.decompressobj()
        else:
            raise MisbehavingServerError(f"the server answered with content encoding {encoding[:40]!r}, "
                                         "which was not asked for", hint="check --api-url")

    def feed(self, data: bytes) -> bytes:
        """The decoded bytes of ``data``; :class:`MisbehavingServerError` past the limit or when undecodable."""
        if self._inflate is None:
            return self._count(data)
        out: list[bytes] = []
        try:
            while data:
                piece = self._inflate.decompress(data, self.limit - self.size + 1)
                out.append(self._count(piece))
                data = self._inflate.unconsumed_tail
        except zlib.error:
            if self.encoding == "deflate" and not self._raw_deflate_tried and self.size == 0:
                self._raw_deflate_tried = True  # some servers send raw deflate without the zlib header
                self._inflate = zlib.decompressobj(-zlib.MAX_WBITS)
                return self.feed(data)
            raise MisbehavingServerError(f"the server's {self.encoding} body cannot be decoded",
                                         hint="check --api-url") from None
        return b"".join(out)

    def _count(self, piece: bytes) -> bytes:
        self.size += len(piece)
        if self.size > self.limit:
            raise MisbehavingServerError(f"the server's answer is larger than {self.limit // (1024 * 1024)} MiB "
                                         "once decompressed; Jira's answers are much smaller",
                                         hint="check --api-url")
        return piece


def fetch(http: httpx.Client, method: str, url: str, *, timeout: httpx.Timeout, raw_limit: int = MAX_RAW_BYTES,
          body_limit: int = MAX_BODY_BYTES, **kwargs: Any) -> httpx.Response:
    """Send one request and read its whole answer within the size limits (see the module docstring)."""
    headers = {"Accept-Encoding": ACCEPT_ENCODING, **dict(kwargs.pop("headers", None) or {})}
    request = http.build_request(method, url, timeout=timeout, headers=headers, **kwargs)
    response = http.send(request, stream=True)
    try:
        declared = response.headers.get("Content-Length", "")
        if declared.isascii() and declared.strip().isdigit() and int(declared) > raw_limit:
            raise MisbehavingServerError(f"the server announced an answer of {int(declared)} bytes; Jira's "
                                         f"answers are under {raw_limit // (1024 * 1024)} MiB",
                                         hint="check --api-url")
        decoder = _Decoder(response.headers.get("Content-Encoding", "").strip().lower(), body_limit)
        chunks: list[bytes] = []
        for chunk in response.iter_raw():
            if response.num_bytes_downloaded > raw_limit:
                raise MisbehavingServerError(f"the server's answer is larger than {raw_limit // (1024 * 1024)} "
                                             "MiB; Jira's answers are much smaller", hint="check --api-url")
            chunks.append(decoder.feed(chunk))
    finally:
        response.close()
    kept = [(name, value) for name, value in response.headers.raw if name.lower() not in _DROPPED_HEADERS]
    return httpx.Response(response.status_code, headers=kept, content=b"".join(chunks), request=request,
                          extensions={"reason_phrase": response.extensions.get("reason_phrase", b"")})


def within(seconds: float, call: Callable[[], T], *, what: str) -> T:
    """``call()``'s result, or :class:`DeadlineExceeded` when it has not returned after ``seconds``."""
    outcome: dict[str, Any] = {}

    def work() -> None:
        try:
            outcome["value"] = call()
        except BaseException as error:  # handed to the waiting thread, which re-raises it
            outcome["error"] = error

    worker = threading.Thread(target=work, name=f"jira-devops {what}", daemon=True)
    worker.start()
    worker.join(max(0.0, seconds))
    if worker.is_alive():
        raise DeadlineExceeded(f"{what}: the answer did not arrive in time")
    if "error" in outcome:
        raise outcome["error"]
    value: T = outcome["value"]
    return value


def parse_json(content: bytes) -> Any:
    """``content`` as JSON; ``ValueError`` when it is not JSON, not UTF-8, or nested too deeply to parse."""
    try:
        return json.loads(content)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None
    except UnicodeDecodeError as error:
        raise ValueError(str(error)) from None
