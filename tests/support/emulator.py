"""Start the real emulator (``python -m jira_devops emulator``) as a subprocess and drive its control API."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import threading
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Optional

from support.cli import clean_environment

CLIENT_ID = "emulator-client"
STARTUP_TIMEOUT = 30.0


class EmulatorError(RuntimeError):
    """The emulator did not start or a control request failed."""


class RunningEmulator:
    """A running emulator process: its URL, credentials and control endpoints."""

    def __init__(self, process: subprocess.Popen[str], url: str, client_id: str, secret_file: Path,
                 log_file: Path) -> None:
        self.process = process
        self.url = url
        self.client_id = client_id
        self.secret_file = secret_file
        self.log_file = log_file

    def env(self, tmp_path: Optional[Path] = None) -> dict[str, str]:
        """Environment variables pointing the CLI at this emulator (token cache under ``tmp_path``)."""
        base = Path(tmp_path) if tmp_path is not None else Path(tempfile.mkdtemp(prefix="jira-devops-"))
        return {
            "JIRA_DEVOPS_API_URL": self.url,
            "JIRA_CLIENT_ID": self.client_id,
            "JIRA_CLIENT_SECRET_FILE": str(self.secret_file),
            "JIRA_DEVOPS_CACHE_DIR": str(base / "token-cache"),
        }

    # --- control --------------------------------------------------------------------------------------

    def _call(self, method: str, name: str, body: Optional[dict[str, Any]] = None) -> Any:
        data = json.dumps(body).encode() if body is not None else (b"" if method == "POST" else None)
        request = urllib.request.Request(f"{self.url}/_emulator/{name}", data=data, method=method,  # noqa: S310
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback URL
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            raise EmulatorError(f"{method} /_emulator/{name}: HTTP {error.code}: {error.read()!r}") from None

    def requests(self) -> list[dict[str, Any]]:
        """The API requests the emulator received, oldest first."""
        result: list[dict[str, Any]] = self._call("GET", "requests")
        return result

    def state(self) -> dict[str, Any]:
        """``{"builds": [...], "deployments": [...], "tokens_issued": N}``."""
        result: dict[str, Any] = self._call("GET", "state")
        return result

    def fault(self, path_prefix: str, status: Optional[int] = None, count: int = 1, *,
              retry_after: Optional[float] = None, delay: Optional[float] = None,
              reset_connection: bool = False) -> None:
        """Script a fault for the next ``count`` requests whose path starts with ``path_prefix``."""
        body: dict[str, Any] = {"path_prefix": path_prefix, "status": status, "count": count,
                                "reset_connection": reset_connection}
        if retry_after is not None:
            body["retry_after"] = retry_after
        if delay is not None:
            body["delay"] = delay
        self._call("POST", "faults", body)

    def gate(self, decision: str, *, environment_id: Optional[str] = None, awaiting_polls: int = 0,
             unknown_polls: int = 0) -> None:
        """Set how gated deployments decide (existing and new ones): ``unknown_polls`` polls answer 404,
        then ``awaiting_polls`` answer ``awaiting``, then ``decision``."""
        body: dict[str, Any] = {"decision": decision, "awaiting_polls": awaiting_polls,
                                "unknown_polls": unknown_polls}
        if environment_id is not None:
            body["environment_id"] = environment_id
        self._call("POST", "gates", body)

    def faults(self) -> list[dict[str, Any]]:
        """The scripted faults not used up yet."""
        result: list[dict[str, Any]] = self._call("GET", "faults")
        return result

    def revoke_tokens(self) -> None:
        """Make every issued token invalid (its holder gets 401)."""
        self._call("POST", "revoke-tokens")

    def reset(self) -> None:
        """Forget everything reported, every token, request, fault and gate rule."""
        self._call("POST", "reset")

    # --- lifetime -------------------------------------------------------------------------------------

    def stop(self, timeout: float = 10) -> int:
        """Stop the process with SIGTERM (killing it if it lingers); returns its exit code."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=timeout)
        return int(self.process.returncode)

    def __enter__(self) -> RunningEmulator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _drain(stream: Any) -> None:
    for _line in stream:
        pass


def start_emulator(tmp_path: Path, *extra_args: str) -> RunningEmulator:
    """Start ``python -m jira_devops emulator --port 0`` with a secret file in ``tmp_path``."""
    tmp_path = Path(tmp_path)
    tmp_path.mkdir(parents=True, exist_ok=True)
    secret_file = tmp_path / "emulator-secret.txt"
    if "--client-secret-file" not in extra_args:
        secret_file.write_text("emulator-secret-for-tests\n", encoding="utf-8")
    else:
        secret_file = Path(extra_args[list(extra_args).index("--client-secret-file") + 1])
    client_id = extra_args[list(extra_args).index("--client-id") + 1] if "--client-id" in extra_args else CLIENT_ID
    command = [sys.executable, "-m", "jira_devops", "emulator", "--port", "0"]
    if "--client-secret-file" not in extra_args:
        command += ["--client-secret-file", str(secret_file)]
    command += list(extra_args)
    log_file = tmp_path / "emulator.log"
    with open(log_file, "w", encoding="utf-8") as log:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=log, text=True,
                                   env=clean_environment(), stdin=subprocess.DEVNULL)
    assert process.stdout is not None
    first: list[str] = []
    reader = threading.Thread(target=lambda: first.append(process.stdout.readline()), daemon=True)  # type: ignore[union-attr]
    reader.start()
    reader.join(STARTUP_TIMEOUT)
    line = first[0].strip() if first else ""
    if not line.startswith("listening on "):
        process.kill()
        process.wait()
        raise EmulatorError(f"the emulator did not start: {line!r}; log: {log_file.read_text()[-2000:]}")
    threading.Thread(target=_drain, args=(process.stdout,), daemon=True).start()
    return RunningEmulator(process, line[len("listening on "):], client_id, secret_file, log_file)
