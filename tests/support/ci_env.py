"""CI test support: environment snapshots (``tests/ci/snapshots``, written from each provider's documented
variables), running the CLI without the machine's own CI variables, and git histories like a CI checkout."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from support import cli

SNAPSHOTS = Path(__file__).resolve().parent.parent / "ci" / "snapshots"

HEAD = "9fceb02d0ae598e95dc970b74767f19372d61af8"
BEFORE = "6113728f27ae82c7b1a177c8d03f9e96e0adf246"
MERGE = "3d0a5f3e1b2c4d5e6f708192a3b4c5d6e7f80912"


def load_snapshot(name: str, folder: Path) -> dict[str, str]:
    """The variables of ``snapshots/<name>.env``; files the snapshot names are copied into ``folder``.

    Snapshot lines are ``KEY=VALUE`` with ``#`` comments; ``{snapshots}`` stands for ``folder``.
    """
    for path in SNAPSHOTS.iterdir():
        if path.suffix != ".env" and not (folder / path.name).exists():
            text = path.read_text(encoding="utf-8").replace("{snapshots}", str(folder))
            (folder / path.name).write_text(text, encoding="utf-8")
    environ: dict[str, str] = {}
    for line in (SNAPSHOTS / f"{name}.env").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        key, _, value = line.partition("=")
        environ[key] = value.replace("{snapshots}", str(folder))
    return environ


def run_cli(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the installed CLI with the machine's CI variables removed and ``env`` added."""
    return cli.run_cli(*args, env=env, cwd=cwd)


def git(repo: Path, *args: str) -> str:
    """Run git in ``repo`` with a fixed identity; its output without the final newline."""
    done = subprocess.run(["git", "-c", "user.name=Dev", "-c", "user.email=dev@example.com", *args], cwd=repo,
                          capture_output=True, text=True, check=True)
    return done.stdout.strip()


@dataclass
class History:
    """A repository whose HEAD is detached (as CIs check out) after four commits."""

    path: Path
    shas: list[str]

    @property
    def head(self) -> str:
        return self.shas[-1]
