"""The report result matches each item sent with Jira's answer to it (what the GitHub Action shows)."""

from __future__ import annotations

from typing import Any

from jira_devops.delivery.report import ReportResult
from jira_devops.delivery.sending import Delivery
from jira_devops.errors import UnreachableError


def _deployment(number: int) -> dict[str, Any]:
    return {"deploymentSequenceNumber": number, "displayName": f"deploy #{number}", "url": f"https://ci/{number}",
            "state": "successful", "pipeline": {"id": "acme/app"},
            "environment": {"id": "prod", "displayName": "Production"},
            "associations": [{"associationType": "issueIdOrKeys", "values": ["ABC-1"]},
                             {"associationType": "serviceIdOrKeys", "values": ["svc-1"]}]}


def _answer(number: int) -> dict[str, Any]:
    return {"pipelineId": "acme/app", "environmentId": "prod", "deploymentSequenceNumber": number}


def test_each_item_is_matched_with_the_answer_jira_gave_for_its_key() -> None:
    result = ReportResult(command="report-deploy", api="deployments",
                          bodies=[{"deployments": [_deployment(1), _deployment(2), _deployment(3)]}],
                          delivery=Delivery(accepted=[_answer(1)],
                                            rejected=[{"key": _answer(2), "errors": [{"message": "no issues"}]}]))
    items = result.to_json()["items"]
    assert [(item["key"], item["outcome"], item["reasons"]) for item in items] == [
        ("deployment acme/app #1 to prod", "accepted", []),
        ("deployment acme/app #2 to prod", "rejected", ["no issues"]),
        ("deployment acme/app #3 to prod", "no answer", []),
    ]
    assert items[0]["issueKeys"] == ["ABC-1"] and items[0]["environment"] == "Production"


def test_kept_and_dry_run_items_say_so() -> None:
    kept = ReportResult(command="report-deploy", api="deployments", bodies=[{"deployments": [_deployment(1)]}],
                        delivery=Delivery(outboxed=1, undelivered=UnreachableError("down")))
    assert [item.outcome for item in kept.items()] == ["outboxed"]
    dry = ReportResult(command="report-deploy", api="deployments", bodies=[{"deployments": [_deployment(1)]}],
                       dry_run=True)
    assert [item.outcome for item in dry.items()] == ["not sent"]
