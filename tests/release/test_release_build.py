"""Release builds are reproducible: the same tree gives the same wheel and sdist bytes, wherever it lies,
whatever its files' times and modes, so a lock file can pin the published wheel by hash."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Optional

ROOT = Path(__file__).resolve().parents[2]


def _tracked_copy(target: Path) -> Path:
    """The working tree's tracked files (as they are now) copied to ``target``."""
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for name in filter(None, listed.decode().split("\0")):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def _build(tree: Path, target: str, epoch: Optional[str]) -> Path:
    env = {name: value for name, value in os.environ.items() if name != "SOURCE_DATE_EPOCH"}
    if epoch is not None:
        env["SOURCE_DATE_EPOCH"] = epoch
    out = tree / "out"
    done = subprocess.run([sys.executable, "-m", "hatchling", "build", "-t", target, "-d", str(out)], cwd=tree,
                          env=env, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    [built] = out.iterdir()
    return built


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _two_trees(tmp_path: Path) -> tuple[Path, Path]:
    first = _tracked_copy(tmp_path / "checkout-a")
    second = _tracked_copy(tmp_path / "elsewhere" / "checkout-b")
    for path in (second / "src" / "jira_devops").rglob("*.py"):  # another clone: other times and modes
        path.chmod(0o600)
        os.utime(path, (1_000_000_000, 1_000_000_000))
    return first, second


def test_the_same_tree_builds_the_same_wheel_without_source_date_epoch(tmp_path: Path) -> None:
    first, second = _two_trees(tmp_path)
    wheels = [_build(tree, "wheel", None) for tree in (first, second)]
    assert _sha256(wheels[0]) == _sha256(wheels[1])
    with zipfile.ZipFile(wheels[0]) as wheel:
        assert "jira_devops/wrappers/github_action.py" in wheel.namelist()
        assert {info.date_time for info in wheel.infolist()} == {(2020, 2, 2, 0, 0, 0)}  # hatchling's fixed date


def test_a_fixed_source_date_epoch_builds_the_same_wheel_and_sdist_twice(tmp_path: Path) -> None:
    first, second = _two_trees(tmp_path)
    for target in ("wheel", "sdist"):
        built = [_build(tree, target, "1767225600") for tree in (first, second)]
        assert _sha256(built[0]) == _sha256(built[1]), target
        shutil.rmtree(first / "out")
        shutil.rmtree(second / "out")


def test_a_changed_file_changes_the_wheel(tmp_path: Path) -> None:
    first, second = _two_trees(tmp_path)
    version = second / "src" / "jira_devops" / "_version.py"
    version.write_text(version.read_text(encoding="utf-8") + "# changed\n", encoding="utf-8")
    assert _sha256(_build(first, "wheel", None)) != _sha256(_build(second, "wheel", None))


def test_the_build_backend_is_pinned_to_one_version() -> None:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'requires = ["hatchling==1.27.0"]' in text
    assert '"hatchling==1.27.0",' in text  # the same one in the dev extras, which this test builds with
