"""The bundled request schema: derived from Atlassian's OpenAPI spec, keeping only the constraints.

``python -m jira_devops.emulator.schema SPEC [SPEC...] [-o OUT]`` re-derives ``devops-schema.json`` from the
OpenAPI documents of the Builds and Deployments APIs and of the Development information and Feature flags
APIs. The result holds one JSON Schema (draft 2020-12) per request body (``builds``, ``deployments``,
``devinfo``, ``featureflags``) with every referenced component under ``$defs``; types, required fields,
enums, lengths, item limits and patterns are kept, descriptions and examples are not.

Two repairs of the generated spec: a ``pattern`` written on an array (the issue keys of commits, branches
and pull requests) is moved to its items, where it means something; and the Unicode classes ``\\p{L}`` and
``\\p{Digit}``, which Python's ``re`` does not know, are written as the classes ``re`` has for them.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any, Optional

SCHEMA_FILE = "devops-schema.json"
DIALECT = "https://json-schema.org/draft/2020-12/schema"
REQUEST_SCHEMAS = {"builds": "SubmitBuildsRequest", "deployments": "SubmitDeploymentRequest",
                   "devinfo": "DevInformation", "featureflags": "SubmitFeatureFlagRequest"}
_REF_PREFIX = "#/components/schemas/"
# The keywords that constrain a value; everything else in the spec (descriptions, examples, titles,
# defaults, deprecation marks) only annotates and is dropped.
_CONSTRAINTS = frozenset({
    "type", "required", "enum", "const", "maxLength", "minLength", "pattern", "maxItems", "minItems",
    "uniqueItems", "maxProperties", "minProperties", "minimum", "maximum", "exclusiveMinimum",
    "exclusiveMaximum", "multipleOf", "format",
})
_SUBSCHEMA_LISTS = ("anyOf", "oneOf", "allOf")
# Unicode property classes of the spec's patterns, as Python's re writes them (longest first).
_PATTERN_CLASSES = ((r"[\p{L}\p{Digit}_]", r"\w"), (r"\p{L}", r"[^\W\d_]"), (r"\p{Digit}", r"\d"))


def python_pattern(pattern: str) -> str:
    """A pattern of the spec in Python's ``re`` dialect."""
    for spec_class, python_class in _PATTERN_CLASSES:
        pattern = pattern.replace(spec_class, python_class)
    return pattern


def _constraints_only(node: Any, refs: set[str]) -> Any:
    """A schema node with only its constraint keywords; collects the component names it references."""
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "$ref":
            name = str(value)[len(_REF_PREFIX):]
            refs.add(name)
            out["$ref"] = f"#/$defs/{name}"
        elif key == "properties" and isinstance(value, dict):
            out[key] = {name: _constraints_only(sub, refs) for name, sub in value.items()}
        elif key in ("items", "not") or (key == "additionalProperties" and isinstance(value, dict)):
            out[key] = _constraints_only(value, refs)
        elif key == "additionalProperties":
            out[key] = value
        elif key in _SUBSCHEMA_LISTS and isinstance(value, list):
            out[key] = [_constraints_only(sub, refs) for sub in value]
        elif key == "pattern" and isinstance(value, str):
            out[key] = python_pattern(value)
        elif key in _CONSTRAINTS:
            out[key] = value
    if out.get("type") == "array" and "pattern" in out and isinstance(out.get("items"), dict):
        out["items"] = {**out["items"], "pattern": out.pop("pattern")}
    if node.get("nullable") is True and isinstance(out.get("type"), str):
        out["type"] = [out["type"], "null"]
    return out


def _closure(components: dict[str, Any], root: str) -> dict[str, Any]:
    """The constraint-only copies of ``root`` and every component it reaches."""
    defs: dict[str, Any] = {}
    pending = [root]
    while pending:
        name = pending.pop()
        if name in defs:
            continue
        if name not in components:
            raise ValueError(f"the spec references a missing schema {name!r}")
        refs: set[str] = set()
        defs[name] = _constraints_only(components[name], refs)
        pending.extend(sorted(refs - set(defs)))
    return dict(sorted(defs.items()))


def _components(spec: Any) -> dict[str, Any]:
    try:
        components: dict[str, Any] = spec["components"]["schemas"]
    except (KeyError, TypeError):
        raise ValueError("the document has no components.schemas: is it an OpenAPI spec?") from None
    return components


def derive(*specs: dict[str, Any]) -> dict[str, Any]:
    """The bundled schema document from the OpenAPI documents that together define every request body."""
    every = [_components(spec) for spec in specs]
    versions = sorted({str(spec.get("info", {}).get("version", "unknown")) for spec in specs})
    derived: dict[str, Any] = {"source": ", ".join(versions), "requests": {}}
    for kind, name in REQUEST_SCHEMAS.items():
        components = next((found for found in every if name in found), None)
        if components is None:
            raise ValueError(f"no document defines {name} (the {kind} request body)")
        defs = _closure(components, name)
        derived["requests"][kind] = {"$schema": DIALECT, "$ref": f"#/$defs/{name}", "$defs": defs}
    return derived


def load_bundled() -> dict[str, Any]:
    """The schema document shipped with the package."""
    text = resources.files("jira_devops.emulator").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Derive the bundled schema from an OpenAPI spec file."""
    parser = argparse.ArgumentParser(prog="python -m jira_devops.emulator.schema", description=__doc__)
    parser.add_argument("spec", type=Path, nargs="+",
                        help="OpenAPI documents (JSON) of the Builds and Deployments APIs and of the Development "
                        "information and Feature flags APIs")
    parser.add_argument("-o", "--output", type=Path,
                        default=Path(__file__).with_name(SCHEMA_FILE), help="where to write the schema")
    args = parser.parse_args(argv)
    try:
        specs = [json.loads(path.read_text(encoding="utf-8")) for path in args.spec]
        derived = derive(*specs)
    except (OSError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    args.output.write_text(json.dumps(derived, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
