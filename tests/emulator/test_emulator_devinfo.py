"""The Development information and Feature flags APIs are judged as Jira judges them."""

from __future__ import annotations

from pathlib import Path

from support.emulator import start_emulator
from support.emulator_api import (
    EmulatorApi,
    branch_entity,
    build_item,
    commit_entity,
    deployment_item,
    flag_item,
    pull_request_entity,
    repository_item,
)

REPO = "git.example.com~acme~shop"


def test_a_repository_with_a_commit_branch_and_pull_request_is_accepted(api: EmulatorApi) -> None:
    response = api.submit("devinfo", repository_item(commits=(commit_entity(),), branches=(branch_entity(),),
                                                     pull_requests=(pull_request_entity(),)))
    assert response.status_code == 202
    assert response.json() == {
        "acceptedDevinfoEntities": {REPO: {"commits": ["a7727ee6350c33cdf90826dc21abaa26a5704370"],
                                           "branches": ["feature/ABC-1-sign-in"], "pullRequests": ["7"]}},
        "failedDevinfoEntities": {}, "unknownIssueKeys": []}
    stored = api.call("GET", "devinfo", f"/repository/{REPO}")
    assert stored.status_code == 200
    assert stored.json()["name"] == "acme/shop"
    assert [c["displayId"] for c in stored.json()["commits"]] == ["a7727ee"]
    assert [p["status"] for p in stored.json()["pullRequests"]] == ["OPEN"]


def test_a_flawed_entity_fails_alone_and_the_rest_is_stored(api: EmulatorApi) -> None:
    broken = commit_entity("b" * 40)
    del broken["fileCount"]
    long_message = commit_entity("c" * 40, message="x" * 1025)
    body = api.submit("devinfo", repository_item(commits=(broken, long_message, commit_entity()))).json()
    failed = body["failedDevinfoEntities"][REPO]["commits"]
    assert failed == [{"id": "b" * 40, "errorMessages": [{"message": "'fileCount' is required"}]},
                      {"id": "c" * 40, "errorMessages": [{"message": "'message' must be at most 1024 characters"}]}]
    assert body["acceptedDevinfoEntities"][REPO]["commits"] == ["a7727ee6350c33cdf90826dc21abaa26a5704370"]


def test_a_flawed_repository_fails_with_its_messages(api: EmulatorApi) -> None:
    body = api.submit("devinfo", repository_item("has spaces/and:slashes"),
                      repository_item("fine", commits=(commit_entity(),))).json()
    assert body["failedDevinfoEntities"]["has spaces/and:slashes"] == {
        "errorMessages": [{"message": "'id' may hold only letters, digits and ~ . - _"}]}
    assert list(body["acceptedDevinfoEntities"]) == ["fine"]
    assert api.call("GET", "devinfo", "/repository/has%20spaces").status_code == 404


def test_unknown_keys_are_listed_and_an_entity_with_only_unknown_keys_is_not_stored(api: EmulatorApi) -> None:
    body = api.submit("devinfo", repository_item(commits=(
        commit_entity("1" * 40, keys=("NOPE-1",)), commit_entity("2" * 40, keys=("ABC-2", "UTF-8"))))).json()
    assert body["unknownIssueKeys"] == ["NOPE-1", "UTF-8"]
    assert body["failedDevinfoEntities"][REPO]["commits"] == [
        {"id": "1" * 40, "errorMessages": [{"message": "No valid issues found for commit"}]}]
    (stored,) = api.emulator.state()["repositories"]
    assert [(c["id"], c["associatedIssueKeys"]) for c in stored["commits"]] == [("2" * 40, ["ABC-2"])]


def test_update_sequence_id_orders_entities_and_the_repository(api: EmulatorApi) -> None:
    api.submit("devinfo", repository_item(usn=5, pull_requests=(pull_request_entity(usn=5, status="MERGED"),)))
    older = repository_item(usn=4, name="old name", pull_requests=(pull_request_entity(usn=4, status="OPEN"),))
    body = api.submit("devinfo", older).json()
    assert body["acceptedDevinfoEntities"][REPO]["pullRequests"] == ["7"], "out of order is not a failure"
    stored = api.call("GET", "devinfo", f"/repository/{REPO}").json()
    assert (stored["name"], stored["pullRequests"][0]["status"]) == ("acme/shop", "MERGED")
    api.submit("devinfo", repository_item(usn=6, pull_requests=(pull_request_entity(usn=6, status="DECLINED"),)))
    assert api.call("GET", "devinfo", f"/repository/{REPO}").json()["pullRequests"][0]["status"] == "DECLINED"


def test_request_level_flaws_are_400_and_too_much_is_413(api: EmulatorApi) -> None:
    assert api.call("POST", "devinfo", "/bulk", json={"repositories": []}).status_code == 400
    duplicate = api.submit("devinfo", repository_item("same"), repository_item("same"))
    assert duplicate.status_code == 400
    assert "must not repeat" in duplicate.json()[0]["message"]
    six = api.submit("devinfo", repository_item(), properties={f"p{n}": "v" for n in range(6)})
    assert six.status_code == 400
    assert api.submit("devinfo", repository_item(), properties={"_hidden": "v"}).status_code == 400
    assert api.submit("devinfo", *[repository_item(f"r{n}") for n in range(101)]).status_code == 413
    commits = tuple(commit_entity(f"{n:040x}") for n in range(400))
    many = [repository_item(f"r{n}", commits=commits) for n in range(3)]
    assert api.submit("devinfo", *many).status_code == 413, "1200 entities in one request"
    too_long = api.submit("devinfo", repository_item(commits=(*commits, commit_entity("f" * 40)))).json()
    assert too_long["failedDevinfoEntities"][REPO]["errorMessages"] == [
        {"message": "'commits' must have at most 400 entries"}]


def test_delete_one_entity_a_repository_and_by_properties(api: EmulatorApi) -> None:
    api.submit("devinfo", repository_item(commits=(commit_entity(),), branches=(branch_entity(),)),
               properties={"account": "a1"})
    assert api.call("DELETE", "devinfo", f"/repository/{REPO}/banana/x").status_code == 400
    assert api.call("DELETE", "devinfo", f"/repository/{REPO}/branch/feature%2FABC-1-sign-in").status_code == 202
    assert api.call("GET", "devinfo", f"/repository/{REPO}").json()["branches"] == []
    exists = api.call("GET", "devinfo", "/existsByProperties", params={"account": "a1"})
    assert exists.json() == {"hasDataMatchingProperties": True}
    assert api.call("GET", "devinfo", "/existsByProperties",
                    params={"account": "a1", "_updateSequenceId": "0"}).json() == {"hasDataMatchingProperties": False}
    assert api.call("GET", "devinfo", "/existsByProperties").status_code == 400
    assert api.call("DELETE", "devinfo", "/bulkByProperties", params={"account": "a1"}).status_code == 202
    assert api.call("GET", "devinfo", f"/repository/{REPO}").status_code == 404
    api.submit("devinfo", repository_item(usn=9, commits=(commit_entity(usn=3),)))
    assert api.call("DELETE", "devinfo", f"/repository/{REPO}", params={"_updateSequenceId": "5"}).status_code == 202
    kept = api.call("GET", "devinfo", f"/repository/{REPO}").json()
    assert (kept["updateSequenceId"], kept["commits"]) == (9, []), "only data up to _updateSequenceId goes"
    assert api.call("DELETE", "devinfo", f"/repository/{REPO}").status_code == 202
    assert api.call("GET", "devinfo", f"/repository/{REPO}").status_code == 404


def test_a_flag_round_trips_and_is_judged(api: EmulatorApi) -> None:
    broken = flag_item("broken")
    del broken["summary"]
    body = api.submit("featureflags", flag_item(), broken, flag_item("ghost", keys=("NOPE-3",))).json()
    assert body["acceptedFeatureFlags"] == ["sign-in"]
    assert body["failedFeatureFlags"] == {"broken": [{"message": "'summary' is required"}],
                                          "ghost": [{"message": "No valid issues found for feature flag"}]}
    assert body["unknownIssueKeys"] == ["NOPE-3"]
    assert api.call("GET", "featureflags", "/flag/sign-in").json()["key"] == "sign-in"
    api.submit("featureflags", flag_item(usn=0, enabled=False))
    assert api.call("GET", "featureflags", "/flag/sign-in").json()["summary"]["status"]["enabled"] is True
    assert api.submit("featureflags", *[flag_item(f"f{n}") for n in range(101)]).status_code == 413
    assert api.call("POST", "featureflags", "/bulk", json={"flags": []}).status_code == 400
    assert api.call("DELETE", "featureflags", "/flag/sign-in").status_code == 202
    assert api.call("GET", "featureflags", "/flag/sign-in").status_code == 404
    api.submit("featureflags", flag_item("tagged"), properties={"team": "web"})
    assert api.call("DELETE", "featureflags", "/bulkByProperties").status_code == 400
    assert api.call("DELETE", "featureflags", "/bulkByProperties", params={"team": "web"}).status_code == 202
    assert api.emulator.state()["flags"] == []


def test_the_new_apis_need_a_token(api: EmulatorApi) -> None:
    assert api.call("POST", "devinfo", "/bulk", json={"repositories": [repository_item()]},
                    token="made-up").status_code == 401
    assert api.call("GET", "featureflags", "/flag/x", token="expired-or-made-up").status_code == 401


def test_a_credential_without_a_permission_gets_403_for_that_api_only(tmp_path: Path) -> None:
    with start_emulator(tmp_path, "--permissions", "builds,featureflags") as running:
        api = EmulatorApi(running)
        assert api.submit("builds", build_item()).status_code == 202
        assert api.submit("featureflags", flag_item()).status_code == 202
        refused = api.submit("devinfo", repository_item(commits=(commit_entity(),)))
        assert refused.status_code == 403
        assert refused.json()["permission"] == "Development information"
        assert api.call("GET", "devinfo", f"/repository/{REPO}").status_code == 403
        assert api.submit("deployments", deployment_item()).status_code == 403
        assert running.state()["repositories"] == []
        assert running.state()["deployments"] == []
        api.close()


def test_the_state_file_keeps_repositories_and_flags(tmp_path: Path) -> None:
    state_file = tmp_path / "state.json"
    with start_emulator(tmp_path / "one", "--state-file", str(state_file)) as first:
        api = EmulatorApi(first)
        api.submit("devinfo", repository_item(commits=(commit_entity(),)))
        api.submit("featureflags", flag_item())
        api.close()
    with start_emulator(tmp_path / "two", "--state-file", str(state_file)) as second:
        api = EmulatorApi(second)
        assert len(api.call("GET", "devinfo", f"/repository/{REPO}").json()["commits"]) == 1
        assert api.call("GET", "featureflags", "/flag/sign-in").status_code == 200
        api.close()
