"""Bulk submissions are judged as Jira judges them: request checks, per-item rules, ordering, caps."""

from __future__ import annotations

from support.emulator_api import EmulatorApi, build_item, deployment_item


def _is_error_array(body: object) -> bool:
    return (isinstance(body, list) and len(body) >= 1
            and all(set(entry) == {"message", "errorTraceId"} for entry in body))


def test_accepted_build_answers_202_with_the_documented_body(api: EmulatorApi) -> None:
    response = api.submit("builds", build_item(35, pipeline="Test Pipeline Build"))
    assert response.status_code == 202
    assert response.json() == {"acceptedBuilds": [{"pipelineId": "Test Pipeline Build", "buildNumber": 35}],
                               "rejectedBuilds": [], "unknownIssueKeys": []}


def test_accepted_deployment_answers_202_with_the_documented_body(api: EmulatorApi) -> None:
    response = api.submit("deployments", deployment_item(100, pipeline="p", environment="prod"))
    assert response.status_code == 202
    assert response.json() == {
        "acceptedDeployments": [{"pipelineId": "p", "environmentId": "prod", "deploymentSequenceNumber": 100}],
        "rejectedDeployments": [], "unknownIssueKeys": []}


def test_item_missing_a_required_field_is_rejected_alone(api: EmulatorApi) -> None:
    broken = build_item(36, pipeline="Test Pipeline Build")
    del broken["url"]
    response = api.submit("builds", broken, build_item(37))
    assert response.status_code == 202
    body = response.json()
    assert body["rejectedBuilds"] == [{"key": {"pipelineId": "Test Pipeline Build", "buildNumber": 36},
                                       "errors": [{"message": "'url' is required"}]}]
    assert body["acceptedBuilds"] == [{"pipelineId": "acme/app", "buildNumber": 37}]


def test_item_with_a_state_outside_the_enum_is_rejected(api: EmulatorApi) -> None:
    body = api.submit("builds", build_item(1, state="green")).json()
    (rejected,) = body["rejectedBuilds"]
    assert "'state' must be one of" in rejected["errors"][0]["message"]


def test_nested_missing_field_names_its_path(api: EmulatorApi) -> None:
    item = deployment_item(1)
    del item["environment"]["type"]
    body = api.submit("deployments", item).json()
    assert body["rejectedDeployments"][0]["errors"] == [{"message": "'environment.type' is required"}]


def test_request_without_items_is_a_400_error_array(api: EmulatorApi) -> None:
    response = api.call("POST", "builds", "/bulk", json={"deployments": []})
    assert response.status_code == 400
    assert _is_error_array(response.json())
    assert response.json()[0]["message"] == "'builds' is required"


def test_more_than_five_properties_is_a_400(api: EmulatorApi) -> None:
    properties = {f"p{n}": "v" for n in range(6)}
    response = api.submit("builds", build_item(), properties=properties)
    assert response.status_code == 400
    assert _is_error_array(response.json())


def test_property_key_with_a_colon_is_a_400(api: EmulatorApi) -> None:
    response = api.submit("builds", build_item(), properties={"team:name": "x"})
    assert response.status_code == 400
    assert "team:name" in response.json()[0]["message"]


def test_body_that_is_not_json_is_a_400(api: EmulatorApi) -> None:
    response = api.http.post(api.path("builds", "/bulk"), content=b"{not json",
                             headers={"Authorization": f"Bearer {api.token}", "Content-Type": "application/json"})
    assert response.status_code == 400
    assert _is_error_array(response.json())


def test_101_items_is_a_413_and_100_are_fine(api: EmulatorApi) -> None:
    too_many = api.submit("builds", *[build_item(n) for n in range(101)])
    assert too_many.status_code == 413
    assert _is_error_array(too_many.json())
    assert api.emulator.state()["builds"] == []
    enough = api.submit("builds", *[build_item(n) for n in range(100)])
    assert enough.status_code == 202
    assert len(enough.json()["acceptedBuilds"]) == 100


def test_item_with_some_unknown_keys_is_stored_against_the_known_ones(api: EmulatorApi) -> None:
    body = api.submit("builds", build_item(1, keys=("ABC-1", "UTF-8", "OPS-2"))).json()
    assert body["acceptedBuilds"] == [{"pipelineId": "acme/app", "buildNumber": 1}]
    assert body["unknownIssueKeys"] == ["UTF-8"]
    (stored,) = api.emulator.state()["builds"]
    assert stored["associatedIssueKeys"] == ["ABC-1", "OPS-2"]


def test_item_with_only_unknown_keys_is_rejected_like_jira(api: EmulatorApi) -> None:
    body = api.submit("builds", build_item(36, pipeline="Test Pipeline Build", keys=("TEST-110",))).json()
    assert body == {"acceptedBuilds": [],
                    "rejectedBuilds": [{"key": {"pipelineId": "Test Pipeline Build", "buildNumber": 36},
                                        "errors": [{"message": "No valid issues found for build"}]}],
                    "unknownIssueKeys": ["TEST-110"]}


def test_item_without_any_key_is_rejected(api: EmulatorApi) -> None:
    item = build_item(1)
    del item["issueKeys"]
    body = api.submit("builds", item).json()
    assert body["rejectedBuilds"][0]["errors"] == [{"message": "At least one 'issueKeys' is required"}]


def test_unknown_keys_in_associations_come_back_as_unknown_associations(api: EmulatorApi) -> None:
    body = api.submit("deployments", deployment_item(1, keys=("ABC-1", "NOPE-2"))).json()
    assert body["acceptedDeployments"] != []
    assert body["unknownAssociations"] == [{"associationType": "issueIdOrKeys", "values": ["NOPE-2"]}]
    assert body["unknownIssueKeys"] == []


def test_older_update_is_ignored_without_an_error(api: EmulatorApi) -> None:
    api.submit("builds", build_item(1, usn=5, state="successful"))
    older = api.submit("builds", build_item(1, usn=3, state="failed"))
    assert older.status_code == 202
    assert older.json()["acceptedBuilds"] == [{"pipelineId": "acme/app", "buildNumber": 1}]
    assert api.call("GET", "builds", api.build_path("acme/app", 1)).json()["state"] == "successful"
    api.submit("builds", build_item(1, usn=6, state="failed"))
    assert api.call("GET", "builds", api.build_path("acme/app", 1)).json()["state"] == "failed"


def test_equal_sequence_number_does_not_replace(api: EmulatorApi) -> None:
    api.submit("builds", build_item(1, usn=5, state="successful"))
    api.submit("builds", build_item(1, usn=5, state="failed"))
    assert api.call("GET", "builds", api.build_path("acme/app", 1)).json()["state"] == "successful"


def test_get_build_by_key_with_slashes_and_spaces_in_the_pipeline(api: EmulatorApi) -> None:
    item = build_item(4, pipeline="acme/app main build")
    api.submit("builds", item, properties={"team": "shop"})
    response = api.call("GET", "builds", api.build_path("acme/app main build", 4))
    assert response.status_code == 200
    assert response.json() == item  # properties are never returned


def test_get_missing_build_is_404(api: EmulatorApi) -> None:
    assert api.call("GET", "builds", api.build_path("acme/app", 99)).status_code == 404


def test_delete_build_by_key(api: EmulatorApi) -> None:
    api.submit("builds", build_item(1))
    assert api.call("DELETE", "builds", api.build_path("acme/app", 1)).status_code == 202
    assert api.call("GET", "builds", api.build_path("acme/app", 1)).status_code == 404
    assert api.call("DELETE", "builds", api.build_path("acme/app", 1)).status_code == 404


def test_get_and_delete_deployment_by_key(api: EmulatorApi) -> None:
    api.submit("deployments", deployment_item(7, pipeline="acme/app", environment="eu west"))
    path = api.deployment_path("acme/app", "eu west", 7)
    assert api.call("GET", "deployments", path).json()["deploymentSequenceNumber"] == 7
    assert api.call("DELETE", "deployments", path).status_code == 202
    assert api.call("GET", "deployments", path).status_code == 404


def test_delete_by_properties_removes_only_items_with_all_of_them(api: EmulatorApi) -> None:
    api.submit("builds", build_item(1), properties={"team": "shop", "repo": "a"})
    api.submit("builds", build_item(2), properties={"team": "shop", "repo": "b"})
    api.submit("builds", build_item(3))
    response = api.call("DELETE", "builds", "/bulkByProperties", params={"team": "shop", "repo": "a"})
    assert response.status_code == 202
    assert sorted(b["buildNumber"] for b in api.emulator.state()["builds"]) == [2, 3]


def test_delete_deployments_by_properties(api: EmulatorApi) -> None:
    api.submit("deployments", deployment_item(1), properties={"run": "x"})
    assert api.call("DELETE", "deployments", "/bulkByProperties", params={"run": "x"}).status_code == 202
    assert api.emulator.state()["deployments"] == []


def test_delete_by_properties_needs_a_property(api: EmulatorApi) -> None:
    assert api.call("DELETE", "builds", "/bulkByProperties").status_code == 400


def test_unknown_cloud_id_is_404(api: EmulatorApi) -> None:
    response = api.http.post("/jira/builds/0.1/cloud/00000000-0000-0000-0000-000000000000/bulk",
                             json={"builds": [build_item()]}, headers={"Authorization": f"Bearer {api.token}"})
    assert response.status_code == 404


def test_tenant_info_needs_no_token(api: EmulatorApi) -> None:
    response = api.http.get("/_edge/tenant_info")
    assert response.status_code == 200
    assert set(response.json()) == {"cloudId"}


def test_page_lists_what_jira_would_show_per_issue(api: EmulatorApi) -> None:
    api.submit("builds", build_item(3, keys=("ABC-9",), displayName="shop <main>"))
    page = api.http.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "<h2>ABC-9</h2>" in page.text
    assert "shop &lt;main&gt;" in page.text


def test_more_than_500_association_values_in_all_rejects_the_item(api: EmulatorApi) -> None:
    keys = tuple(f"ABC-{n}" for n in range(1, 301))
    services = tuple(f"svc-{n}" for n in range(1, 202))
    body = api.submit("deployments", deployment_item(1, keys=keys, services=services)).json()
    (rejected,) = body["rejectedDeployments"]
    assert "500" in rejected["errors"][0]["message"]


def test_last_updated_that_is_not_a_date_time_rejects_the_item(api: EmulatorApi) -> None:
    body = api.submit("builds", build_item(1, lastUpdated="yesterday"),
                      build_item(2, lastUpdated="2026-01-02T03:04:05+01:00")).json()
    assert body["rejectedBuilds"] == [{"key": {"pipelineId": "acme/app", "buildNumber": 1},
                                       "errors": [{"message": "'lastUpdated' is not a valid date-time"}]}]
    assert body["acceptedBuilds"] == [{"pipelineId": "acme/app", "buildNumber": 2}]
