"""The bundled schema keeps the spec's limits and the spec's examples pass it; the derivation command works.

That the bundled schema is the derivation of the specs in shared/reference is checked by
scripts/check_reference.py, which needs that material beside the checkout.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from jira_devops.emulator.schema import load_bundled, main
from jira_devops.emulator.validation import RequestValidator
from support.reference import spec_example

ANNOTATIONS = {"description", "example", "examples", "title", "deprecated"}


def _schema_keywords(node: Any, found: set[str]) -> set[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "properties" and isinstance(value, dict):
                for sub in value.values():
                    _schema_keywords(sub, found)
                continue
            found.add(key)
            _schema_keywords(value, found)
    elif isinstance(node, list):
        for item in node:
            _schema_keywords(item, found)
    return found


def test_bundled_schema_keeps_no_description_or_example() -> None:
    keywords = set()
    for document in load_bundled()["requests"].values():
        keywords |= _schema_keywords(document["$defs"], set())
    assert not keywords & ANNOTATIONS


def test_bundled_schema_keeps_the_published_limits() -> None:
    builds = load_bundled()["requests"]["builds"]["$defs"]
    assert builds["SubmitBuildsRequest"]["properties"]["builds"]["maxItems"] == 100
    assert builds["SubmitBuildsRequest"]["properties"]["properties"]["maxProperties"] == 5
    assert "url" in builds["BuildData"]["required"]


def test_bundled_schema_keeps_the_devinfo_and_flag_limits() -> None:
    devinfo = load_bundled()["requests"]["devinfo"]["$defs"]
    assert devinfo["DevInformation"]["properties"]["repositories"]["maxItems"] == 100
    assert devinfo["Repository"]["properties"]["commits"]["maxItems"] == 400
    assert set(devinfo["Commit"]["required"]) >= {"id", "displayId", "message", "author", "authorTimestamp",
                                                  "fileCount", "url", "updateSequenceId"}
    assert devinfo["Commit"]["properties"]["message"]["maxLength"] == 1024
    assert devinfo["PullRequest"]["properties"]["status"]["enum"] == ["OPEN", "MERGED", "DECLINED", "UNKNOWN"]
    flags = load_bundled()["requests"]["featureflags"]["$defs"]
    assert flags["SubmitFeatureFlagRequest"]["properties"]["flags"]["maxItems"] == 100
    assert set(flags["FeatureFlagData"]["required"]) == {"details", "id", "key", "summary", "updateSequenceId"}


def _text_as_list(text: str) -> list[str]:
    return [part.strip().strip('"') for part in text.strip("[]").split(",") if part.strip()]


def _unquote_issue_keys(node: Any) -> Any:
    """The spec's generated examples write some arrays (``issueKeys``, ``flags``) as text such as
    ``'["ISSUE-1","TEST-2"]'`` or ``'[MERGE_COMMIT]'``; read them as the arrays they stand for."""
    if isinstance(node, dict):
        return {key: _text_as_list(value) if key in ("issueKeys", "flags") and isinstance(value, str)
                else _unquote_issue_keys(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_unquote_issue_keys(item) for item in node]
    return node


def test_the_specs_devinfo_and_flag_examples_are_valid() -> None:
    devinfo = RequestValidator("devinfo")
    example = _unquote_issue_keys(spec_example("DevInformation"))
    assert devinfo.request_errors(example) == []
    checked = 0
    for repository in example["repositories"]:
        assert devinfo.item_errors(repository) == []
        for name in ("commits", "branches", "pullRequests"):
            for entity in repository.get(name, []):
                assert devinfo.entity_errors(name, entity) == []
                checked += 1
    assert checked >= 3
    broken = _unquote_issue_keys(example["repositories"][0]["commits"][0])
    broken["issueKeys"] = ["not a key"]
    assert devinfo.entity_errors("commits", broken) != []
    flags = RequestValidator("featureflags")
    flag_example = spec_example("SubmitFeatureFlagRequest")
    assert flags.request_errors(flag_example) == []
    assert [flags.item_errors(flag) for flag in flag_example["flags"]] == [[] for _ in flag_example["flags"]]


@pytest.mark.parametrize(("kind", "schema"), [("builds", "SubmitBuildsRequest"),
                                              ("deployments", "SubmitDeploymentRequest")])
def test_the_specs_example_requests_are_valid(kind: str, schema: str) -> None:
    example = spec_example(schema)
    validator = RequestValidator(kind)
    assert validator.request_errors(example) == []
    for item in example[kind]:
        assert validator.item_errors(item) == []


def test_every_item_example_in_the_spec_is_valid() -> None:
    checked = 0
    for kind, names in (("builds", ("BuildData",)), ("deployments", ("DeploymentData", "DeploymentData_1"))):
        validator = RequestValidator(kind)
        for name in names:
            assert validator.item_errors(spec_example(name)) == []
            checked += 1
    assert checked == 3


def test_derivation_command_writes_the_schema(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = {"info": {"version": "1"}, "components": {"schemas": {
        "SubmitBuildsRequest": {"type": "object", "description": "x", "required": ["builds"],
                                "properties": {"builds": {"type": "array", "maxItems": 100,
                                                          "items": {"$ref": "#/components/schemas/B"}}}},
        "B": {"type": "object", "example": {}, "properties": {"description": {"type": "string", "maxLength": 9}}},
        "SubmitDeploymentRequest": {"type": "object", "nullable": True},
    }}}
    other = {"info": {"version": "2"}, "components": {"schemas": {
        "DevInformation": {"type": "object", "required": ["repositories"]},
        "SubmitFeatureFlagRequest": {"type": "object", "required": ["flags"]},
    }}}
    source = tmp_path / "spec.json"
    source.write_text(json.dumps(spec), encoding="utf-8")
    second = tmp_path / "devinfo.json"
    second.write_text(json.dumps(other), encoding="utf-8")
    out = tmp_path / "schema.json"
    assert main([str(source), str(second), "-o", str(out)]) == 0
    derived = json.loads(out.read_text(encoding="utf-8"))["requests"]
    assert derived["builds"]["$defs"]["B"] == {"type": "object",
                                               "properties": {"description": {"type": "string", "maxLength": 9}}}
    assert derived["builds"]["$defs"]["SubmitBuildsRequest"]["properties"]["builds"]["items"] == {"$ref": "#/$defs/B"}
    assert derived["deployments"]["$defs"]["SubmitDeploymentRequest"]["type"] == ["object", "null"]
    assert derived["devinfo"]["$defs"] == {"DevInformation": {"type": "object", "required": ["repositories"]}}
    assert json.loads(out.read_text(encoding="utf-8"))["source"] == "1, 2"
    # Without the second document, the derivation names the request body nobody defines.
    assert main([str(source), "-o", str(out)]) == 2
    assert "DevInformation" in capsys.readouterr().err


def test_derivation_command_refuses_a_document_that_is_not_a_spec(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "other.json"
    source.write_text("{}", encoding="utf-8")
    assert main([str(source), "-o", str(tmp_path / "out.json")]) == 2
    assert "components.schemas" in capsys.readouterr().err
