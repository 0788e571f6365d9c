"""Settings: one name per setting, read from flags, the environment and ``.jira-devops.yml``.

Every setting is declared once in :data:`OPTIONS`. From that one declaration come its command-line flag
(``--client-id``), its environment variable (``JIRA_CLIENT_ID``), its YAML key (``client_id``), the
README table, and the names the GitHub Action and the Jenkins steps use. Precedence is
flag > environment > file > CI detection > default; CI detection and defaults are applied by the code that
builds payloads, so a :class:`Settings` value of ``None`` means "nobody said".

This module imports only the standard library (YAML is imported when a file is read), so ``--help`` and
``--version`` stay fast.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Optional

from jira_devops.errors import ConfigError

CONFIG_FILE_NAME = ".jira-devops.yml"
DEFAULT_API_URL = "https://api.atlassian.com"


@dataclass(frozen=True)
class Option:
    """The declaration of one setting and all the names it goes by."""

    name: str
    kind: str  # str | int | bool | list | duration
    help: str
    groups: tuple[str, ...]
    env: Optional[str] = None
    metavar: Optional[str] = None
    choices: Optional[tuple[str, ...]] = None
    secret: bool = False
    in_file: bool = True
    on_command_line: bool = True
    short: Optional[str] = None
    action_name: Optional[str] = None
    jenkins_name: Optional[str] = None
    wrapper_inverted: bool = False  # the wrappers' input means the opposite (fail-on-error vs no-fail)

    @property
    def flag(self) -> str:
        """The long command-line flag."""
        return "--" + self.name.replace("_", "-")

    @property
    def env_var(self) -> str:
        """The environment variable; ``JIRA_DEVOPS_<NAME>`` unless declared otherwise."""
        return self.env or "JIRA_DEVOPS_" + self.name.upper()

    @property
    def action_input(self) -> str:
        """The GitHub Action input name (plural where the action takes a list in one input)."""
        return self.action_name or self.name.replace("_", "-")

    @property
    def jenkins_parameter(self) -> str:
        """The Jenkins step parameter name (the names Atlassian's plugin used, where it had one)."""
        if self.jenkins_name:
            return self.jenkins_name
        head, *rest = self.name.split("_")
        return head + "".join(part.capitalize() for part in rest)


# Groups: "connection" (every command that talks to Jira), "output", "report" (build and deploy),
# "build", "deploy", "keys" (issue-key discovery), "history" (deploy history), "gate", "outbox", "ci",
# "view" (json/quiet/debug for commands that only look or delete), "build-id" and "deploy-id" (which
# stored build or deployment a command means), "delete" (delete by properties).
_CONN = ("connection",)
_REPORT = ("report",)
_KEYS = ("keys",)

OPTIONS: tuple[Option, ...] = (
    # --- connection -----------------------------------------------------------------------------------
    Option("site", "str", "Jira site: 'acme', 'acme.atlassian.net' or its URL", _CONN, env="JIRA_SITE",
           metavar="SITE"),
    Option("cloud_id", "str", "Jira cloud ID; skips the tenant_info lookup", _CONN, env="JIRA_CLOUD_ID",
           metavar="UUID"),
    Option("client_id", "str", "OAuth client ID of the site's OAuth credentials", _CONN,
           env="JIRA_CLIENT_ID", metavar="ID"),
    Option("client_secret", "str", "OAuth client secret (environment only, never a flag)", _CONN,
           env="JIRA_CLIENT_SECRET", secret=True, in_file=False, on_command_line=False),
    Option("client_secret_file", "str", "read the OAuth client secret from this file", _CONN,
           env="JIRA_CLIENT_SECRET_FILE", metavar="PATH"),
    Option("api_url", "str", f"API base URL for the token and DevOps endpoints (default {DEFAULT_API_URL})",
           _CONN, metavar="URL"),
    Option("timeout", "duration", "give up on Jira after this long, retries included (default 60s)",
           _CONN, metavar="DURATION"),
    Option("token_cache", "bool", "cache the access token between invocations (default on)", _CONN),
    Option("cache_dir", "str", "where the token cache lives (default: the user's cache dir)", _CONN,
           metavar="DIR"),
    Option("outbox", "str", "folder keeping reports that could not be delivered (default: the user's state "
           "dir; 'off' for none)", (*_CONN, "outbox"), metavar="DIR"),
    # --- output ---------------------------------------------------------------------------------------
    Option("dry_run", "bool", "print the request bodies that would be sent; touch no network", ("output",)),
    Option("json", "bool", "print the result as one JSON object", ("output", "view")),
    Option("quiet", "bool", "print errors only", ("output", "view"), short="-q"),
    Option("debug", "bool", "log requests and responses (secrets redacted); show tracebacks",
           ("output", "view")),
    Option("no_fail", "bool", "exit 0 even when Jira rejects, refuses or cannot be reached", ("output",),
           action_name="fail-on-error", jenkins_name="failOnError", wrapper_inverted=True),
    Option("ci", "str", "use this CI provider's variables instead of detecting one ('generic': none)",
           ("ci",), metavar="NAME"),
    # --- report (build and deploy) --------------------------------------------------------------------
    Option("state", "str", "state to report; CI words (success, failure, aborted, ...) are mapped",
           _REPORT, metavar="STATE"),
    Option("pipeline_id", "str", "stable pipeline ID (default: from the CI, else the repository)",
           (*_REPORT, "build-id", "deploy-id"), metavar="ID"),
    Option("pipeline_name", "str", "pipeline display name", _REPORT, metavar="NAME"),
    Option("display_name", "str", "display name of this build or deployment", _REPORT, metavar="TEXT"),
    Option("url", "str", "link to this run in the CI", _REPORT, metavar="URL"),
    Option("description", "str", "description of this build or deployment", _REPORT, metavar="TEXT"),
    Option("label", "str", "label, e.g. the version", _REPORT, metavar="TEXT"),
    Option("commit", "str", "commit SHA that was built or deployed (default: HEAD)", (*_REPORT, *_KEYS),
           metavar="SHA"),
    Option("branch", "str", "branch that was built (default: from the CI, else git)", (*_REPORT, *_KEYS),
           metavar="NAME"),
    Option("repository_url", "str", "repository URL for commit references", _REPORT, metavar="URL"),
    Option("property", "list", "k=v property to attach (at most 5); lets you delete by property",
           (*_REPORT, "delete"), metavar="K=V"),
    # --- build ----------------------------------------------------------------------------------------
    Option("build_number", "int", "build number (default: the CI's run number)", ("build", "build-id"),
           metavar="N"),
    Option("tests_total", "int", "total number of tests", ("build",), metavar="N"),
    Option("tests_passed", "int", "number of tests passed", ("build",), metavar="N"),
    Option("tests_failed", "int", "number of tests failed", ("build",), metavar="N"),
    Option("tests_skipped", "int", "number of tests skipped", ("build",), metavar="N"),
    Option("junit", "list", "JUnit XML files (glob) to count tests from", ("build",), metavar="GLOB"),
    # --- deploy ---------------------------------------------------------------------------------------
    Option("environment", "str", "environment name, e.g. production", ("deploy", "history", "deploy-id"),
           short="-e", metavar="NAME"),
    Option("environment_id", "str", "stable environment ID (default: a slug of the name)",
           ("deploy", "history", "gate", "deploy-id"), metavar="ID"),
    Option("environment_type", "str", "environment type (default: inferred from the name)", ("deploy",),
           choices=("unmapped", "development", "testing", "staging", "production"), metavar="TYPE"),
    Option("deployment_number", "int", "deployment sequence number (default: the CI's run number)",
           ("deploy", "gate", "deploy-id"), metavar="N"),
    Option("duration", "int", "how long the deployment took, in seconds", ("deploy",), metavar="SECONDS"),
    Option("service_id", "list", "Jira Service Management service ID or key to associate (repeatable)",
           ("deploy",), metavar="ID", action_name="service-ids", jenkins_name="serviceIds"),
    # --- gate -----------------------------------------------------------------------------------------
    Option("gate", "bool", "ask Jira for deployment gating and wait for its decision", ("deploy",),
           jenkins_name="enableGating"),
    Option("gate_timeout", "duration", "how long to wait for a gate decision (default 30m)",
           ("deploy", "gate"), metavar="DURATION"),
    Option("gate_poll", "duration", "how often to poll the gate (default 10s)", ("deploy", "gate"),
           metavar="DURATION"),
    # --- issue keys -----------------------------------------------------------------------------------
    Option("issue_key", "list", "issue key to associate (repeatable, or comma-separated)", _KEYS,
           short="-k", metavar="KEY", action_name="issue-keys", jenkins_name="issueKeys"),
    Option("project", "list", "keep only keys of this Jira project (repeatable)", _KEYS, metavar="KEY",
           action_name="project-keys", jenkins_name="projectKeys"),
    Option("ignore_case", "bool", "also match lower-case keys (upper-cased before sending)", _KEYS),
    Option("key_pattern", "str", "regular expression for issue keys (one group or the whole match)", _KEYS,
           metavar="REGEX"),
    Option("branch_keys", "bool", "look for keys in the branch name (default on)", _KEYS),
    Option("commit_keys", "bool", "look for keys in commit messages (default on)", _KEYS),
    Option("title_keys", "bool", "look for keys in the PR/MR title (default on)", _KEYS),
    Option("range", "str", "commit range A..B whose messages are searched", _KEYS, metavar="A..B"),
    Option("since", "str", "search commit messages from REF (exclusive) to HEAD; 'last-deploy' too",
           _KEYS, metavar="REF"),
    Option("since_tag", "str", "search from the newest tag matching this glob before HEAD", _KEYS,
           metavar="GLOB"),
    Option("max_commits", "int", "read at most this many commits (default 5000)", _KEYS, metavar="N"),
    Option("deepen", "bool", "in a shallow clone, fetch just enough history to reach the base", _KEYS),
    Option("repo", "str", "path of the git repository (default: the current directory)", _KEYS,
           metavar="PATH"),
    # --- deploy history -------------------------------------------------------------------------------
    Option("history", "str", "where the last deployed commit comes from", ("history",),
           choices=("auto", "git-ref", "github", "ci"), metavar="NAME"),
    Option("record", "bool", "record the deployed commit as a git ref after success (default on)",
           ("history",)),
    Option("remote", "str", "git remote for deploy markers (default origin)", ("history",), metavar="NAME"),
    Option("ref_prefix", "str", "ref prefix for deploy markers (default refs/jira-devops/deploys)",
           ("history",), metavar="REF"),
    Option("first_deploy_depth", "int", "on a first deploy, search this many commits (default 1)",
           ("history",), metavar="N"),
    Option("github_token", "str", "GitHub token for the deployments API history", ("history",),
           env="GITHUB_TOKEN", secret=True, in_file=False, on_command_line=False),
)

OPTIONS_BY_NAME: dict[str, Option] = {option.name: option for option in OPTIONS}
FILE_KEYS: tuple[str, ...] = (*tuple(option.name for option in OPTIONS if option.in_file), "config")


@dataclass(frozen=True)
class Settings:
    """The resolved settings of one invocation; ``None`` means nobody set it.

    ``sources`` says where each given value came from (``flag``, ``env``, or ``file:LINE``), which error
    messages use to point at the right place.
    """

    site: Optional[str] = None
    cloud_id: Optional[str] = None
    client_id: Optional[str] = None
    client_secret: Optional[str] = field(default=None, repr=False)
    client_secret_file: Optional[str] = None
    api_url: Optional[str] = None
    timeout: Optional[float] = None
    token_cache: Optional[bool] = None
    cache_dir: Optional[str] = None
    outbox: Optional[str] = None
    dry_run: Optional[bool] = None
    json: Optional[bool] = None
    quiet: Optional[bool] = None
    debug: Optional[bool] = None
    no_fail: Optional[bool] = None
    ci: Optional[str] = None
    state: Optional[str] = None
    pipeline_id: Optional[str] = None
    pipeline_name: Optional[str] = None
    display_name: Optional[str] = None
    url: Optional[str] = None
    description: Optional[str] = None
    label: Optional[str] = None
    commit: Optional[str] = None
    branch: Optional[str] = None
    repository_url: Optional[str] = None
    property: Optional[tuple[str, ...]] = None
    build_number: Optional[int] = None
    tests_total: Optional[int] = None
    tests_passed: Optional[int] = None
    tests_failed: Optional[int] = None
    tests_skipped: Optional[int] = None
    junit: Optional[tuple[str, ...]] = None
    environment: Optional[str] = None
    environment_id: Optional[str] = None
    environment_type: Optional[str] = None
    deployment_number: Optional[int] = None
    duration: Optional[int] = None
    service_id: Optional[tuple[str, ...]] = None
    gate: Optional[bool] = None
    gate_timeout: Optional[float] = None
    gate_poll: Optional[float] = None
    issue_key: Optional[tuple[str, ...]] = None
    project: Optional[tuple[str, ...]] = None
    ignore_case: Optional[bool] = None
    key_pattern: Optional[str] = None
    branch_keys: Optional[bool] = None
    commit_keys: Optional[bool] = None
    title_keys: Optional[bool] = None
    range: Optional[str] = None
    since: Optional[str] = None
    since_tag: Optional[str] = None
    max_commits: Optional[int] = None
    deepen: Optional[bool] = None
    repo: Optional[str] = None
    history: Optional[str] = None
    record: Optional[bool] = None
    remote: Optional[str] = None
    ref_prefix: Optional[str] = None
    first_deploy_depth: Optional[int] = None
    github_token: Optional[str] = field(default=None, repr=False)
    config_path: Optional[str] = None
    sources: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)

    def source_of(self, name: str) -> str:
        """Where the value of setting ``name`` came from, for error messages."""
        return self.sources.get(name, "default")

    def describe_source(self, name: str) -> str:
        """A human phrase naming the flag, variable or file line that set ``name``."""
        option = OPTIONS_BY_NAME.get(name)
        source = self.source_of(name)
        if option is None:
            return name
        if source == "flag":
            return option.flag
        if source == "env":
            return option.env_var
        if source.startswith("file"):
            return f"{name} in {self.config_path}{source[4:]}"
        return option.flag


SETTING_NAMES: frozenset[str] = frozenset(f.name for f in fields(Settings)) - {"sources", "config_path"}


# --- value parsing -----------------------------------------------------------------------------------

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$")
_DURATION_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, None: 1.0}
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def parse_duration(text: str) -> float:
    """Seconds in a duration such as ``90``, ``45s``, ``30m``, ``1.5h`` or ``500ms``."""
    match = _DURATION.match(text)
    if not match:
        raise ValueError(f"expected a duration such as 90s, 30m or 1h, got {text!r}")
    return float(match.group(1)) * _DURATION_UNITS[match.group(2)]


def _split_list(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[,\n]", text) if part.strip()]


def convert(option: Option, raw: Any) -> Any:
    """Convert a raw value from the environment, a file or a flag to the option's kind.

    Raises ``ValueError`` with a short reason (the caller adds where the value came from).
    """
    kind = option.kind
    if kind == "bool":
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise ValueError(f"expected true or false, got {raw!r}")
    if kind == "list":
        items: list[str] = []
        values = raw if isinstance(raw, (list, tuple)) else [raw]
        for value in values:
            if isinstance(value, (dict, list)) or value is None:
                raise ValueError(f"expected a list of strings, got {raw!r}")
            items.extend(_split_list(str(value)))
        return tuple(items)
    if isinstance(raw, (dict, list, tuple)):
        raise ValueError(f"expected a single value, got {type(raw).__name__}")
    if kind == "int":
        if isinstance(raw, bool):
            raise ValueError(f"expected a whole number, got {raw!r}")
        try:
            return int(str(raw).strip())
        except ValueError:
            raise ValueError(f"expected a whole number, got {raw!r}") from None
    if kind == "duration":
        if isinstance(raw, (int, float)) and not isinstance(raw, bool):
            if raw < 0:
                raise ValueError(f"expected a duration of 0 or more, got {raw!r}")
            return float(raw)
        return parse_duration(str(raw).strip())
    text = str(raw)
    if option.choices is not None and text not in option.choices:
        raise ValueError(f"expected one of {', '.join(option.choices)}, got {raw!r}")
    return text


# --- the configuration file --------------------------------------------------------------------------


def find_config_file(start: Optional[Path] = None) -> Optional[Path]:
    """The nearest ``.jira-devops.yml`` from ``start`` up to the repository root (the folder with .git)."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / CONFIG_FILE_NAME
        if candidate.is_file():
            return candidate
        if (folder / ".git").exists():
            return None
    return None


def read_config_file(path: Path) -> dict[str, tuple[Any, int]]:
    """Read a config file into ``{key: (value, line)}``; a clear :class:`ConfigError` for any flaw."""
    import yaml  # noqa: PLC0415 - keep YAML out of start-up for commands that need no file

    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"config file {path} does not exist", hint="fix --config or remove it") from None
    except UnicodeDecodeError:
        raise ConfigError(f"config file {path} is not UTF-8 text") from None
    except OSError as error:
        raise ConfigError(f"cannot read config file {path}: {error.strerror}") from None
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or "invalid YAML"
        raise ConfigError(f"{path}{where}: {problem}", hint="fix the YAML syntax") from None
    if root is None:
        return {}
    if not isinstance(root, yaml.MappingNode):
        raise ConfigError(f"{path}:{root.start_mark.line + 1}: expected a mapping of setting: value")
    result: dict[str, tuple[Any, int]] = {}
    for key_node, value_node in root.value:
        line = key_node.start_mark.line + 1
        key = str(key_node.value)
        normalised = key.replace("-", "_")
        if normalised not in FILE_KEYS:
            raise ConfigError(f"{path}:{line}: unknown setting {key!r}{_did_you_mean(normalised)}")
        value = yaml.safe_load(yaml.serialize(value_node)) if value_node is not None else None
        result[normalised] = (value, line)
    return result


def _did_you_mean(key: str) -> str:
    secret_hint = {
        "client_secret": " (the secret is never read from the file: use JIRA_CLIENT_SECRET or client_secret_file)",
        "github_token": " (tokens are never read from the file: use GITHUB_TOKEN)",
    }
    if key in secret_hint:
        return secret_hint[key]
    close = difflib.get_close_matches(key, FILE_KEYS, n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


# --- resolution --------------------------------------------------------------------------------------


def load_settings(
    flags: Mapping[str, Any],
    environ: Optional[Mapping[str, str]] = None,
    *,
    config: Optional[str] = None,
    cwd: Optional[Path] = None,
    names: Optional[Sequence[str]] = None,
) -> Settings:
    """Resolve settings: flag > environment > config file. Later stages apply CI and defaults.

    ``flags`` holds only the flags the user gave (already converted). ``names`` limits resolution to the
    settings a command uses; the others stay ``None``.
    """
    env = os.environ if environ is None else environ
    wanted = set(names) if names is not None else set(OPTIONS_BY_NAME)
    config_name = config or env.get("JIRA_DEVOPS_CONFIG") or None
    if config_name:
        config_path: Optional[Path] = Path(config_name)
    else:
        config_path = find_config_file(cwd)
    file_values = read_config_file(config_path) if config_path is not None else {}

    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for option in OPTIONS:
        if option.name not in wanted:
            continue
        if option.name in flags and flags[option.name] is not None:
            values[option.name] = flags[option.name]
            sources[option.name] = "flag"
            continue
        raw_env = env.get(option.env_var)
        if raw_env is not None and raw_env.strip() != "":
            values[option.name] = _convert_or_fail(option, raw_env, option.env_var)
            sources[option.name] = "env"
            continue
        if option.name in file_values:
            raw, line = file_values[option.name]
            if raw is None:
                continue
            values[option.name] = _convert_or_fail(option, raw, f"{config_path}:{line}: {option.name}")
            sources[option.name] = f"file:{line}"
    return Settings(
        **values,
        config_path=str(config_path) if config_path is not None else None,
        sources=sources,
    )


def _convert_or_fail(option: Option, raw: Any, where: str) -> Any:
    try:
        return convert(option, raw)
    except ValueError as error:
        raise ConfigError(f"{where}: {error}") from None


def options_in(groups: Sequence[str]) -> list[Option]:
    """The options that belong to any of ``groups``, in declaration order."""
    wanted = set(groups)
    return [option for option in OPTIONS if wanted.intersection(option.groups)]


def markdown_table() -> str:
    """The README's settings table, generated from :data:`OPTIONS` so the two cannot drift."""
    rows = [
        "| setting | flag | environment | `.jira-devops.yml` | action input | Jenkins parameter | meaning |",
        "|---|---|---|---|---|---|---|",
    ]
    for option in OPTIONS:
        flag = f"`{option.flag}`" if option.on_command_line else "(none)"
        key = f"`{option.name}`" if option.in_file else "(none)"
        inverted = " (inverted)" if option.wrapper_inverted else ""
        rows.append(
            f"| {option.name} | {flag} | `{option.env_var}` | {key} | `{option.action_input}`{inverted} "
            f"| `{option.jenkins_parameter}`{inverted} | {option.help} |"
        )
    return "\n".join(rows)
