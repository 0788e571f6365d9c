"""The emulator's HTTP server: a loopback stand-in for api.atlassian.com and a Jira site.

Serves the OAuth token endpoint, ``/_edge/tenant_info``, the Builds, Deployments, Development information
and Feature flags APIs under ``/jira/{builds|deployments|devinfo|featureflags}/0.1/cloud/{cloudId}/``, the
test-control endpoints under ``/_emulator/`` and a read-only HTML page at ``/`` (refreshed from
``/_page/panels``). Standard library only (jsonschema validates submissions).
"""

from __future__ import annotations

import json
import random
import socket
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Optional
from urllib.parse import parse_qsl, unquote, urlsplit

from jira_devops.emulator.bodies import parse_body, recorded_body
from jira_devops.emulator.config import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_PROJECTS,
    PERMISSIONS,
    EmulatorConfig,
    host_name,
    is_local_host_name,
    is_loopback,
)
from jira_devops.emulator.control import control
from jira_devops.emulator.oauth import token_answer
from jira_devops.emulator.page import render_page, render_panels
from jira_devops.emulator.routes import APIS, Apis
from jira_devops.emulator.state import EmulatorState
from jira_devops.emulator.submissions import Answer, error_array

__all__ = ["DEFAULT_CLIENT_ID", "DEFAULT_CLIENT_SECRET", "DEFAULT_PROJECTS", "Emulator", "EmulatorConfig",
           "is_loopback"]

UNAUTHORIZED = {"code": 401, "message": "Unauthorized"}
FORBIDDEN = {"code": 403, "message": "Forbidden"}
MAX_BODY_BYTES = 10 * 1024 * 1024
# Errors that only mean the client went away or stalled: the connection is closed, nothing is printed.
_CLIENT_GONE = (ConnectionError, TimeoutError, socket.timeout)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True

    def __init__(self, emulator: Emulator, address: tuple[str, int]) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.emulator = emulator
        super().__init__(address, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that resets or stalls is not news; anything else is one line, not a traceback."""
        error = sys.exc_info()[1]
        if isinstance(error, _CLIENT_GONE):
            return
        print(f"emulator: error while serving {client_address[0]}: {type(error).__name__}: {error}",
              file=sys.stderr, flush=True)


class Emulator:
    """One emulated Atlassian endpoint: state, rules and a bound (not yet serving) HTTP server."""

    def __init__(self, config: EmulatorConfig) -> None:
        self.config = config
        self.state = EmulatorState(default_gate=config.gate, state_file=config.state_file)
        self.state.load()
        self.apis = Apis(self.state, config.projects)
        self.random = random.Random()  # noqa: S311 - fault injection, not security
        self.server = _Server(self, (config.host, config.port))
        self._thread: Optional[threading.Thread] = None

    @property
    def url(self) -> str:
        """The base URL clients use (``--api-url``)."""
        host, port = self.server.server_address[:2]
        name = host.decode() if isinstance(host, bytes) else str(host)
        shown = f"[{name}]" if ":" in name else name
        return f"http://{shown}:{port}"

    def serve_forever(self) -> None:
        """Serve until :meth:`stop` (or KeyboardInterrupt in the serving thread)."""
        self.server.serve_forever(poll_interval=0.2)

    def start(self) -> Emulator:
        """Serve from a background thread (for in-process use)."""
        self._thread = threading.Thread(target=self.serve_forever, name="jira-devops-emulator", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        if self._thread is not None:
            self.server.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self.server.server_close()

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; with Nagle's algorithm the second waits for the client's
    # delayed ACK of the first (40 ms on Linux) on every keep-alive request.
    disable_nagle_algorithm = True
    server: _Server
    server_version = "jira-devops-emulator"

    def setup(self) -> None:
        # A client that stops sending (half a request line, headers or body) or idles on a kept-alive
        # connection is dropped after this long instead of holding a thread forever.
        super().setup()
        self.connection.settimeout(self.server.emulator.config.read_timeout)

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def do_DELETE(self) -> None:
        self._handle()

    def do_PUT(self) -> None:
        self._handle()

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the default access log; :meth:`_handle` writes its own."""

    # --- the request cycle ----------------------------------------------------------------------------

    def _handle(self) -> None:
        try:
            self._handle_request()
        except _CLIENT_GONE:
            self.close_connection = True  # the client went away or stalled: nothing to answer
        except Exception as error:  # a bug of the emulator: answer 500 in one line rather than drop the client
            print(f"emulator: internal error on {self.command} {urlsplit(self.path).path}: "
                  f"{type(error).__name__}: {error}", file=sys.stderr, flush=True)
            self.close_connection = True
            self._send(Answer(500, error_array(f"Emulator internal error: {type(error).__name__}")))

    def _handle_request(self) -> None:
        emulator = self.server.emulator
        parts = urlsplit(self.path)
        path = parts.path
        query_pairs = parse_qsl(parts.query, keep_blank_values=True)
        host = self.headers.get("Host")
        if host is not None and not is_local_host_name(host_name(host), emulator.config.host):
            # A page whose DNS name was rebound to this address sends its own name: refuse it everything.
            self.close_connection = True
            self._send(Answer(421, error_array(f"This emulator does not answer for the host {host[:100]!r}; "
                                               "use its address, localhost, or the name given with --host")))
            return
        raw = self._read_body()
        if raw is None:
            return
        if path.startswith("/_emulator/") or path == "/_emulator":
            if not is_loopback(self.client_address[0]):
                self._send(Answer(403, error_array("The control endpoints answer loopback clients only")))
                return
            self._send(control(emulator.state, self.command, path, raw))
            return
        if path == "/" and self.command == "GET":
            self._send_html(render_page(emulator.state))
            return
        generation = emulator.state.generation
        body = parse_body(raw, self.headers.get("Content-Type", ""))
        entry: dict[str, Any] = {"method": self.command, "path": path, "query": dict(query_pairs), "status": 0,
                                 "body": recorded_body(body, len(raw), path), "bodyBytes": len(raw),
                                 "authorized": False}
        answer = self._fault_or_none(path)
        if emulator.state.generation != generation:
            # Reset while this request was held by a delay: it belongs to a test that has ended, and must
            # neither change nor show up in what the next one sees.
            self.close_connection = True
            return
        if answer is None:
            answer = self._route(path, query_pairs, body, entry)
        reset = answer.status < 0  # a scripted connection reset: no answer at all (logged as status 0)
        entry["status"] = 0 if reset else answer.status
        if path != "/_page/panels":
            emulator.state.log_request(entry)
        if reset:
            self._reset_connection()
            return
        self._send(answer)

    def _fault_or_none(self, path: str) -> Optional[Answer]:
        emulator = self.server.emulator
        if emulator.config.latency > 0:
            time.sleep(emulator.config.latency)
        fault = emulator.state.take_fault(path)
        if fault is not None:
            if fault.delay > 0:
                time.sleep(fault.delay)
            if fault.reset_connection:
                return Answer(-1)
            if fault.status:
                return _fault_answer(fault.status, fault.retry_after)
        if emulator.config.fail_rate > 0 and path.startswith("/jira/") and \
                emulator.random.random() < emulator.config.fail_rate:
            return _fault_answer(503, None)
        return None

    def _route(self, path: str, query: list[tuple[str, str]], body: Any, entry: dict[str, Any]) -> Answer:
        emulator = self.server.emulator
        method = self.command
        if path == "/oauth/token":
            if method != "POST":
                return Answer(405, error_array("Use POST"))
            return token_answer(emulator.config, emulator.state, body, self.headers.get("Content-Type", ""))
        if path == "/_edge/tenant_info":
            if method != "GET":
                return Answer(405, error_array("Use GET"))
            return Answer(200, {"cloudId": emulator.state.cloud_id})
        if path == "/_page/panels":
            if method != "GET":
                return Answer(405, error_array("Use GET"))
            if dict(query).get("since") == str(emulator.state.revision):
                return Answer(200, {"revision": emulator.state.revision})  # nothing new: nothing to render
            revision, html = render_panels(emulator.state)
            return Answer(200, {"revision": revision, "html": html})
        segments = [unquote(part) for part in path.split("/")[1:]]
        if len(segments) < 5 or segments[0] != "jira" or segments[1] not in APIS \
                or segments[2] != "0.1" or segments[3] != "cloud":
            return Answer(404, error_array(f"No such resource: {path}"))
        api = segments[1]
        authorized = self._authorized()
        entry["authorized"] = authorized
        if not authorized:
            return Answer(401, UNAUTHORIZED)
        if api not in emulator.config.permissions:
            # Jira refuses a credential created without this API's permission (the body is an assumption).
            return Answer(403, {**FORBIDDEN, "permission": PERMISSIONS[api]})
        if segments[4] != emulator.state.cloud_id:
            return Answer(404, error_array("No Jira site has that cloud ID"))
        return emulator.apis.answer(api, method, segments[5:], query, body)

    def _authorized(self) -> bool:
        header = self.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        return scheme.lower() == "bearer" and bool(token) and self.server.emulator.state.token_is_valid(token.strip())

    # --- reading and writing --------------------------------------------------------------------------

    def _read_body(self) -> Optional[bytes]:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            self.close_connection = True  # the unread body would be taken for the next request
            self._send(Answer(411, error_array("Send a Content-Length")))
            return None
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0 or length > MAX_BODY_BYTES:
            self._send(Answer(413, error_array("The request body is too large")))
            self.close_connection = True
            return None
        return self.rfile.read(length) if length else b""

    def _send(self, answer: Answer) -> None:
        data = b"" if answer.body is None else json.dumps(answer.body).encode("utf-8")
        self.send_response(answer.status)
        if answer.body is not None:
            self.send_header("Content-Type", "application/json")
        for name, value in (answer.headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        self._log(answer.status)

    def _send_html(self, page: str) -> None:
        data = page.encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _reset_connection(self) -> None:
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        self._log(0)

    def _log(self, status: int) -> None:
        path = urlsplit(self.path).path
        if self.server.emulator.config.log_requests and not path.startswith(("/_emulator", "/_page/")):
            shown = "connection reset" if status == 0 else str(status)
            print(f"{self.command} {path} -> {shown}", file=sys.stderr, flush=True)


def _fault_answer(status: int, retry_after: Optional[str]) -> Answer:
    headers = {"Retry-After": retry_after} if retry_after is not None else None
    if status == 401:
        return Answer(401, UNAUTHORIZED, headers)
    reason = {429: "Rate limit exceeded", 503: "Service unavailable"}.get(status, f"Emulated failure (HTTP {status})")
    return Answer(status, error_array(reason), headers)
