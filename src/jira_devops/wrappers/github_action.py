"""The GitHub Action's one step: run a CLI command and publish its result to the workflow.

``action.yml`` hands every input over as an environment variable ``JIRA_DEVOPS_INPUT_<NAME>`` (never as
text inside a script). This module turns the inputs that were given into the settings' own environment
variables, so an input left empty keeps what the workflow's ``env:`` or ``.jira-devops.yml`` says; runs
``jira-devops <command> --json`` as a subprocess; and writes step outputs (``GITHUB_OUTPUT``), a job
summary (``GITHUB_STEP_SUMMARY``) and annotations. The exit code is the CLI's.

Run as ``python -m jira_devops.wrappers.github_action``. Only the standard library is imported here: the CLI does
the work in its own process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Optional, TextIO
from urllib.parse import quote

from jira_devops.errors import INTERRUPTED, ConfigError, ExitCode, JiraDevopsError, UsageError
from jira_devops.settings import OPTIONS, Option, convert
from jira_devops.untrusted_text import one_line, visible

INPUT_PREFIX = "JIRA_DEVOPS_INPUT_"
TITLE = "jira-devops"

# Settings that are not action inputs, and why.
NOT_INPUTS: dict[str, str] = {
    "json": "the action always reads the CLI's JSON result to set its outputs",
    "ci": "the action runs on GitHub Actions, which the CLI detects by itself",
}
# Inputs of the action that are not settings of the CLI.
ACTION_ONLY_INPUTS: tuple[str, ...] = ("command", "python", "cache")
ACTION_OPTIONS: tuple[Option, ...] = tuple(option for option in OPTIONS if option.name not in NOT_INPUTS)

# The action's command words and the CLI command lines they run (the CLI's own names work too).
COMMANDS: dict[str, tuple[str, ...]] = {
    "build": ("report-build",),
    "deploy": ("report-deploy",),
    "gate": ("gate-status", "--wait"),
    "keys": ("keys",),
    "check": ("check",),
    "dev": ("report-dev",),
    "flag": ("report-flag",),
}
OUTPUT_NAMES: tuple[str, ...] = (
    "issue-keys", "accepted", "rejected", "unknown-issue-keys", "gate-status", "skipped", "exit-code", "result-json",
)


def input_env_name(action_input: str) -> str:
    """The environment variable action.yml sets from the input ``action_input``."""
    return INPUT_PREFIX + action_input.upper().replace("-", "_")


def cli_arguments(command: str) -> list[str]:
    """The CLI arguments for the action's ``command`` input; a :class:`UsageError` for an unknown one."""
    word = command.strip().lower()
    if word in COMMANDS:
        return [*COMMANDS[word], "--json"]
    for arguments in COMMANDS.values():
        if word == arguments[0]:
            return [*arguments, "--json"]
    raise UsageError(f"input command: {command!r} is not a command",
                     hint=f"use one of {', '.join(COMMANDS)}")


def settings_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """The CLI's environment: ``environ`` with every given input moved to its setting's variable.

    Inputs win over variables already set; empty inputs change nothing. Inverted inputs
    (``fail-on-error`` for ``no_fail``) are checked and flipped here. The input variables themselves are
    not passed on, so a secret given as an input lives in exactly one variable of the CLI's environment.
    """
    env = {name: value for name, value in environ.items() if not name.startswith(INPUT_PREFIX)}
    for option in ACTION_OPTIONS:
        raw = environ.get(input_env_name(option.action_input), "")
        if raw.strip() == "":
            continue
        if option.wrapper_inverted:
            try:
                value = convert(option, raw)
            except ValueError as error:
                raise ConfigError(f"input {option.action_input}: {error}") from None
            env[option.env_var] = "false" if value else "true"
        else:
            env[option.env_var] = raw
    if environ.get("RUNNER_DEBUG") == "1" and not env.get("JIRA_DEVOPS_DEBUG", "").strip():
        env["JIRA_DEVOPS_DEBUG"] = "true"  # the runner's "debug logging" switch turns on ours too
    return env


def secrets_to_mask(environ: Mapping[str, str]) -> list[str]:
    """Secret values given as inputs or settings variables, and encoded forms a request log could show."""
    values: list[str] = []
    for option in ACTION_OPTIONS:
        if not option.secret:
            continue
        for name in (input_env_name(option.action_input), option.env_var):
            value = environ.get(name, "")
            for form in (value, value.strip(), quote(value, safe="")) if value.strip() else ():
                if form not in values:
                    values.append(form)
    return values


def escape_data(text: str) -> str:
    """Text made safe as the message of a workflow command (one line, no command injection)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Text made safe as a property of a workflow command."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(level: str, message: str) -> str:
    """A workflow command that shows ``message`` as an annotation of ``level`` (warning, error, notice)."""
    return f"::{level} title={escape_property(TITLE)}::{escape_data(visible(message))}"


def log_line(line: str) -> str:
    """A line of the CLI's stderr as the runner should show it: warnings and errors become annotations.

    Any other line is shown defused: it holds text from Jira or the checkout, and the runner would act on
    a line that starts with ``::`` (even after spaces) or holds ``##[`` anywhere.
    """
    text = line.rstrip("\r\n")
    for prefix, level in (("warning: ", "warning"), ("error: ", "error")):
        if text.startswith(prefix):
            return annotation(level, text[len(prefix):])
    return one_line(text)


@dataclass
class CliRun:
    """What one CLI invocation did."""

    exit_code: int
    result: Optional[dict[str, Any]] = None
    errors: list[str] = field(default_factory=list)


def run_cli(arguments: list[str], env: Mapping[str, str], log: TextIO) -> CliRun:
    """Run ``jira-devops ARGUMENTS`` with ``env``: stream its stderr to ``log``, parse its JSON stdout."""
    errors: list[str] = []
    # Both ends of the pipes are ours: the CLI writes UTF-8 whatever the console's code page (cp1252 on
    # Windows), and what cannot be decoded is replaced rather than fatal.
    child_env = {**env, "PYTHONIOENCODING": "utf-8", "PYTHONUTF8": "1"}
    with tempfile.TemporaryFile(mode="w+", encoding="utf-8", errors="replace") as stdout:
        process = subprocess.Popen(
            [sys.executable, "-m", "jira_devops", *arguments], env=child_env, stdout=stdout,
            stderr=subprocess.PIPE, text=True, encoding="utf-8", errors="replace",
        )
        assert process.stderr is not None
        try:
            for line in process.stderr:
                shown = log_line(line)
                if line.startswith("error: "):
                    errors.append(line[len("error: "):].rstrip("\r\n"))
                print(shown, file=log, flush=True)
            exit_code = process.wait()
        except KeyboardInterrupt:  # the run was cancelled: the CLI got the signal too and stops cleanly
            process.wait()
            return CliRun(INTERRUPTED, None, ["interrupted"])
        stdout.seek(0)
        text = stdout.read()
    result: Optional[dict[str, Any]] = None
    if text.strip():
        try:
            parsed = json.loads(text)
        except json.JSONDecodeError:
            parsed = None
            for line in text.splitlines():
                print(log_line(line), file=log)
        if isinstance(parsed, dict):
            result = parsed
    return CliRun(exit_code, result, errors)


# --- what the result says ----------------------------------------------------------------------------


def _key_names(result: Mapping[str, Any]) -> list[str]:
    keys = result.get("issueKeys")
    if keys is None:
        keys = result.get("keys", [])
    names: list[str] = []
    for key in keys if isinstance(keys, list) else []:
        name = key.get("key") if isinstance(key, dict) else key
        if isinstance(name, str) and name not in names:
            names.append(name)
    return names


def _list(result: Mapping[str, Any], name: str) -> list[Any]:
    value = result.get(name)
    return value if isinstance(value, list) else []


def step_outputs(run: CliRun) -> dict[str, str]:
    """The action's outputs for a CLI run (empty strings for what the run did not say)."""
    result = run.result or {}
    gate = result.get("gateStatus")
    return {
        "issue-keys": ",".join(_key_names(result)),
        "accepted": str(len(_list(result, "accepted"))),
        "rejected": str(len(_list(result, "rejected"))),
        "unknown-issue-keys": ",".join(str(key) for key in _list(result, "unknownIssueKeys")),
        "gate-status": gate if isinstance(gate, str) else "",
        "skipped": str(result.get("skipped") or ""),
        "exit-code": str(run.exit_code),
        "result-json": json.dumps(result, separators=(",", ":"), ensure_ascii=False) if run.result else "",
    }


def write_outputs(path: str, outputs: Mapping[str, str]) -> None:
    """Append ``outputs`` to the step's GITHUB_OUTPUT file (multi-line values in the heredoc form)."""
    with open(path, "a", encoding="utf-8") as file:
        for name, value in outputs.items():
            if "\n" in value or "\r" in value:
                delimiter = f"ghadelimiter_{uuid.uuid4()}"
                file.write(f"{name}<<{delimiter}\n{value}\n{delimiter}\n")
            else:
                file.write(f"{name}={value}\n")


@dataclass(frozen=True)
class ReportedItem:
    """One build or deployment the CLI sent (or would send), with Jira's answer to it."""

    api: str
    name: str
    url: str
    state: str
    environment: str
    keys: tuple[str, ...]
    outcome: str  # accepted | rejected | not sent | outboxed | no answer
    reasons: tuple[str, ...] = ()


def reported_items(result: Mapping[str, Any]) -> list[ReportedItem]:
    """Every item the CLI sent, with Jira's answer to it, as the result's ``items`` lists them."""
    return [ReportedItem(api=str(item.get("api") or ""), name=str(item.get("name") or item.get("key") or ""),
                         url=str(item.get("url") or ""), state=str(item.get("state") or ""),
                         environment=str(item.get("environment") or ""),
                         keys=tuple(str(key) for key in item.get("issueKeys") or []),
                         outcome=str(item.get("outcome") or "no answer"),
                         reasons=tuple(str(reason) for reason in item.get("reasons") or []))
            for item in _list(result, "items") if isinstance(item, dict)]


# --- the job summary ---------------------------------------------------------------------------------

_MARKDOWN_SPECIAL = "\\`*_[]<>|"


def markdown_text(text: str) -> str:
    """``text`` shown literally in a markdown table cell."""
    escaped = "".join("\\" + char if char in _MARKDOWN_SPECIAL else char for char in text)
    return " ".join(escaped.split())


def markdown_link(text: str, url: str) -> str:
    """A link when ``url`` is http(s), else the plain text."""
    if url.startswith(("https://", "http://")) and not any(char in url for char in " ()<>\n"):
        return f"[{markdown_text(text)}]({url})"
    return markdown_text(text)


def site_url(environ: Mapping[str, str]) -> Optional[str]:
    """The Jira site's URL for issue links (the first site, when several are reported to), if valid."""
    raw = environ.get("JIRA_SITE", "").split(",")[0].strip()
    if not raw:
        return None
    from jira_devops.jira.sites import normalise_site  # noqa: PLC0415

    try:
        return normalise_site(raw)
    except ConfigError:
        return None


_OUTCOME_MARK = {"accepted": "✅ accepted", "rejected": "❌ rejected", "not sent": "dry run: not sent",
                 "outboxed": "⚠️ kept in the outbox", "no answer": "⚠️ no answer"}


def summary_markdown(command: str, run: CliRun, site: Optional[str]) -> str:
    """The job summary of one run: a heading, a table of what was reported, and what went wrong."""
    result = run.result or {}
    items = reported_items(result)
    status = "✅" if run.exit_code == ExitCode.OK else "❌"
    lines = [f"### {status} jira-devops {markdown_text(command)}", ""]

    unknown = [str(key) for key in _list(result, "unknownIssueKeys")]

    def key_link(key: str) -> str:
        if key in unknown:
            return f"{markdown_text(key)} (unknown)"
        return markdown_link(key, f"{site}/browse/{quote(key)}") if site else markdown_text(key)

    if items:
        deploy = any(item.api == "deployments" for item in items)
        header = ["Item", *(["Environment"] if deploy else []), "State", "Issue keys", "Jira"]
        lines.append("| " + " | ".join(header) + " |")
        lines.append("|" + "---|" * len(header))
        for item in items:
            outcome = _OUTCOME_MARK[item.outcome]
            if item.reasons:
                outcome += ": " + markdown_text("; ".join(item.reasons))
            cells = [markdown_link(item.name, item.url),
                     *([markdown_text(item.environment)] if deploy else []),
                     markdown_text(item.state),
                     ", ".join(key_link(key) for key in item.keys) or "(none)",
                     outcome]
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    elif result.get("skipped"):
        lines += [f"Nothing sent: {markdown_text(str(result['skipped']))}.", ""]
    keys = _key_names(result)
    if keys and not items:
        lines += ["Issue keys: " + ", ".join(key_link(key) for key in keys), ""]
    if unknown:
        lines += ["Jira does not know: " + ", ".join(markdown_text(key) for key in unknown), ""]
    gate = result.get("gateStatus")
    if isinstance(gate, str) and gate:
        lines += [f"Gate: **{markdown_text(gate)}**", ""]
    requests = [markdown_link(str(detail.get("issueKey") or "change request"), str(detail.get("issueLink") or ""))
                for detail in [*_list(result, "gateDetails"), *_list(result, "details")]
                if isinstance(detail, dict) and detail.get("issueKey")]
    if requests:
        lines += ["Change requests: " + ", ".join(requests), ""]
    for error in run.errors:
        lines += [f"Error: {markdown_text(error)}", ""]
    if run.exit_code != ExitCode.OK and not run.errors:
        lines += [f"Exit code {run.exit_code}.", ""]
    return "\n".join(lines) + "\n"


def log_summary(run: CliRun) -> list[str]:
    """The lines the step log shows after the CLI ran: what Jira did with each item."""
    lines: list[str] = []
    result = run.result or {}
    for item in reported_items(result):
        keys = ", ".join(item.keys) or "no keys"
        reasons = f": {'; '.join(item.reasons)}" if item.reasons else ""
        where = f" to {item.environment}" if item.environment else ""
        lines.append(f"{item.outcome}: {item.name}{where} ({item.state}; {keys}){reasons}")
    if result.get("skipped"):
        lines.append(f"nothing sent: {result['skipped']}")
    elif not lines and _key_names(result):
        lines.append("issue keys: " + ", ".join(_key_names(result)))
    gate = result.get("gateStatus")
    if isinstance(gate, str) and gate:
        lines.append(f"gate: {gate}")
    return lines


def rejection_annotations(run: CliRun) -> list[str]:
    """A warning annotation per item Jira rejected, with its reasons."""
    return [annotation("warning", f"Jira rejected {item.name}: {'; '.join(item.reasons) or 'no reason given'}")
            for item in reported_items(run.result or {}) if item.outcome == "rejected"]


# --- the step ----------------------------------------------------------------------------------------


def _print_all(lines: Iterable[str], log: TextIO) -> None:
    for line in lines:
        print(line, file=log, flush=True)


def _tolerant(stream: TextIO) -> TextIO:
    """``stream`` set to escape what its encoding cannot show (a cp1252 console) instead of raising."""
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is not None:
        reconfigure(errors="backslashreplace")
    return stream


def _print_defused(lines: Iterable[str], log: TextIO) -> None:
    _print_all((one_line(line) for line in lines), log)


def main(environ: Optional[Mapping[str, str]] = None, log: Optional[TextIO] = None) -> int:
    """Run the action's step in ``environ`` (default: this process's); returns the exit code."""
    environ = os.environ if environ is None else environ
    out = log or _tolerant(sys.stdout)
    command = environ.get(input_env_name("command"), "").strip()
    env: dict[str, str] = dict(environ)
    _print_all((f"::add-mask::{escape_data(secret)}" for secret in secrets_to_mask(environ)), out)
    try:
        env = settings_environment(environ)
        if not command:
            raise ConfigError("input command is empty", hint=f"use one of {', '.join(COMMANDS)}")
        arguments = cli_arguments(command)
    except JiraDevopsError as error:
        print(annotation("error", error.one_line()), file=out)
        run = CliRun(error.exit_code, None, [error.one_line()])
    else:
        print(f"jira-devops {' '.join(arguments)}", file=out, flush=True)
        run = run_cli(arguments, env, out)
        _print_defused(log_summary(run), out)
        _print_all(rejection_annotations(run), out)
    output_path = environ.get("GITHUB_OUTPUT")
    if output_path:
        write_outputs(output_path, step_outputs(run))
    summary_path = environ.get("GITHUB_STEP_SUMMARY")
    if summary_path:
        with open(summary_path, "a", encoding="utf-8") as file:
            file.write(summary_markdown(command or "(none)", run, site_url(env)))
    return run.exit_code


if __name__ == "__main__":
    sys.exit(main())
