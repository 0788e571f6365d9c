"""TeamCity: a few environment variables, the rest in the build's properties files.

``TEAMCITY_BUILD_PROPERTIES_FILE`` names a Java properties file with ``teamcity.build.id`` and
``teamcity.buildType.id``; it points on to the configuration properties file with
``teamcity.serverUrl``, ``teamcity.build.branch`` and ``vcsroot.url``. The pipeline is the build
configuration's ID. ``BUILD_NUMBER`` follows the configuration's number format and need not be a number;
then the build's internal ID (increasing) is used.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Optional

from jira_devops.ci.context import CiContext
from jira_devops.ci.environ import Env, split_ref

NAME = "teamcity"
TITLE = "TeamCity"
MARKERS = (("TEAMCITY_VERSION", None),)
ALIASES = ()


def read(env: Env) -> CiContext:
    """The context of a TeamCity build."""
    build = _properties(env, env.get("TEAMCITY_BUILD_PROPERTIES_FILE"), "TEAMCITY_BUILD_PROPERTIES_FILE")
    config = _properties(env, build.get("teamcity.configuration.properties.file"),
                         "teamcity.configuration.properties.file")
    server = (config.get("teamcity.serverUrl") or "").rstrip("/") or None
    build_type = build.get("teamcity.buildType.id") or config.get("teamcity.buildType.id")
    build_id = build.get("teamcity.build.id") or config.get("teamcity.build.id")
    project = env.get("TEAMCITY_PROJECT_NAME")
    conf = env.get("TEAMCITY_BUILDCONF_NAME")
    name = " / ".join(part for part in (project, conf) if part) or None

    number_text = env.get("BUILD_NUMBER")
    number: Optional[int] = int(number_text) if number_text and number_text.isdigit() else None
    if number is None and build_id and build_id.isdigit():
        if number_text:
            env.note(f"BUILD_NUMBER {number_text!r} is not a whole number: using the build's ID {build_id}")
        number = int(build_id)

    raw_branch = config.get("teamcity.build.branch")
    branch, tag = split_ref(raw_branch) if raw_branch and raw_branch != "<default>" else (None, None)
    pipeline_id = build_type or name
    if build_type is None and name:
        env.note("the build configuration ID is unknown (no TEAMCITY_BUILD_PROPERTIES_FILE): the pipeline ID "
                 "comes from the project and configuration names")
    return CiContext(
        provider=NAME, provider_name=TITLE, pipeline_id=pipeline_id, pipeline_name=name or pipeline_id,
        pipeline_url=f"{server}/viewType.html?buildTypeId={build_type}" if server and build_type else None,
        run_url=(f"{server}/viewLog.html?buildId={build_id}&buildTypeId={build_type}"
                 if server and build_id and build_type else None),
        run_number=number, branch=branch, tag=tag,
        commit=env.commit("BUILD_VCS_NUMBER") or _sha(config.get("build.vcs.number")),
        repository_url=config.get("vcsroot.url"),
    )


def _sha(value: Optional[str]) -> Optional[str]:
    return value if value and re.match(r"^[0-9a-fA-F]{7,64}$", value) else None


def _properties(env: Env, path: Optional[str], what: str) -> dict[str, str]:
    if not path:
        return {}
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        env.note(f"cannot read {what} ({path}): {type(error).__name__}")
        return {}
    return parse_properties(text)


def parse_properties(text: str) -> dict[str, str]:
    """The key/value pairs of a Java properties file (``key=value``, ``#`` comments, ``\\`` escapes)."""
    result: dict[str, str] = {}
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index].lstrip()
        index += 1
        if not line or line[0] in "#!":
            continue
        while _continues(line) and index < len(lines):
            line = line[:-1] + lines[index].lstrip()
            index += 1
        key, value = _split_pair(line)
        result[_unescape(key)] = _unescape(value)
    return result


def _continues(line: str) -> bool:
    trailing = len(line) - len(line.rstrip("\\"))
    return trailing % 2 == 1


def _split_pair(line: str) -> tuple[str, str]:
    escaped = False
    for position, char in enumerate(line):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char in "=:" or char.isspace():
            rest = line[position:].lstrip()
            if rest[:1] in ("=", ":"):
                rest = rest[1:].lstrip()
            return line[:position], rest
    return line, ""


_ESCAPES = {"t": "\t", "n": "\n", "r": "\r", "f": "\f"}


def _unescape(text: str) -> str:
    out: list[str] = []
    position = 0
    while position < len(text):
        char = text[position]
        if char == "\\" and position + 1 < len(text):
            following = text[position + 1]
            if following == "u" and re.match(r"^[0-9a-fA-F]{4}$", text[position + 2:position + 6]):
                out.append(chr(int(text[position + 2:position + 6], 16)))
                position += 6
                continue
            out.append(_ESCAPES.get(following, following))
            position += 2
            continue
        out.append(char)
        position += 1
    return "".join(out)
