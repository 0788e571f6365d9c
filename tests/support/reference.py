"""What the reference material says, as test data kept in the repository (``tests/data/reference.json``):
Jira's answers recorded by Atlassian's Jenkins plugin, and the request examples of Atlassian's specs.

The tests need nothing beside the checkout. ``scripts/check_reference.py`` is the separate check that this
data, and the emulator's bundled schema, still match the material in ``shared/reference``.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parents[1] / "data" / "reference.json"


@lru_cache(maxsize=1)
def _data() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(DATA.read_text(encoding="utf-8"))
    return loaded


def jira_answer(name: str) -> Any:
    """A body Jira answered, as the plugin recorded it (``accepted_builds``, ``gate_check_success``, ...)."""
    return json.loads(json.dumps(_data()["answers"][name]))


def spec_example(schema: str) -> Any:
    """The example of ``schema`` in Atlassian's spec (``SubmitBuildsRequest``, ``DevInformation``, ...)."""
    return json.loads(json.dumps(_data()["examples"][schema]))
