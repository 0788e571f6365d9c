"""Find the project's reference material (Atlassian's spec and plugin fixtures) kept beside the repository."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional

import pytest

SPEC_NAME = "devops-api.2026-01.openapi.json"
DEVINFO_SPEC_NAME = "devinfo-featureflags.2026-01.openapi.json"


def reference_dir() -> Optional[Path]:
    """The nearest ``shared/reference`` folder above this checkout, if there is one."""
    for parent in Path(__file__).resolve().parents:
        candidate = parent / "shared" / "reference"
        if (candidate / SPEC_NAME).is_file():
            return candidate
    return None


def reference_json(name: str) -> Any:
    """A JSON file of the reference material; the test is skipped where the material is not beside us."""
    folder = reference_dir()
    if folder is None:
        pytest.skip("the reference material (shared/reference) is not beside this checkout")
    return json.loads((folder / name).read_text(encoding="utf-8"))
