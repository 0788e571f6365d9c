"""The optional check against the reference material kept beside a checkout (``shared/reference``).

The test suite runs in a plain clone: the emulator's bundled schema ships with the package, and the
answers and request examples the tests compare with are test data (``tests/data/reference.json``). This
command checks that both still say what the reference material says:

* the bundled schema is what ``jira_devops.emulator.schema`` derives from the two OpenAPI specs;
* the test data equals Atlassian's Jenkins-plugin fixtures and the specs' examples it was taken from.

Run: ``python scripts/check_reference.py [--reference DIR]`` (exit 1 on a difference, 2 when the material
is missing); ``--write`` refreshes the test data from the material.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Optional

from jira_devops.emulator.schema import derive, load_bundled

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "reference.json"
SPEC = "devops-api.2026-01.openapi.json"
DEVINFO_SPEC = "devinfo-featureflags.2026-01.openapi.json"
ANSWERS = ("accepted_builds", "rejected_builds_invalid_url", "rejected_builds_unknown_issue_keys",
           "unauthorized_response", "gate_check_success")
EXAMPLES = ("SubmitBuildsRequest", "SubmitDeploymentRequest", "BuildData", "DeploymentData", "DeploymentData_1")
DEVINFO_EXAMPLES = ("DevInformation", "SubmitFeatureFlagRequest")


def find_reference() -> Optional[Path]:
    """The nearest ``shared/reference`` folder above this checkout."""
    for parent in ROOT.parents:
        if (parent / "shared" / "reference" / SPEC).is_file():
            return parent / "shared" / "reference"
    return None


def _load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _small_devinfo(example: dict[str, Any]) -> dict[str, Any]:
    """The spec's DevInformation example cut to its first repository and two of each entity (the whole is
    150 kB of generated text; the tests need one of each shape)."""
    repository = dict(example["repositories"][0])
    for name in ("commits", "branches", "pullRequests"):
        if name in repository:
            repository[name] = repository[name][:2]
    return {**example, "repositories": [repository]}


def test_data(reference: Path) -> dict[str, Any]:
    """The test data as the reference material gives it."""
    schemas = _load(reference / SPEC)["components"]["schemas"]
    devinfo = _load(reference / DEVINFO_SPEC)["components"]["schemas"]
    examples = {name: schemas[name]["example"] for name in EXAMPLES}
    examples["SubmitFeatureFlagRequest"] = devinfo["SubmitFeatureFlagRequest"]["example"]
    examples["DevInformation"] = _small_devinfo(devinfo["DevInformation"]["example"])
    return {
        "about": "Taken from shared/reference by scripts/check_reference.py --write; see SOURCES.md there.",
        "answers": {name: _load(reference / "jenkins-plugin-fixtures" / f"{name}.json") for name in ANSWERS},
        "examples": examples,
    }


def main(argv: Optional[list[str]] = None) -> int:
    """Compare (or, with --write, refresh) and print what differs."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reference", type=Path, help="the reference folder (default: shared/reference above)")
    parser.add_argument("--write", action="store_true", help="refresh tests/data/reference.json")
    args = parser.parse_args(argv)
    reference = args.reference or find_reference()
    if reference is None or not (reference / SPEC).is_file():
        print("the reference material (shared/reference) is not beside this checkout", file=sys.stderr)
        return 2
    wanted = test_data(reference)
    if args.write:
        DATA.write_text(json.dumps(wanted, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"wrote {DATA.relative_to(ROOT)}")
    problems = []
    if derive(_load(reference / SPEC), _load(reference / DEVINFO_SPEC)) != load_bundled():
        problems.append("the bundled emulator schema is not the derivation of the specs "
                        "(python -m jira_devops.emulator.schema SPEC DEVINFO_SPEC -o ... refreshes it)")
    if _load(DATA) != wanted:
        problems.append(f"{DATA.relative_to(ROOT)} differs from the reference material (--write refreshes it)")
    for problem in problems:
        print(problem, file=sys.stderr)
    if not problems:
        print("the bundled schema and the test data match the reference material")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
