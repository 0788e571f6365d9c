"""A hostile stand-in for the Atlassian API on loopback: the first path segment picks how it misbehaves.

Point ``--api-url`` at ``<url>/<mode>``: the token endpoint and tenant_info answer normally (unless the
mode names them), and every Builds/Deployments request gets the misbehaviour; ``override`` switches the
misbehaviour of a running server whatever the URL says (for a flush to the same site). Modes:

``ok``            202 with every build accepted (the control case)
``drip``          202 with ``Content-Length: 100000``, one byte every ``DRIP_SECONDS``
``drip-token``    the same on the token endpoint
``drip-headers``  the status line and headers, one byte at a time
``gzip-bomb``     202 whose gzip body (a few hundred KiB) expands to ``BOMB_BYTES`` of JSON-ish text
``huge``          202 with a plain body of ``HUGE_BYTES``
``deep-json``     202 with a JSON body nested 100,000 levels deep
``odd-retry``     429 with ``Retry-After: ²`` (a digit to ``str.isdigit``, not to ``float``)
``redirect``      302 to ``/steal`` on the same server
``teapot``        418
``garbage``       202 with bytes that are not JSON
``wrong-shape``   202 with JSON of the wrong shape
``inject``        202 rejecting the build with reasons that hold runner commands and terminal escapes

Every request is logged (method, path, the first bytes of the body) for "nothing reached the wrong place".
"""

from __future__ import annotations

import json
import socket
import threading
import time
import zlib
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Optional

CLOUD_ID = "0f1e2d3c-aaaa-bbbb-cccc-00000000beef"
TOKEN = "hostile-token-0123456789abcdef"
DRIP_SECONDS = 0.5
BOMB_BYTES = 256 * 1024 * 1024
HUGE_BYTES = 40 * 1024 * 1024
DEEP = 100_000
INJECTED_REASON = ("bad\n::error::injected-by-jira\r\n  ::add-mask::x ##[add-mask]hidden \x1b[2J\x1b]0;retitled\x07"
                   "\u202eevil")


@lru_cache(maxsize=1)
def gzip_bomb() -> bytes:
    """A gzip member that expands to ``BOMB_BYTES`` (made once per test run)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = b"[" + b" " * (1024 * 1024 - 1)
    parts = [compressor.compress(block) for _ in range(BOMB_BYTES // len(block))]
    parts.append(compressor.flush())
    return b"".join(parts)


class _Handler(BaseHTTPRequestHandler):
    server: HostileServer

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the server keeps its own log."""

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def do_GET(self) -> None:
        self._answer("GET")

    def do_POST(self) -> None:
        self._answer("POST")

    def do_DELETE(self) -> None:
        self._answer("DELETE")

    def _answer(self, method: str) -> None:
        body = self._body()
        self.server.log.append({"method": method, "path": self.path, "body": body[:4000].decode("utf-8", "replace")})
        parts = self.path.split("?", 1)[0].split("/")
        mode = parts[1] if len(parts) > 1 else ""
        rest = "/" + "/".join(parts[2:])
        try:
            if rest == "/oauth/token":
                if mode == "drip-token":
                    self._drip(200)
                else:
                    self._json(200, {"access_token": TOKEN, "expires_in": 3600, "token_type": "Bearer"})
            elif rest == "/_edge/tenant_info":
                self._json(200, {"cloudId": CLOUD_ID})
            elif rest.startswith(("/jira/", "/repos/")):
                self._misbehave(self.server.override or mode, body)
            else:
                self._json(404, {"message": "not here"})
        except (BrokenPipeError, ConnectionResetError, socket.timeout):
            pass  # the client gave up, as it should

    def _json(self, status: int, data: Any, headers: Optional[dict[str, str]] = None) -> None:
        self._raw(status, json.dumps(data).encode(), {"Content-Type": "application/json", **(headers or {})})

    def _raw(self, status: int, payload: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _drip(self, status: int) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "100000")
        self.end_headers()
        self.wfile.flush()
        for _ in range(100000):
            if self.server.stopping.wait(DRIP_SECONDS):
                return
            self.wfile.write(b" ")
            self.wfile.flush()

    def _misbehave(self, mode: str, body: bytes) -> None:
        if mode == "drip":
            self._drip(202)
        elif mode == "drip-headers":
            for byte in b"HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\nX-Slow: " + b"x" * 10000:
                if self.server.stopping.wait(DRIP_SECONDS):
                    return
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
        elif mode == "gzip-bomb":
            self._raw(202, gzip_bomb(), {"Content-Type": "application/json", "Content-Encoding": "gzip"})
        elif mode == "huge":
            self._raw(202, b" " * HUGE_BYTES, {"Content-Type": "application/json"})
        elif mode == "deep-json":
            self._raw(202, b"[" * DEEP + b"]" * DEEP, {"Content-Type": "application/json"})
        elif mode == "odd-retry":
            self._json(429, {"message": "slow down"}, {"Retry-After": "\u00b2".encode().decode("latin-1")})
        elif mode == "redirect":
            self._raw(302, b"", {"Location": f"http://127.0.0.1:{self.server.server_port}/steal"})
        elif mode == "teapot":
            self._json(418, {"message": "I am a teapot"})
        elif mode == "garbage":
            self._raw(202, b"\x00\xffnot json at all<html>", {"Content-Type": "application/json"})
        elif mode == "inject":
            sent = json.loads(body)["builds"][0]
            self._json(202, {"acceptedBuilds": [], "unknownIssueKeys": ["ABC-1\n::error::key-injected"],
                             "rejectedBuilds": [{
                                 "key": {"pipelineId": sent["pipelineId"], "buildNumber": sent["buildNumber"]},
                                 "errors": [{"message": INJECTED_REASON}]}]})
        elif mode == "wrong-shape":
            self._json(202, {"acceptedBuilds": 5, "rejectedBuilds": "no", "unknownIssueKeys": {"a": 1}})
        else:
            accepted = []
            try:
                sent = json.loads(body)
                accepted = [{"pipelineId": item.get("pipelineId"), "buildNumber": item.get("buildNumber")}
                            for item in sent.get("builds", [])]
            except ValueError:
                pass
            self._json(202, {"acceptedBuilds": accepted, "rejectedBuilds": [], "unknownIssueKeys": []})


class HostileServer(ThreadingHTTPServer):
    """The server; ``url`` is its base, ``log`` every request it saw."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.log: list[dict[str, Any]] = []
        self.override: Optional[str] = None  # when set, the misbehaviour of every API path, whatever the URL
        self.stopping = threading.Event()
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://127.0.0.1:{self.server_port}"

    def paths(self) -> list[str]:
        """The paths requested so far, in order."""
        return [entry["path"] for entry in self.log]

    def __enter__(self) -> HostileServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self.shutdown()
        self.server_close()
        time.sleep(0)
