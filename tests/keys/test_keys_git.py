"""The repository reader: facts about HEAD and one streamed `git log` for a range."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import pytest

from jira_devops.errors import GitError
from jira_devops.history.git import NotARepositoryError, Repository
from support.git_history import GitRepo


def read_messages(repo: Repository, tip: str, *, exclude: Optional[str] = None,
             max_count: Optional[int] = None) -> list[tuple[bytes, bytes]]:
    """``(sha, raw message)`` of each commit one ``git log`` reads."""
    with repo.read_log(tip, exclude=exclude, max_count=max_count) as log:
        return [pair for shas, texts in log.blocks() for pair in zip(shas, texts)]


def test_open_outside_a_repository_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(NotARepositoryError, match="is not inside a git repository"):
        Repository.open(tmp_path)
    with pytest.raises(NotARepositoryError, match="is not a folder"):
        Repository.open(tmp_path / "missing")


def test_facts_of_an_empty_repository(repo: GitRepo) -> None:
    opened = Repository.open(repo.path)
    assert opened.head() is None
    assert opened.branch() == "main"
    assert not opened.is_shallow()


def test_facts_of_a_detached_head(history: GitRepo) -> None:
    history.git("checkout", "-q", "--detach", "v1.0")
    opened = Repository.open(history.path)
    assert opened.branch() is None
    assert opened.head() == history.git("rev-parse", "v1.0")
    assert opened.resolve_commit("--all") is None
    assert opened.resolve_commit("no-such-ref") is None


def test_messages_newest_first_with_full_shas_and_raw_bytes(repo: GitRepo) -> None:
    first = repo.commit(raw=b"ABC-1 caf\xe9\n\nbody line")
    second = repo.commit("ABC-2 second")
    messages = list(read_messages(Repository.open(repo.path), second))
    assert messages == [(second.encode(), b"ABC-2 second"), (first.encode(), b"ABC-1 caf\xe9\n\nbody line")]


def test_messages_of_a_range_and_a_limit(history: GitRepo) -> None:
    opened = Repository.open(history.path)
    base = history.git("rev-parse", "v1.1")
    assert [message for _, message in read_messages(opened, history.head(), exclude=base)] == [
        b"ABC-6 sixth", b"ABC-5 fifth"]
    assert len(list(read_messages(opened, history.head(), max_count=3))) == 3


def test_many_commits_arrive_in_blocks_and_all_are_read(repo: GitRepo) -> None:
    lines = []
    for number in range(1, 3001):
        message = f"OPS-{number} " + "x" * 400
        lines.append(f"commit refs/heads/main\ncommitter T <t@example.com> {1_600_000_000 + number} +0000\n"
                     f"data {len(message)}\n{message}\n")
    repo.git("fast-import", "--quiet", stdin="\n".join(lines).encode())
    opened = Repository.open(repo.path)
    with opened.read_log("main") as log:
        blocks = list(log.blocks())
    assert len(blocks) > 1
    messages = [message for _, block in blocks for message in block]
    assert len(messages) == 3000
    assert messages[0].startswith(b"OPS-3000 ") and messages[-1].startswith(b"OPS-1 ")


def test_stopping_early_stops_git(history: GitRepo) -> None:
    with Repository.open(history.path).read_log(history.head()) as log:
        next(log.blocks())
    assert log._process.returncode is not None


def test_a_failing_git_log_is_a_git_error(history: GitRepo) -> None:
    with pytest.raises(GitError, match="git log failed"), \
            Repository.open(history.path).read_log("0" * 40) as log:
        list(log.blocks())


def test_ancestry_and_tags(history: GitRepo) -> None:
    opened = Repository.open(history.path)
    v10, head = history.git("rev-parse", "v1.0"), history.head()
    assert opened.is_ancestor(v10, head)
    assert not opened.is_ancestor(head, v10)
    assert opened.newest_tag("v*", head) == "v1.1"
    assert opened.newest_tag("v1.0*", head) == "v1.0"
    assert opened.newest_tag("nope-*", head) is None
    assert opened.parent(history.git("rev-list", "--max-parents=0", "HEAD")) is None
