"""Environment snapshots of CI jobs (``tests/ci/snapshots``), written from each provider's documented variables."""

from __future__ import annotations

from pathlib import Path

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


__all__ = ["BEFORE", "HEAD", "MERGE", "SNAPSHOTS", "load_snapshot"]
