"""A small emulation of the GitHub Actions runner executing a composite action, for the action tests.

It reads ``action.yml``, resolves inputs (defaults included), evaluates the expressions of each step,
runs every ``run:`` step with bash as a real subprocess in a GitHub-like environment (``GITHUB_OUTPUT``,
``GITHUB_ENV``, ``GITHUB_PATH``, ``GITHUB_STEP_SUMMARY``, ``GITHUB_EVENT_PATH``, ``RUNNER_TEMP``, ...),
processes the workflow commands the step prints (``::add-mask::``, annotations, groups,
``::stop-commands::``) and evaluates the action's outputs. ``uses:`` steps are recorded, not run (they
would need the network); the tests assert which ones were reached.

The raw log (before masking) is kept, so tests can prove that a secret never reached it in the first
place rather than relying on the runner's masking.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

import yaml

from support.cli import clean_environment
from support.gha_expressions import condition, interpolate

_COMMAND = re.compile(r"^::([A-Za-z-]+)(?: ([^:]*))?::(.*)$")


@dataclass
class StepRecord:
    """One step of the composite action and what became of it."""

    id: str
    kind: str  # run | uses
    status: str  # success | failure | skipped | not emulated
    exit_code: Optional[int] = None
    outputs: dict[str, str] = field(default_factory=dict)
    script: str = ""
    uses: str = ""
    log: list[str] = field(default_factory=list)


@dataclass
class Annotation:
    """A ``::warning``/``::error``/``::notice`` workflow command, decoded."""

    level: str
    message: str
    properties: dict[str, str]


@dataclass
class ActionRun:
    """Everything one run of the action produced."""

    outcome: str
    outputs: dict[str, str]
    steps: list[StepRecord]
    raw_log: list[str]
    log: list[str]
    annotations: list[Annotation]
    summary: str
    masks: list[str]
    warnings: list[str]

    def step(self, step_id: str) -> StepRecord:
        """The record of the step with this id."""
        return next(step for step in self.steps if step.id == step_id)

    def text(self) -> str:
        """The raw log as one string."""
        return "\n".join(self.raw_log)


def _decode(text: str, *, property_value: bool = False) -> str:
    text = text.replace("%0D", "\r").replace("%0A", "\n")
    if property_value:
        text = text.replace("%3A", ":").replace("%2C", ",")
    return text.replace("%25", "%")


def read_outputs(path: Path) -> dict[str, str]:
    """The ``name=value`` and ``name<<DELIMITER`` entries of a GITHUB_OUTPUT / GITHUB_ENV file."""
    values: dict[str, str] = {}
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if not line:
            continue
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            body: list[str] = []
            while index < len(lines) and lines[index] != delimiter:
                body.append(lines[index])
                index += 1
            if index >= len(lines):
                raise ValueError(f"{path.name}: no closing delimiter {delimiter!r} for {name!r}")
            index += 1
            values[name] = "\n".join(body)
        elif "=" in line:
            name, value = line.split("=", 1)
            values[name] = value
        else:
            raise ValueError(f"{path.name}: invalid line {line!r}")
    return values


class CompositeRunner:
    """Runs one composite action the way a GitHub-hosted Linux runner would, as far as tests need."""

    def __init__(self, action_dir: Path, *, workspace: Path, runner_temp: Path, tool_cache: Path,
                 repository: str = "acme/app", sha: str = "", ref: str = "refs/heads/main",
                 event_name: str = "push", event: Optional[dict[str, Any]] = None, run_number: int = 7,
                 run_id: int = 1234567, job_env: Optional[Mapping[str, str]] = None,
                 job_status: str = "success", token: str = "ghs_testtokenvalue0000000000000000000",  # noqa: S107 - a fake token
                 debug: bool = False, head_ref: str = "", timeout: float = 240) -> None:
        self.action_dir = action_dir
        self.metadata: dict[str, Any] = yaml.safe_load((action_dir / "action.yml").read_text(encoding="utf-8"))
        self.workspace = workspace
        self.runner_temp = runner_temp
        self.tool_cache = tool_cache
        self.job_env = dict(job_env or {})
        self.job_status = job_status
        self.timeout = timeout
        event_path = runner_temp / "_github_workflow" / "event.json"
        event_path.parent.mkdir(parents=True, exist_ok=True)
        event_path.write_text(json.dumps(event or {}), encoding="utf-8")
        ref_name = ref.split("/", 2)[-1] if ref.startswith("refs/") else ref
        self.github: dict[str, Any] = {
            "action_path": str(action_dir), "action_repository": "", "action_ref": "",
            "repository": repository, "repository_owner": repository.split("/", maxsplit=1)[0],
            "sha": sha, "ref": ref, "ref_name": ref_name, "ref_type": "tag" if "/tags/" in ref else "branch",
            "event_name": event_name, "event": event or {}, "event_path": str(event_path),
            "run_id": str(run_id), "run_number": str(run_number), "run_attempt": "1",
            "server_url": "https://github.com", "api_url": "https://api.github.com",
            "workflow": "CI", "job": "report", "actor": "octocat", "workspace": str(workspace),
            "token": token, "head_ref": head_ref, "base_ref": "",
        }
        self.runner: dict[str, Any] = {
            "os": "Linux", "arch": "X64", "name": "emulated", "temp": str(runner_temp),
            "tool_cache": str(tool_cache), "debug": "1" if debug else "",
        }
        self.base_env = clean_environment()
        self.base_env.update({
            "CI": "true", "GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": str(workspace),
            "GITHUB_REPOSITORY": repository, "GITHUB_REPOSITORY_OWNER": self.github["repository_owner"],
            "GITHUB_SHA": sha, "GITHUB_REF": ref, "GITHUB_HEAD_REF": head_ref, "GITHUB_REF_NAME": ref_name,
            "GITHUB_REF_TYPE": self.github["ref_type"], "GITHUB_EVENT_NAME": event_name,
            "GITHUB_EVENT_PATH": str(event_path), "GITHUB_RUN_ID": str(run_id),
            "GITHUB_RUN_NUMBER": str(run_number), "GITHUB_RUN_ATTEMPT": "1",
            "GITHUB_SERVER_URL": "https://github.com", "GITHUB_API_URL": "https://api.github.com",
            "GITHUB_WORKFLOW": "CI", "GITHUB_WORKFLOW_REF": f"{repository}/.github/workflows/ci.yml@{ref}",
            "GITHUB_JOB": "report", "GITHUB_ACTOR": "octocat",
            "GITHUB_ACTION_PATH": str(action_dir), "GITHUB_ACTION": "__jira-devops",
            "RUNNER_OS": "Linux", "RUNNER_ARCH": "X64", "RUNNER_TEMP": str(runner_temp),
            "RUNNER_TOOL_CACHE": str(tool_cache), "RUNNER_NAME": "emulated",
        })
        if debug:
            self.base_env["RUNNER_DEBUG"] = "1"

    def run(self, inputs: Mapping[str, str]) -> ActionRun:
        """Run the action with ``inputs`` (as a workflow's ``with:`` would give them)."""
        env = {**self.base_env, **self.job_env}
        contexts: dict[str, Any] = {"github": self.github, "runner": self.runner, "env": env,
                                    "job": {"status": self.job_status}, "steps": {}, "inputs": {}}
        warnings: list[str] = []
        declared = self.metadata.get("inputs") or {}
        unexpected = sorted(set(inputs) - set(declared))
        if unexpected:
            warnings.append(f"Unexpected input(s) {', '.join(map(repr, unexpected))}")
        resolved: dict[str, str] = {}
        for name, spec in declared.items():
            if name in inputs:
                resolved[name] = str(inputs[name])
            else:
                default = (spec or {}).get("default")
                resolved[name] = interpolate(str(default), contexts) if default is not None else ""
        contexts["inputs"] = resolved

        masks: list[str] = []
        raw_log: list[str] = []
        annotations: list[Annotation] = []
        summary: list[str] = []
        records: list[StepRecord] = []
        # Inside a composite action the status functions look at the action's own steps, while
        # job.status is the job's status when the action started.
        status = "success"
        path_additions: list[str] = []
        for index, step in enumerate(self.metadata["runs"]["steps"]):
            step_id = str(step.get("id") or f"__step{index}")
            if not condition(step.get("if"), contexts, job_status=status):
                records.append(StepRecord(step_id, "uses" if "uses" in step else "run", "skipped",
                                          uses=str(step.get("uses", ""))))
                contexts["steps"][step_id] = {"outputs": {}, "outcome": "skipped", "conclusion": "skipped"}
                continue
            if "uses" in step:
                records.append(StepRecord(step_id, "uses", "not emulated", uses=str(step["uses"])))
                contexts["steps"][step_id] = {"outputs": {}, "outcome": "success", "conclusion": "success"}
                continue
            record = self._run_step(step_id, step, contexts, env, path_additions, masks, annotations, summary)
            raw_log.extend(record.log)
            records.append(record)
            contexts["steps"][step_id] = {"outputs": record.outputs, "outcome": record.status,
                                          "conclusion": record.status}
            if record.status == "failure":
                status = "failure"
        outputs = {name: interpolate(str((spec or {}).get("value", "")), contexts)
                   for name, spec in (self.metadata.get("outputs") or {}).items()}
        return ActionRun(
            outcome=status,
            outputs=outputs, steps=records, raw_log=raw_log, log=[_mask(line, masks) for line in raw_log],
            annotations=annotations, summary="".join(summary), masks=masks, warnings=warnings,
        )

    def _run_step(self, step_id: str, step: Mapping[str, Any], contexts: dict[str, Any], env: dict[str, str],
                  path_additions: list[str], masks: list[str], annotations: list[Annotation],
                  summary: list[str]) -> StepRecord:
        if step.get("shell") != "bash":
            raise ValueError(f"step {step_id}: the emulation runs shell: bash only, got {step.get('shell')!r}")
        files = self.runner_temp / "_runner_file_commands"
        files.mkdir(parents=True, exist_ok=True)
        token = uuid.uuid4().hex
        paths = {name: files / f"{name.lower()}_{token}" for name in
                 ("GITHUB_OUTPUT", "GITHUB_ENV", "GITHUB_PATH", "GITHUB_STATE", "GITHUB_STEP_SUMMARY")}
        for path in paths.values():
            path.touch()
        step_env = {**env, **{name: str(path) for name, path in paths.items()}}
        for name, value in (step.get("env") or {}).items():
            step_env[str(name)] = interpolate(str(value), {**contexts, "env": step_env})
        if path_additions:
            step_env["PATH"] = os.pathsep.join([*reversed(path_additions), step_env.get("PATH", "")])
        script = interpolate(str(step["run"]), {**contexts, "env": step_env})
        script_path = self.runner_temp / f"{token}.sh"
        script_path.write_text(script, encoding="utf-8")
        cwd = self.workspace
        if step.get("working-directory"):
            cwd = self.workspace / interpolate(str(step["working-directory"]), contexts)
        done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script_path)], cwd=cwd,
                              env=step_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              encoding="utf-8", errors="replace",  # the runner reads UTF-8 and never fails on it
                              timeout=self.timeout, check=False, stdin=subprocess.DEVNULL)
        log = done.stdout.splitlines()
        self._commands(log, masks, annotations)
        env.update(read_outputs(paths["GITHUB_ENV"]))
        path_additions.extend(line for line in paths["GITHUB_PATH"].read_text().splitlines() if line)
        summary.append(paths["GITHUB_STEP_SUMMARY"].read_text(encoding="utf-8"))
        return StepRecord(step_id, "run", "success" if done.returncode == 0 else "failure", done.returncode,
                          read_outputs(paths["GITHUB_OUTPUT"]), script=script, log=log)

    @staticmethod
    def _commands(lines: list[str], masks: list[str], annotations: list[Annotation]) -> None:
        stop_token: Optional[str] = None
        for line in lines:
            if stop_token is not None:
                if line == f"::{stop_token}::":
                    stop_token = None
                continue
            match = _COMMAND.match(line)
            if not match:
                continue
            name, properties_text, data = match.group(1), match.group(2) or "", match.group(3)
            if name == "add-mask":
                value = _decode(data)
                if value and value not in masks:
                    masks.append(value)
            elif name == "stop-commands":
                stop_token = data
            elif name in ("warning", "error", "notice"):
                properties = {}
                for part in filter(None, properties_text.split(",")):
                    key, _, value = part.partition("=")
                    properties[key.strip()] = _decode(value, property_value=True)
                annotations.append(Annotation(name, _decode(data), properties))


def _mask(line: str, masks: list[str]) -> str:
    if line.startswith("::add-mask::"):
        return "::add-mask::***"
    for secret in sorted(masks, key=len, reverse=True):
        line = line.replace(secret, "***")
    return line
