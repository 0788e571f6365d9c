"""Settings: one name per setting, read from flags, the environment and ``.jira-devops.yml``.

Every setting is declared once, as a field of :class:`Settings` made with :func:`_setting`: its value
type, default, help text and whether the repository's own file may set it. From that one declaration come
its command-line flag (``--client-id``), its environment variable (``JIRA_CLIENT_ID``), its YAML key
(``client_id``), the README table, and the names the GitHub Action and the Jenkins steps use (see
:data:`OPTIONS`). Precedence is flag > environment > file > default. A setting whose default depends on
the CI or the machine (the pipeline ID, the cache folder, ...) is declared without one: ``None`` then
means "nobody said" and the code that knows the CI or the machine fills it in.

Trust: the ``.jira-devops.yml`` found in the checkout is written by whoever wrote the code being built (a
fork's pull request, say). It may shape a report, but never choose where credentials go, which files are
read as secrets, where the tool writes, or what runs: such settings (``repository_file=False``) are
ignored there with a warning. A file the user names with ``--config`` or ``JIRA_DEVOPS_CONFIG`` is
trusted like the environment.

This module imports only the standard library (YAML is imported when a file is read), so ``--help`` and
``--version`` stay fast.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any, Literal, Optional

from jira_devops.errors import ConfigError

CONFIG_FILE_NAME = ".jira-devops.yml"
DEFAULT_API_URL = "https://api.atlassian.com"
DEFAULT_DEPLOY_REF_PREFIX = "refs/jira-devops/deploys"

ValueType = Literal["str", "int", "bool", "list", "duration"]
RepositoryFile = Literal["yes", "no", "relative paths"]


@dataclass(frozen=True)
class Option:
    """The declaration of one setting and all the names it goes by."""

    name: str
    value_type: ValueType
    summary: str
    groups: tuple[str, ...]
    default: Any = None
    default_text: Optional[str] = None  # the default in words, where it depends on the CI or the machine
    env: Optional[str] = None
    metavar: Optional[str] = None
    choices: Optional[tuple[str, ...]] = None
    secret: bool = False
    in_file: bool = True
    repository_file: RepositoryFile = "yes"
    on_command_line: bool = True
    short: Optional[str] = None
    action_name: Optional[str] = None
    jenkins_name: Optional[str] = None
    wrapper_inverted: bool = False  # the wrappers' input means the opposite (fail-on-error vs no-fail)

    @property
    def help(self) -> str:
        """The one-line help: the summary and the default."""
        default = self.default_text or _describe_default(self)
        return f"{self.summary} (default {default})" if default else self.summary

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


def _describe_default(option: Option) -> Optional[str]:
    value = option.default
    if value is None or option.value_type == "list":
        return None
    if option.value_type == "bool":
        return "on" if value else "off"
    if option.value_type == "duration":
        for unit, seconds in (("h", 3600), ("m", 60)):
            if value >= seconds and value % seconds == 0:
                return f"{int(value // seconds)}{unit}"
        return f"{value:g}s"
    return str(value)


def _setting(value_type: ValueType, summary: str, groups: tuple[str, ...], default: Any = None,
             **names: Any) -> Any:
    """Declare a setting: a dataclass field of :class:`Settings` carrying everything :class:`Option` says."""
    declaration = {"value_type": value_type, "summary": summary, "groups": groups, "default": default, **names}
    return field(default=default, repr=not names.get("secret", False), metadata={"option": declaration})


# Groups: "connection" (every command that talks to Jira), "output", "report" (build and deploy),
# "build", "deploy", "keys" (issue-key discovery), "history" (deploy history), "gate", "outbox", "ci",
# "view" (json/quiet/debug for commands that only look or delete), "build-id" and "deploy-id" (which
# stored build or deployment a command means), "delete" (delete by properties), "dev" (development
# information), "dev-id" (which stored repository), "flag" (report-flag), "flag-id" (which stored flag).
_CONN = ("connection",)
_REPORT = ("report",)
_KEYS = ("keys",)
_HISTORY = ("history",)
# Where the secret goes, where files are read or written, what runs: never from the repository's own file.
_TRUSTED_ONLY: dict[str, Any] = {"repository_file": "no"}


@dataclass(frozen=True)
class Settings:
    """The resolved settings of one invocation: each field is one setting, declared here and nowhere else.

    ``sources`` says where each given value came from (``flag``, ``env``, or ``file:LINE``; missing means
    the default), which error messages use to point at the right place. ``warnings`` holds one line per
    setting the repository's own file tried to set but may not.
    """

    # --- connection -----------------------------------------------------------------------------------
    site: Optional[tuple[str, ...]] = _setting("list", "Jira site: 'acme', 'acme.atlassian.net' or its URL; several "
                                               "(comma-separated or repeated) are each reported to, with "
                                               "credentials named per site", _CONN, env="JIRA_SITE", metavar="SITE",
                                               **_TRUSTED_ONLY)
    cloud_id: Optional[str] = _setting("str", "Jira cloud ID; skips the tenant_info lookup", _CONN,
                                       env="JIRA_CLOUD_ID", metavar="UUID")
    client_id: Optional[str] = _setting("str", "OAuth client ID of the site's OAuth credentials", _CONN,
                                        env="JIRA_CLIENT_ID", metavar="ID")
    client_secret: Optional[str] = _setting("str", "OAuth client secret (environment only, never a flag)", _CONN,
                                            env="JIRA_CLIENT_SECRET", secret=True, in_file=False,
                                            on_command_line=False, **_TRUSTED_ONLY)
    client_secret_file: Optional[str] = _setting("str", "read the OAuth client secret from this file", _CONN,
                                                 env="JIRA_CLIENT_SECRET_FILE", metavar="PATH", **_TRUSTED_ONLY)
    api_url: str = _setting("str", "API base URL for the token and DevOps endpoints", _CONN, DEFAULT_API_URL,
                            metavar="URL", **_TRUSTED_ONLY)
    timeout: float = _setting("duration", "give up on Jira after this long, retries included", _CONN, 60.0,
                              metavar="DURATION")
    token_cache: bool = _setting("bool", "cache the access token between invocations", _CONN, True)
    cache_dir: Optional[str] = _setting("str", "where the token cache lives", _CONN,
                                        default_text="the user's cache folder", metavar="DIR", **_TRUSTED_ONLY)
    ca_bundle: Optional[str] = _setting("str", "PEM file (or folder) of CA certificates to trust besides the usual "
                                        "ones, for a TLS-inspecting proxy or a private CA", _CONN,
                                        metavar="PATH", **_TRUSTED_ONLY)
    outbox: Optional[str] = _setting("str", "folder keeping reports that could not be delivered ('off' for none)",
                                     (*_CONN, "outbox"), default_text="the user's state folder", metavar="DIR",
                                     **_TRUSTED_ONLY)
    # --- output ---------------------------------------------------------------------------------------
    dry_run: bool = _setting("bool", "print the request bodies that would be sent; touch no network",
                             ("output",), False)
    json: bool = _setting("bool", "print the result as one JSON object", ("output", "view"), False)
    quiet: bool = _setting("bool", "print errors only", ("output", "view"), False, short="-q")
    debug: bool = _setting("bool", "log requests and responses (secrets redacted); show tracebacks",
                           ("output", "view"), False)
    no_fail: bool = _setting("bool", "exit 0 even when Jira rejects, refuses or cannot be reached", ("output",),
                             False, action_name="fail-on-error", jenkins_name="failOnError", wrapper_inverted=True)
    ci: Optional[str] = _setting("str", "use this CI provider's variables instead of detecting one ('generic': none)",
                                 ("ci",), default_text="detected", metavar="NAME")
    # --- report (build and deploy) --------------------------------------------------------------------
    state: Optional[str] = _setting("str", "state to report; CI words (success, failure, aborted, ...) are mapped",
                                    _REPORT, metavar="STATE")
    pipeline_id: Optional[str] = _setting("str", "stable pipeline ID", (*_REPORT, "build-id", "deploy-id"),
                                          default_text="from the CI, else the repository", metavar="ID")
    pipeline_name: Optional[str] = _setting("str", "pipeline display name", _REPORT, metavar="NAME")
    display_name: Optional[str] = _setting("str", "display name of this build, deployment or flag",
                                           (*_REPORT, "flag"), metavar="TEXT")
    url: Optional[str] = _setting("str", "link to this run in the CI (report-flag: the flag's page)",
                                  (*_REPORT, "flag"), metavar="URL")
    description: Optional[str] = _setting("str", "description of this build or deployment", _REPORT,
                                          metavar="TEXT")
    label: Optional[str] = _setting("str", "label, e.g. the version", _REPORT, metavar="TEXT")
    commit: Optional[str] = _setting("str", "commit SHA that was built or deployed", (*_REPORT, *_KEYS),
                                     default_text="HEAD", metavar="SHA")
    branch: Optional[str] = _setting("str", "branch that was built", (*_REPORT, *_KEYS),
                                     default_text="from the CI, else git", metavar="NAME")
    tag: Optional[str] = _setting("str", "the tag this run is for: the keys in its annotation are read, and it is "
                                  "the default label", (*_REPORT, *_KEYS), default_text="the CI's tag ref",
                                  metavar="NAME")
    repository_url: Optional[str] = _setting("str", "repository URL for commit references and development "
                                             "information (a bare repository's web page)", (*_REPORT, "dev", "dev-id"),
                                             metavar="URL")
    property: Optional[tuple[str, ...]] = _setting("list", "k=v property to attach (at most 5; source=jira-devops "
                                                   "and pipeline=<ID> are added while there is room); lets you "
                                                   "delete by property", (*_REPORT, "dev", "flag", "delete"),
                                                   metavar="K=V")
    # --- build ----------------------------------------------------------------------------------------
    build_number: Optional[int] = _setting("int", "build number", ("build", "build-id"),
                                           default_text="the CI's run number", metavar="N")
    tests_total: Optional[int] = _setting("int", "total number of tests", ("build",), metavar="N")
    tests_passed: Optional[int] = _setting("int", "number of tests passed", ("build",), metavar="N")
    tests_failed: Optional[int] = _setting("int", "number of tests failed", ("build",), metavar="N")
    tests_skipped: Optional[int] = _setting("int", "number of tests skipped", ("build",), metavar="N")
    junit: Optional[tuple[str, ...]] = _setting("list", "JUnit XML files (glob) to count tests from", ("build",),
                                                metavar="GLOB", repository_file="relative paths")
    # --- deploy ---------------------------------------------------------------------------------------
    environment: Optional[str] = _setting("str", "environment name, e.g. production (report-flag: the flag's "
                                          "environments, comma-separated)",
                                          ("deploy", "history", "deploy-id", "flag"), short="-e", metavar="NAME")
    environment_id: Optional[str] = _setting("str", "stable environment ID", ("deploy", "history", "gate",
                                             "deploy-id"), default_text="a slug of the name", metavar="ID")
    environment_type: Optional[str] = _setting("str", "environment type", ("deploy",),
                                               default_text="inferred from the name",
                                               choices=("unmapped", "development", "testing", "staging",
                                                        "production"), metavar="TYPE")
    deployment_number: Optional[int] = _setting("int", "deployment sequence number", ("deploy", "gate", "deploy-id"),
                                                default_text="the CI's run number", metavar="N")
    duration: Optional[int] = _setting("int", "how long the deployment took, in seconds", ("deploy",),
                                       metavar="SECONDS")
    service_id: Optional[tuple[str, ...]] = _setting("list", "Jira Service Management service ID or key to "
                                                     "associate (repeatable)", ("deploy",), metavar="ID",
                                                     action_name="service-ids", jenkins_name="serviceIds")
    # --- gate -----------------------------------------------------------------------------------------
    gate: bool = _setting("bool", "ask Jira for deployment gating and wait for its decision", ("deploy",), False,
                          jenkins_name="enableGating")
    gate_timeout: float = _setting("duration", "how long to wait for a gate decision", ("deploy", "gate"),
                                   30 * 60.0, metavar="DURATION")
    gate_poll: float = _setting("duration", "how often to poll the gate", ("deploy", "gate"), 10.0,
                                metavar="DURATION")
    # --- development information --------------------------------------------------------------------
    repository_id: Optional[str] = _setting("str", "development information repository ID", ("dev-id",),
                                            default_text="from host and path of --repository-url or the remote",
                                            metavar="ID")
    commit_url_template: Optional[str] = _setting("str", "commit page URL with {sha} for a host jira-devops does "
                                                  "not know", ("dev",), metavar="URL")
    fork_of: Optional[str] = _setting("str", "ID of the repository this one is a fork of", ("dev",), metavar="ID")
    # --- feature flags --------------------------------------------------------------------------------
    flag_key: Optional[str] = _setting("str", "the feature flag's key, as the flag system names it",
                                       ("flag", "flag-id"), metavar="KEY")
    flag_id: Optional[str] = _setting("str", "the feature flag's ID", ("flag", "flag-id"),
                                      default_text="the key", metavar="ID")
    enabled: Optional[bool] = _setting("bool", "whether the flag is on (--enabled / --disabled)", ("flag",),
                                       default_text="on")
    default_value: Optional[str] = _setting("str", "the value the flag serves when no rule matches", ("flag",),
                                            metavar="VALUE")
    rollout_percentage: Optional[str] = _setting("str", "share of users the flag is rolled out to, 0-100",
                                                 ("flag",), metavar="PERCENT")
    rollout_text: Optional[str] = _setting("str", "rollout in words, e.g. 'beta testers'", ("flag",),
                                           metavar="TEXT")
    # --- issue keys -----------------------------------------------------------------------------------
    issue_key: Optional[tuple[str, ...]] = _setting("list", "issue key to associate (repeatable, or "
                                                    "comma-separated)", (*_KEYS, "flag"), short="-k", metavar="KEY",
                                                    action_name="issue-keys", jenkins_name="issueKeys")
    project: Optional[tuple[str, ...]] = _setting("list", "keep only keys of this Jira project (repeatable)",
                                                  _KEYS, metavar="KEY", action_name="project-keys",
                                                  jenkins_name="projectKeys")
    ignore_case: bool = _setting("bool", "also match lower-case keys (upper-cased before sending)", _KEYS, False)
    key_pattern: Optional[str] = _setting("str", "regular expression for issue keys (one group or the whole "
                                          "match)", _KEYS, default_text="Jira's rule", metavar="REGEX")
    branch_keys: bool = _setting("bool", "look for keys in the branch name", _KEYS, True)
    commit_keys: bool = _setting("bool", "look for keys in commit messages", _KEYS, True)
    title_keys: bool = _setting("bool", "look for keys in the PR/MR title", _KEYS, True)
    range: Optional[str] = _setting("str", "commit range A..B whose messages are searched", _KEYS,
                                    metavar="A..B")
    since: Optional[str] = _setting("str", "search commit messages from REF (exclusive) to HEAD; 'last-deploy' "
                                    "too", _KEYS, metavar="REF")
    since_tag: Optional[str] = _setting("str", "search from the newest tag matching this glob before HEAD",
                                        _KEYS, metavar="GLOB")
    max_commits: int = _setting("int", "read at most this many commits", _KEYS, 5000, metavar="N")
    deepen: bool = _setting("bool", "in a shallow clone, fetch just enough history to reach the base", _KEYS,
                            True)
    repo: Optional[str] = _setting("str", "path of the git repository", _KEYS,
                                   default_text="the current directory", metavar="PATH", **_TRUSTED_ONLY)
    # --- deploy history -------------------------------------------------------------------------------
    history: str = _setting("str", "where the last deployed commit comes from", _HISTORY, "auto",
                            choices=("auto", "git-ref", "github", "ci"), metavar="NAME")
    # Tri-state on purpose: recording is on unless turned off, and asking for it makes its problems warnings.
    record: Optional[bool] = _setting("bool", "record the deployed commit as a git ref after success", _HISTORY,
                                      default_text="on", **_TRUSTED_ONLY)
    remote: str = _setting("str", "git remote for deploy markers", _HISTORY, "origin", metavar="NAME",
                           **_TRUSTED_ONLY)
    ref_prefix: str = _setting("str", "ref prefix for deploy markers", _HISTORY, DEFAULT_DEPLOY_REF_PREFIX,
                               metavar="REF", **_TRUSTED_ONLY)
    first_deploy_depth: int = _setting("int", "on a first deploy, search this many commits", _HISTORY, 1,
                                       metavar="N")
    github_token: Optional[str] = _setting("str", "GitHub token for the deployments API history", _HISTORY,
                                           env="GITHUB_TOKEN", secret=True, in_file=False, on_command_line=False,
                                           **_TRUSTED_ONLY)
    # --- where the values came from (not settings) ----------------------------------------------------
    config_path: Optional[str] = None
    sources: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)
    warnings: tuple[str, ...] = field(default=(), compare=False)

    def source_of(self, name: str) -> str:
        """Where the value of setting ``name`` came from, for error messages: flag, env, file:LINE or default."""
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


OPTIONS: tuple[Option, ...] = tuple(
    Option(name=declared.name, **declared.metadata["option"]) for declared in fields(Settings)
    if "option" in declared.metadata
)
OPTIONS_BY_NAME: dict[str, Option] = {option.name: option for option in OPTIONS}
FILE_KEYS: tuple[str, ...] = tuple(option.name for option in OPTIONS if option.in_file)


# --- value parsing -----------------------------------------------------------------------------------

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$")
_DURATION_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, None: 1.0}
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}
_SHOWN_VALUE_LENGTH = 60


def _shown(value: Any) -> str:
    """``repr(value)`` cut short: error messages quote what was given, never a whole document."""
    text = repr(value) if not isinstance(value, (dict, list, tuple)) else type(value).__name__
    return text if len(text) <= _SHOWN_VALUE_LENGTH else text[:_SHOWN_VALUE_LENGTH] + "..."


def parse_duration(text: str) -> float:
    """Seconds in a duration such as ``90``, ``45s``, ``30m``, ``1.5h`` or ``500ms``."""
    match = _DURATION.match(text) if len(text) <= 32 else None
    if not match:
        raise ValueError(f"expected a duration such as 90s, 30m or 1h, got {_shown(text)}")
    return float(match.group(1)) * _DURATION_UNITS[match.group(2)]


def _split_list(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[,\n]", text) if part.strip()]


def convert(option: Option, raw: Any) -> Any:
    """Convert a raw value from the environment, a file or a flag to the option's value type.

    Raises ``ValueError`` with a short reason (the caller adds where the value came from).
    """
    value_type = option.value_type
    if value_type == "bool":
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower() if isinstance(raw, (str, int)) else None
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise ValueError(f"expected true or false, got {_shown(raw)}")
    if value_type == "list":
        items: list[str] = []
        values = raw if isinstance(raw, (list, tuple)) else [raw]
        for value in values:
            if isinstance(value, (dict, list, tuple)) or value is None:
                raise ValueError(f"expected a list of strings, got a list holding {_shown(value)}")
            items.extend(_split_list(str(value)))
        return tuple(items)
    if isinstance(raw, (dict, list, tuple)):
        raise ValueError(f"expected a single value, got {type(raw).__name__}")
    if value_type == "int":
        if isinstance(raw, bool) or (isinstance(raw, str) and len(raw) > 32):
            raise ValueError(f"expected a whole number, got {_shown(raw)}")
        try:
            number = int(str(raw).strip())
        except ValueError:
            raise ValueError(f"expected a whole number, got {_shown(raw)}") from None
        if abs(number) >= 2**63:
            raise ValueError(f"{_shown(raw)} is out of range")
        return number
    if value_type == "duration":
        if isinstance(raw, (int, float)) and not isinstance(raw, bool):
            if not raw >= 0 or raw == float("inf"):
                raise ValueError(f"expected a duration of 0 or more, got {_shown(raw)}")
            return float(raw)
        return parse_duration(str(raw).strip())
    text = str(raw)
    if option.choices is not None and text not in option.choices:
        raise ValueError(f"expected one of {', '.join(option.choices)}, got {_shown(raw)}")
    return text


# --- the configuration file --------------------------------------------------------------------------

# A settings file is a few lines. These bounds make a hostile one (an alias bomb, nesting thousands deep,
# megabytes of text) a one-line error in milliseconds instead of gigabytes of memory or a RecursionError.
MAX_CONFIG_BYTES = 64 * 1024
MAX_CONFIG_DEPTH = 16
MAX_CONFIG_NODES = 10_000


@dataclass(frozen=True)
class ConfigFile:
    """A settings file and whether it is trusted (named by the user) or found in the checkout."""

    path: Path
    trusted: bool


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


def _read_text(path: Path) -> str:
    try:
        with path.open("rb") as stream:
            if not path.is_file():
                raise ConfigError(f"config file {path} is not a regular file")
            data = stream.read(MAX_CONFIG_BYTES + 1)
    except FileNotFoundError:
        raise ConfigError(f"config file {path} does not exist", hint="fix --config or remove it") from None
    except OSError as error:
        raise ConfigError(f"cannot read config file {path}: {error.strerror}") from None
    if len(data) > MAX_CONFIG_BYTES:
        raise ConfigError(f"config file {path} is over {MAX_CONFIG_BYTES // 1024} KiB; a settings file is a "
                          "few lines")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError(f"config file {path} is not UTF-8 text") from None


def _check_shape(path: Path, text: str) -> None:
    """Refuse deep nesting and alias expansion before anything is built from the document.

    Works on the parser's events, which come one at a time without recursion; the size of each anchored
    node is remembered so that an alias counts as everything it would expand to.
    """
    import yaml  # noqa: PLC0415

    sizes: dict[str, int] = {}
    stack: list[tuple[Optional[str], int]] = []
    total = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            stack.append((event.anchor, 1))
            if len(stack) > MAX_CONFIG_DEPTH:
                raise ConfigError(f"{path}:{_line(event)}: nested more than {MAX_CONFIG_DEPTH} "
                                  "levels deep")
            continue
        if isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            anchor, size = stack.pop()
        elif isinstance(event, yaml.ScalarEvent):
            anchor, size = event.anchor, 1
        elif isinstance(event, yaml.AliasEvent):
            anchor, size = None, sizes.get(event.anchor or "", 1)
        else:
            continue
        if anchor:
            sizes[anchor] = size
        total += size if not stack else 0
        if stack:
            parent_anchor, parent_size = stack[-1]
            stack[-1] = (parent_anchor, parent_size + size)
        if size > MAX_CONFIG_NODES or total > MAX_CONFIG_NODES:
            raise ConfigError(f"{path}:{_line(event)}: the document expands to more than "
                              f"{MAX_CONFIG_NODES} values (aliases included); a settings file is a few lines")


def _line(event: Any) -> int:
    mark = getattr(event, "start_mark", None)
    return int(mark.line) + 1 if mark is not None else 1


def read_config_file(path: Path) -> dict[str, tuple[Any, int]]:
    """Read a config file into ``{key: (value, line)}``; a clear :class:`ConfigError` for any flaw."""
    import yaml  # noqa: PLC0415 - keep YAML out of start-up for commands that need no file

    text = _read_text(path)
    try:
        _check_shape(path, text)
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        raise _yaml_error(path, error) from None
    if root is None:
        return {}
    if not isinstance(root, yaml.MappingNode):
        raise ConfigError(f"{path}:{root.start_mark.line + 1}: expected a mapping of setting: value")
    result: dict[str, tuple[Any, int]] = {}
    for key_node, value_node in root.value:
        line = key_node.start_mark.line + 1
        if not isinstance(key_node, yaml.ScalarNode):
            raise ConfigError(f"{path}:{line}: expected a setting name")
        key = str(key_node.value)
        normalised = key.replace("-", "_")
        if normalised not in FILE_KEYS:
            raise ConfigError(f"{path}:{line}: unknown setting {_shown(key)}{_did_you_mean(normalised)}")
        try:
            value = yaml.safe_load(yaml.serialize(value_node))
        except yaml.YAMLError as error:
            raise _yaml_error(path, error, line) from None
        except ValueError as error:  # e.g. an integer of thousands of digits
            raise ConfigError(f"{path}:{line}: {normalised}: {str(error).splitlines()[0][:120]}") from None
        result[normalised] = (value, line)
    return result


def _yaml_error(path: Path, error: Exception, line: Optional[int] = None) -> ConfigError:
    mark = getattr(error, "problem_mark", None)
    where = f":{mark.line + 1}" if mark is not None and line is None else (f":{line}" if line else "")
    problem = getattr(error, "problem", None) or "invalid YAML"
    return ConfigError(f"{path}{where}: {problem}", hint="fix the YAML syntax")


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


def locate_config_file(config: Optional[str], environ: Mapping[str, str],
                       cwd: Optional[Path] = None) -> Optional[ConfigFile]:
    """The settings file of this invocation: the one the user named (trusted), else the checkout's own."""
    named = config or environ.get("JIRA_DEVOPS_CONFIG") or None
    if named:
        return ConfigFile(Path(named), trusted=True)
    found = find_config_file(cwd)
    return ConfigFile(found, trusted=False) if found is not None else None


def load_settings(
    flags: Mapping[str, Any],
    environ: Optional[Mapping[str, str]] = None,
    *,
    config: Optional[str] = None,
    cwd: Optional[Path] = None,
    names: Optional[Sequence[str]] = None,
) -> Settings:
    """Resolve settings: flag > environment > config file > the declared default.

    ``flags`` holds only the flags the user gave (already converted). ``names`` limits resolution to the
    settings a command uses; the others keep their defaults.
    """
    env = os.environ if environ is None else environ
    wanted = set(names) if names is not None else set(OPTIONS_BY_NAME)
    config_file = locate_config_file(config, env, cwd)
    file_values = read_config_file(config_file.path) if config_file is not None else {}
    warnings: list[str] = []
    if config_file is not None and not config_file.trusted:
        file_values = _drop_untrusted(config_file.path, file_values, warnings)

    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for option in OPTIONS:
        if option.name not in wanted:
            continue
        if option.name in flags and flags[option.name] is not None:
            values[option.name] = flags[option.name]
            sources[option.name] = "flag"
            continue
        raw_env = _environment_value(env, option)
        if raw_env is not None and raw_env.strip() != "":
            values[option.name] = _convert_or_fail(option, raw_env, option.env_var)
            sources[option.name] = "env"
            continue
        if option.name in file_values:
            raw, line = file_values[option.name]
            if raw is None:
                continue
            assert config_file is not None
            value = _convert_or_fail(option, raw, f"{config_file.path}:{line}: {option.name}")
            if option.repository_file == "relative paths" and not config_file.trusted:
                value = _inside_checkout(config_file.path, line, option, value, warnings)
            values[option.name] = value
            sources[option.name] = f"file:{line}"
    return Settings(
        **values,
        config_path=str(config_file.path) if config_file is not None else None,
        sources=sources,
        warnings=tuple(warnings),
    )


def _environment_value(env: Mapping[str, str], option: Option) -> Optional[str]:
    raw = env.get(option.env_var)
    if raw is None:
        return None
    try:
        raw.encode("utf-8")
    except UnicodeEncodeError:  # bytes that were not UTF-8 reach os.environ as lone surrogates
        what = "the secret in " if option.secret else ""
        raise ConfigError(f"{what}{option.env_var} is not UTF-8 text") from None
    return raw


def _drop_untrusted(path: Path, file_values: dict[str, tuple[Any, int]],
                    warnings: list[str]) -> dict[str, tuple[Any, int]]:
    """The checkout's own file without the settings it may not choose; one warning per dropped setting."""
    kept: dict[str, tuple[Any, int]] = {}
    for name, (value, line) in file_values.items():
        option = OPTIONS_BY_NAME[name]
        if option.repository_file == "no":
            warnings.append(
                f"{path}:{line}: {name} is ignored: a repository's own settings file may not say where credentials "
                f"go, what is read or written, or what runs; set {option.env_var} or {option.flag}, or name a "
                "trusted file with --config")
            continue
        kept[name] = (value, line)
    return kept


def _inside_checkout(path: Path, line: int, option: Option, value: tuple[str, ...],
                     warnings: list[str]) -> tuple[str, ...]:
    """Keep only patterns that stay inside the checkout (relative, no ``..``); warn about the others."""
    kept: list[str] = []
    for pattern in value:
        parts = PurePosixPath(pattern.replace("\\", "/")).parts
        if PureWindowsPath(pattern).anchor or pattern.startswith(("/", "~")) or ".." in parts:
            warnings.append(f"{path}:{line}: {option.name} pattern {_shown(pattern)} is ignored: the repository's "
                            f"own settings file may only name files inside the checkout; set {option.env_var} or "
                            f"{option.flag} for others")
            continue
        kept.append(pattern)
    return tuple(kept)


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
        "| setting | flag | environment | `.jira-devops.yml` | repository file | action input | Jenkins parameter "
        "| meaning |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for option in OPTIONS:
        flag = f"`{option.flag}`" if option.on_command_line else "(none)"
        key = f"`{option.name}`" if option.in_file else "(none)"
        trusted = option.repository_file if option.in_file else "no"
        inverted = " (inverted)" if option.wrapper_inverted else ""
        rows.append(
            f"| {option.name} | {flag} | `{option.env_var}` | {key} | {trusted} | `{option.action_input}`{inverted} "
            f"| `{option.jenkins_parameter}`{inverted} | {option.help} |"
        )
    return "\n".join(rows)
