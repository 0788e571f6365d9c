"""The library's hash-locked requirements: runtime.txt's dependencies, then the CLI's wheel by its hash."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from jira_devops._version import __version__
from support.jenkins_library import LOCK_SCRIPT, jenkins_lock
from support.jenkins_pipeline import ReleasedLibrary


def test_the_dependency_part_of_the_jenkins_lock_is_requirements_runtime_txt() -> None:
    dependencies, version, digest = jenkins_lock.split_lock(jenkins_lock.LOCK.read_text(encoding="utf-8"))
    runtime = jenkins_lock.RUNTIME.read_text(encoding="utf-8")
    assert dependencies == jenkins_lock.dependencies(runtime)
    assert dependencies.count("==") == runtime.count("==") > 10
    assert version == __version__
    assert digest is not None


def test_render_and_split_are_inverse() -> None:
    runtime = "# header\nhttpx==0.28.1 \\\n    --hash=sha256:" + "a" * 64 + "\n"
    text = jenkins_lock.render_lock(runtime, "9.9.9", "b" * 64)
    assert text.endswith("jira-devops==9.9.9 \\\n    --hash=sha256:" + "b" * 64 + "\n")
    assert jenkins_lock.split_lock(text) == (jenkins_lock.dependencies(runtime), "9.9.9", "b" * 64)
    assert jenkins_lock.split_lock("jira-devops==1\n") == ("jira-devops==1\n", None, None)


def test_the_wheel_is_reproducible_and_check_compares_it(release: ReleasedLibrary, tmp_path: Path) -> None:
    # The released copy's lock was written by the script from the wheel it built (kept in the wheelhouse).
    lock = release.path / "resources" / "jira-devops" / "requirements.txt"
    [wheel] = release.wheelhouse.glob("jira_devops-*.whl")
    _, version, digest = jenkins_lock.split_lock(lock.read_text(encoding="utf-8"))
    assert (version, digest) == (__version__, jenkins_lock.sha256_of(wheel))

    def check(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, str(LOCK_SCRIPT), "--check", "--output", str(lock), *args],
                              capture_output=True, text=True, check=False, timeout=300)

    # A second build from the same tree gives the same bytes: the release can check its wheel against the lock.
    rebuilt = check()
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert check(str(wheel)).returncode == 0
    other = tmp_path / wheel.name
    other.write_bytes(wheel.read_bytes() + b"\0")
    refused = check(str(other))
    assert refused.returncode == 1
    assert refused.stderr.startswith(f"jenkins_lock: {lock} does not lock jira-devops=={__version__} with sha256 ")
