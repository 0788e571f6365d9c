"""The emulator's HTTP server: a loopback stand-in for api.atlassian.com and a Jira site.

Serves the OAuth token endpoint, ``/_edge/tenant_info``, the Builds and Deployments APIs under
``/jira/{builds|deployments}/0.1/cloud/{cloudId}/``, the test-control endpoints under ``/_emulator/`` and
a read-only HTML page at ``/``. Standard library only (jsonschema validates submissions).
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

from jira_devops.emulator.config import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_PROJECTS,
    EmulatorConfig,
    is_loopback,
)
from jira_devops.emulator.control import control
from jira_devops.emulator.oauth import token_answer
from jira_devops.emulator.page import render_page
from jira_devops.emulator.state import EmulatorState
from jira_devops.emulator.submissions import Answer, Submissions, error_array

__all__ = ["DEFAULT_CLIENT_ID", "DEFAULT_CLIENT_SECRET", "DEFAULT_PROJECTS", "Emulator", "EmulatorConfig",
           "is_loopback"]

UNAUTHORIZED = {"code": 401, "message": "Unauthorized"}
MAX_BODY_BYTES = 10 * 1024 * 1024


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True

    def __init__(self, emulator: Emulator, address: tuple[str, int]) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.emulator = emulator
        super().__init__(address, _Handler)


class Emulator:
    """One emulated Atlassian endpoint: state, rules and a bound (not yet serving) HTTP server."""

    def __init__(self, config: EmulatorConfig) -> None:
        self.config = config
        self.state = EmulatorState(default_gate=config.gate, state_file=config.state_file)
        self.state.load()
        self.submissions = Submissions(self.state, config.projects)
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
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client went away (e.g. it timed out): nothing to answer
        except Exception as error:  # a bug of the emulator: answer 500 in one line rather than drop the client
            print(f"emulator: internal error on {self.command} {self.path}: {type(error).__name__}: {error}",
                  file=sys.stderr, flush=True)
            self.close_connection = True
            self._send(Answer(500, error_array(f"Emulator internal error: {type(error).__name__}")))

    def _handle_request(self) -> None:
        emulator = self.server.emulator
        parts = urlsplit(self.path)
        path = parts.path
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
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
        body, recorded = _parse_body(raw, self.headers.get("Content-Type", ""), path)
        entry: dict[str, Any] = {"method": self.command, "path": path, "query": query, "status": 0,
                                 "body": recorded, "authorized": False}
        answer = self._fault_or_none(path)
        if emulator.state.generation != generation:
            # Reset while this request was held by a delay: it belongs to a test that has ended, and must
            # neither change nor show up in what the next one sees.
            self.close_connection = True
            return
        if answer is None:
            answer = self._route(path, query, body, entry)
        reset = answer.status < 0  # a scripted connection reset: no answer at all (logged as status 0)
        entry["status"] = 0 if reset else answer.status
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

    def _route(self, path: str, query: dict[str, str], body: Any, entry: dict[str, Any]) -> Answer:
        emulator = self.server.emulator
        method = self.command
        if path == "/oauth/token":
            if method != "POST":
                return Answer(405, error_array("Use POST"))
            answer = token_answer(emulator.config, emulator.state, body, self.headers.get("Content-Type", ""))
            return answer
        if path == "/_edge/tenant_info":
            if method != "GET":
                return Answer(405, error_array("Use GET"))
            return Answer(200, {"cloudId": emulator.state.cloud_id})
        segments = [unquote(part) for part in path.split("/")[1:]]
        if len(segments) < 5 or segments[0] != "jira" or segments[1] not in ("builds", "deployments") \
                or segments[2] != "0.1" or segments[3] != "cloud":
            return Answer(404, error_array(f"No such resource: {path}"))
        kind = segments[1]
        authorized = self._authorized()
        entry["authorized"] = authorized
        if not authorized:
            return Answer(401, UNAUTHORIZED)
        if segments[4] != emulator.state.cloud_id:
            return Answer(404, error_array("No Jira site has that cloud ID"))
        return _api(emulator.submissions, kind, method, segments[5:], query, body)

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
        if self.server.emulator.config.log_requests and not urlsplit(self.path).path.startswith("/_emulator"):
            shown = "connection reset" if status == 0 else str(status)
            print(f"{self.command} {urlsplit(self.path).path} -> {shown}", file=sys.stderr, flush=True)


def _fault_answer(status: int, retry_after: Optional[str]) -> Answer:
    headers = {"Retry-After": retry_after} if retry_after is not None else None
    if status == 401:
        return Answer(401, UNAUTHORIZED, headers)
    reason = {429: "Rate limit exceeded", 503: "Service unavailable"}.get(status, f"Emulated failure (HTTP {status})")
    return Answer(status, error_array(reason), headers)


def _parse_body(raw: bytes, content_type: str, path: str) -> tuple[Any, Any]:
    """The body as the handler reads it, and as the request log records it (secrets redacted)."""
    if not raw:
        return None, None
    text = raw.decode("utf-8", errors="replace")
    body: Any
    if content_type.startswith("application/x-www-form-urlencoded"):
        body = dict(parse_qsl(text, keep_blank_values=True))
    else:
        try:
            body = json.loads(text)
        except ValueError:
            return _Unparsable(text), None
    recorded = body
    if path == "/oauth/token" and isinstance(body, dict) and "client_secret" in body:
        recorded = {**body, "client_secret": "***"}
    return body, recorded


class _Unparsable(str):
    """A body that is not JSON (kept apart from a JSON string)."""


def _api(submissions: Submissions, kind: str, method: str, rest: list[str], query: dict[str, str],
         body: Any) -> Answer:
    if rest == ["bulk"]:
        if method != "POST":
            return Answer(405, error_array("Use POST"))
        if isinstance(body, _Unparsable) or body is None:
            return Answer(400, error_array("The request body is not valid JSON"))
        return submissions.submit(kind, body)
    if rest == ["bulkByProperties"]:
        if method != "DELETE":
            return Answer(405, error_array("Use DELETE"))
        return submissions.delete_by_properties(kind, query)
    key = _item_path_key(kind, rest)
    if key is None:
        return Answer(404, error_array("No such resource"))
    gating = kind == "deployments" and len(rest) == 7
    if gating:
        if method != "GET":
            return Answer(405, error_array("Use GET"))
        return submissions.gating_status((str(key[0]), str(key[1]), int(key[2])))
    if method == "GET":
        return submissions.get(kind, key)
    if method == "DELETE":
        return submissions.delete(kind, key)
    return Answer(405, error_array("Use GET or DELETE"))


def _item_path_key(kind: str, rest: list[str]) -> Optional[tuple[Any, ...]]:
    try:
        if kind == "builds" and len(rest) == 4 and rest[0] == "pipelines" and rest[2] == "builds":
            return (rest[1], int(rest[3]))
        if kind == "deployments" and len(rest) in (6, 7) and rest[0] == "pipelines" \
                and rest[2] == "environments" and rest[4] == "deployments" \
                and (len(rest) == 6 or rest[6] == "gating-status"):
            return (rest[1], rest[3], int(rest[5]))
    except ValueError:
        return None
    return None
