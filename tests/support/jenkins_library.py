"""The Jenkins library's parameter table, derived from the settings registry and the CLI's commands.

The shared library under ``jenkins/`` reads ``resources/jira-devops/parameters.json`` to know, for every
step parameter, the environment variable that carries it to the CLI and which commands take it. That file
must equal :func:`parameter_table`; ``tests/jenkins/test_jenkins_contract.py`` checks it. Regenerate it
with ``python tests/support/jenkins_library.py``.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
LIBRARY = ROOT / "jenkins"
PARAMETERS_FILE = LIBRARY / "resources" / "jira-devops" / "parameters.json"
LOCK_SCRIPT = ROOT / "scripts" / "jenkins_lock.py"


def _load_lock_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("jenkins_lock", LOCK_SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


jenkins_lock = _load_lock_script()  # scripts/jenkins_lock.py: the library's hash-locked requirements


def parameter_table() -> dict[str, Any]:
    """What the library's ``parameters.json`` must hold for the current registry and commands."""
    from jira_devops._version import __version__
    from jira_devops.cli.commands import COMMAND_MODULES
    from jira_devops.settings import OPTIONS

    parameters: dict[str, Any] = {}
    secrets: dict[str, str] = {}
    for option in OPTIONS:
        if option.secret:
            secrets[option.jenkins_parameter] = option.env_var
            continue
        entry: dict[str, Any] = {"env": option.env_var, "kind": option.value_type, "groups": list(option.groups)}
        if option.wrapper_inverted:
            entry["inverted"] = True
        parameters[option.jenkins_parameter] = entry
    commands = {}
    for module_name in COMMAND_MODULES:
        module = importlib.import_module(module_name)
        commands[module.NAME] = list(module.GROUPS)
    return {
        "version": __version__,
        "parameters": parameters,
        "secrets": secrets,
        "commands": commands,
    }


def rendered_table() -> str:
    """The file's exact text: one line per parameter and command, so a registry change is a one-line diff."""
    table = parameter_table()
    lines = ["{", f'  "version": {json.dumps(table["version"])},']
    for section in ("parameters", "secrets", "commands"):
        entries = [f"    {json.dumps(name)}: {json.dumps(value)}" for name, value in table[section].items()]
        closing = "}" if section == "commands" else "},"
        lines += [f'  "{section}": {{', ",\n".join(entries), f"  {closing}"]
    lines.append("}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    PARAMETERS_FILE.parent.mkdir(parents=True, exist_ok=True)
    PARAMETERS_FILE.write_text(rendered_table(), encoding="utf-8")
    sys.stdout.write(f"wrote {PARAMETERS_FILE.relative_to(ROOT)}\n")
