"""The GitHub Action's set-up: find or make the virtual environment that runs jira-devops.

``action.yml`` runs this file with the interpreter it found (``python .../github_setup.py locate`` and
``... install``), so it imports the standard library only.

The environment holds the dependencies alone, installed from ``requirements/runtime.txt`` with every hash
required. The action's own code is not installed: the run step puts the action's ``src`` folder on the
path. So the environment depends on nothing but the lock file and the interpreter, and those are its key
(``<tool cache>/jira-devops/<key>``): a new release of the action with the same lock reuses it, and the
Actions cache entry is keyed the same way.

Installs are made in a temporary folder beside the final one and renamed into place. Jobs that share a
self-hosted runner's tool cache never see a half-made environment: the first rename wins and the others
drop their copy. uv installs the dependencies (seconds faster than pip); when it is not on the PATH, a
hash-locked uv (``requirements/uv.txt``) is fetched with pip into the tool cache, and when even that is
impossible (an interpreter without pip), pip installs them.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Optional, TextIO

TITLE = "jira-devops"
COMPLETE = ".complete"  # written last inside an environment; a folder without it is never used
RUNTIME_LOCK = Path("requirements", "runtime.txt")
UV_LOCK = Path("requirements", "uv.txt")
# Part of the key: raise it when what goes into an environment changes in a way the lock does not show.
LAYOUT = "1"


class SetupError(Exception):
    """The set-up cannot go on; the message is one line for an ``::error`` annotation."""


def environment_key(lock: bytes) -> str:
    """The key of the environment for ``lock`` and this interpreter (its path, version and platform)."""
    digest = hashlib.sha256(lock)
    for part in (LAYOUT, os.path.realpath(sys.executable), sys.version, sys.platform, platform.machine()):
        digest.update(b"\0" + part.encode())
    return digest.hexdigest()[:20]


def tool_root(environ: Mapping[str, str]) -> Path:
    """Where environments are kept: the runner's tool cache (else its temp folder)."""
    base = environ.get("RUNNER_TOOL_CACHE") or environ.get("RUNNER_TEMP") or tempfile.gettempdir()
    return Path(base) / "jira-devops"


def venv_python(venv: Path) -> Path:
    """The interpreter of the virtual environment ``venv`` (``bin/python``, or ``Scripts/python.exe``)."""
    posix = venv / "bin" / "python"
    windows = venv / "Scripts" / "python.exe"
    return windows if windows.exists() and not posix.exists() else posix


def is_complete(folder: Path) -> bool:
    """True when ``folder`` was finished by :func:`publish` (or restored whole from the Actions cache)."""
    return (folder / COMPLETE).is_file()


def publish(made: Path, final: Path) -> bool:
    """Rename the finished folder ``made`` to ``final``; False when another job got there first.

    A complete ``final`` wins and ``made`` is removed. An incomplete one (left by a killed job or a partial
    cache restore) is moved aside first and removed after the rename.
    """
    (made / COMPLETE).write_text("", encoding="utf-8")
    try:
        os.rename(made, final)
        return True
    except OSError:
        if is_complete(final):
            shutil.rmtree(made, ignore_errors=True)
            return False
    stale = final.with_name(f".stale-{uuid.uuid4().hex}")
    with contextlib.suppress(OSError):  # someone else may have moved it meanwhile
        os.rename(final, stale)
    try:
        os.rename(made, final)
    except OSError:
        shutil.rmtree(made, ignore_errors=True)
        if not is_complete(final):
            raise SetupError(f"could not put the environment in place at {final}") from None
        return False
    finally:
        shutil.rmtree(stale, ignore_errors=True)
    return True


def _run(command: Sequence[str], log: TextIO, env: Optional[Mapping[str, str]] = None) -> bool:
    """Run ``command`` quietly; on failure show its output in the log and return False."""
    done = subprocess.run(list(command), capture_output=True, text=True, errors="replace", check=False,
                          env=dict(env) if env is not None else None, stdin=subprocess.DEVNULL)
    if done.returncode != 0:
        print(f"{Path(command[0]).name} exited {done.returncode}:", file=log)
        for line in (done.stdout + done.stderr).splitlines():
            print(("  " + line) if line.startswith("::") else line, file=log)
    return done.returncode == 0


def _uv_binary(folder: Path) -> Optional[Path]:
    for name in ("bin/uv", "Scripts/uv.exe", "bin/uv.exe"):
        if (folder / name).is_file():
            return folder / name
    return None


def find_uv(action_path: Path, root: Path, environ: Mapping[str, str], log: TextIO) -> Optional[Path]:
    """uv from the PATH, else the hash-locked one in the tool cache (fetched with pip once); None if neither."""
    on_path = shutil.which("uv", path=environ.get("PATH"))
    if on_path:
        return Path(on_path)
    lock = (action_path / UV_LOCK).read_bytes()
    final = root / f"uv-{hashlib.sha256(lock).hexdigest()[:12]}"
    if not is_complete(final):
        made = Path(tempfile.mkdtemp(prefix=".tmp-uv-", dir=root))
        fetched = _run([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                        "--no-input", "--no-deps", "--require-hashes", "--target", str(made),
                        "-r", str(action_path / UV_LOCK)], log)
        if not fetched or _uv_binary(made) is None:
            shutil.rmtree(made, ignore_errors=True)
            print("uv could not be fetched: pip installs the dependencies instead", file=log)
            return None
        publish(made, final)
    return _uv_binary(final)


def _uv_env(environ: Mapping[str, str]) -> dict[str, str]:
    # Never download an interpreter, never read a uv.toml of the user's repository.
    return {**environ, "UV_PYTHON_DOWNLOADS": "never", "UV_NO_CONFIG": "1"}


def make_environment(action_path: Path, folder: Path, environ: Mapping[str, str], log: TextIO) -> str:
    """Create a virtual environment in the empty ``folder`` and install the locked dependencies into it.

    Returns the name of the installer used.
    """
    lock = str(action_path / RUNTIME_LOCK)
    uv = find_uv(action_path, folder.parent, environ, log)
    if uv is not None:
        env = _uv_env(environ)
        if (_run([str(uv), "venv", "--quiet", "--allow-existing", "--python", sys.executable, str(folder)], log, env)
                and _run([str(uv), "pip", "install", "--quiet", "--python", str(venv_python(folder)),
                          "--require-hashes", "--no-deps", "-r", lock], log, env)):
            return "uv"
        print(f"{uv} failed: pip installs the dependencies instead", file=log)
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
    if not _run([sys.executable, "-m", "venv", str(folder)], log):
        raise SetupError(f"{sys.executable} -m venv failed (its output is in the log above)")
    if not _run([str(venv_python(folder)), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                 "--no-input", "--require-hashes", "--no-deps", "-r", lock], log):
        raise SetupError("pip could not install the dependencies (its output is in the log above)")
    return "pip"


def write_outputs(environ: Mapping[str, str], outputs: Mapping[str, str]) -> None:
    """Append step outputs to GITHUB_OUTPUT (values here are paths and words: never multi-line)."""
    path = environ.get("GITHUB_OUTPUT")
    if path:
        with open(path, "a", encoding="utf-8") as file:
            file.writelines(f"{name}={value}\n" for name, value in outputs.items())


def locate(action_path: Path, environ: Mapping[str, str]) -> dict[str, str]:
    """The step outputs of the locate step: this interpreter, the environment's key and folder, whether it is there."""
    key = environment_key((action_path / RUNTIME_LOCK).read_bytes())
    venv = tool_root(environ) / key
    return {"python": sys.executable, "key": key, "venv": str(venv), "found": str(is_complete(venv)).lower()}


def install(action_path: Path, venv: Path, environ: Mapping[str, str], log: TextIO) -> dict[str, str]:
    """Make sure the environment ``venv`` exists (see the module's docstring); its interpreter as an output."""
    if is_complete(venv):
        print(f"jira-devops: using the installed tool in {venv}", file=log)
        return {"python": str(venv_python(venv))}
    venv.parent.mkdir(parents=True, exist_ok=True)
    print(f"::group::Installing the dependencies of jira-devops into {venv}", file=log, flush=True)
    started = time.monotonic()
    made = Path(tempfile.mkdtemp(prefix=".tmp-", dir=venv.parent))
    try:
        installer = make_environment(action_path, made, environ, log)
    except BaseException:
        shutil.rmtree(made, ignore_errors=True)
        raise
    won = publish(made, venv)
    how = "installed" if won else "installed by another job at the same time; using that one"
    print(f"{how} with {installer} in {time.monotonic() - started:.1f}s", file=log)
    print("::endgroup::", file=log, flush=True)
    return {"python": str(venv_python(venv))}


def main(argv: Sequence[str], environ: Mapping[str, str], log: TextIO) -> int:
    """``locate`` or ``install VENV``; outputs go to GITHUB_OUTPUT, problems are one ``::error`` line."""
    action_path = Path(environ.get("GITHUB_ACTION_PATH") or Path(__file__).resolve().parents[3])
    try:
        if list(argv[:1]) == ["locate"]:
            outputs = locate(action_path, environ)
        elif len(argv) == 2 and argv[0] == "install":
            outputs = install(action_path, Path(argv[1]), environ, log)
        else:
            raise SetupError("usage: github_setup.py locate | install VENV")
    except (SetupError, OSError) as error:
        print(f"::error title={TITLE}::{error}", file=log, flush=True)
        return 2
    write_outputs(environ, outputs)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:], os.environ, sys.stdout))
