"""Development information bodies: repository IDs, entity limits and chunking within Jira's limits."""

from __future__ import annotations

import json

from jira_devops.emulator.validation import RequestValidator
from jira_devops.history.hosts import repository_links
from jira_devops.jira.devinfo import (
    MAX_ENTITIES_PER_REQUEST,
    MAX_ENTITY_LIST,
    MAX_REQUEST_BYTES,
    DevinfoBatch,
    RepositoryFields,
    branch_entity,
    commit_entity,
    devinfo_bodies,
    repository_id,
)


def _commit(number: int, message: str = "ABC-1 change") -> dict:
    sha = f"{number:040x}"
    return commit_entity(sha=sha, message=message, author_name="A", author_email="a@example.com",
                         author_time="2026-01-01T00:00:00+00:00", file_count=1, merge=False,
                         url=f"https://github.com/acme/shop/commit/{sha}", keys=["ABC-1"], sequence=5)


def _batch(commits: int) -> DevinfoBatch:
    batch = DevinfoBatch(RepositoryFields("github.com~acme~shop", "shop", "https://github.com/acme/shop", 5))
    batch.commits.extend(_commit(number) for number in range(commits))
    return batch


def test_the_repository_id_is_the_same_for_every_clone_url() -> None:
    ids = set()
    for remote in ("git@github.com:Acme/Shop.git", "https://github.com/acme/shop", "ssh://git@github.com/acme/shop",
                   "https://user:token@github.com/Acme/Shop.git/"):
        links = repository_links(remote)
        assert links is not None
        ids.add(repository_id(links.repository))
    assert ids == {"github.com~acme~shop"}
    assert repository_id("https://git.example.com:8443/a b/c+d") == "git.example.com_8443~a_b~c_d"


def test_pull_request_pages_per_host() -> None:
    pages = {remote: repository_links(remote).pull_request("7")  # type: ignore[union-attr]
             for remote in ("https://github.com/a/b", "https://gitlab.com/a/b", "https://bitbucket.org/a/b",
                            "https://bb.example.com/scm/PRJ/b.git", "https://codeberg.org/a/b")}
    assert list(pages.values()) == ["https://github.com/a/b/pull/7", "https://gitlab.com/a/b/-/merge_requests/7",
                                    "https://bitbucket.org/a/b/pull-requests/7",
                                    "https://bb.example.com/projects/PRJ/repos/b/pull-requests/7/overview",
                                    "https://codeberg.org/a/b/pulls/7"]


def test_commits_are_chunked_at_400_per_list_and_every_body_is_valid() -> None:
    bodies = devinfo_bodies(_batch(1001), {"team": "web"})
    assert [len(body["repositories"][0]["commits"]) for body in bodies] == [400, 400, 201]
    validator = RequestValidator("devinfo")
    for body in bodies:
        assert body["properties"] == {"team": "web"}
        assert validator.request_errors(body) == []
        (repository,) = body["repositories"]
        assert validator.item_errors(repository) == []
        assert all(validator.entity_errors("commits", commit) == [] for commit in repository["commits"])


def test_a_body_never_holds_more_than_1000_entities_or_1_mb() -> None:
    batch = _batch(390)
    tip = _commit(9999)
    batch.branches.extend(branch_entity(name=f"ABC-{n}-b", last_commit=tip, url=f"https://x.example/{n}",
                                        create_pull_request_url=None, keys=[f"ABC-{n}"], sequence=5)
                          for n in range(390))
    batch.pull_requests.extend({"id": str(n), "title": "ABC-1"} for n in range(390))
    bodies = devinfo_bodies(batch)
    for body in bodies:
        repository = body["repositories"][0]
        sizes = [len(repository.get(name) or []) for name in ("commits", "branches", "pullRequests")]
        assert sum(sizes) <= MAX_ENTITIES_PER_REQUEST and max(sizes) <= MAX_ENTITY_LIST
    assert sum(len(body["repositories"][0].get("commits") or []) for body in bodies) == 390
    huge = _batch(0)
    huge.commits.extend(_commit(number, "ABC-1 " + "x" * 1000) for number in range(1500))
    big_bodies = devinfo_bodies(huge)
    assert all(len(json.dumps(body)) <= MAX_REQUEST_BYTES for body in big_bodies)
    assert sum(len(body["repositories"][0]["commits"]) for body in big_bodies) == 1500


def test_messages_are_cut_at_jiras_limit_and_merges_are_flagged() -> None:
    entity = commit_entity(sha="a" * 40, message="ABC-1 " + "y" * 2000, author_name="", author_email="",
                           author_time="2026-01-01T00:00:00Z", file_count=0, merge=True, url="https://x.example/c",
                           keys=["ABC-1"], sequence=1)
    assert len(entity["message"]) == 1024 and entity["message"].endswith("…")
    assert entity["flags"] == ["MERGE_COMMIT"]
    assert entity["author"] == {"name": "unknown"}
