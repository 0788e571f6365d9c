"""Text from outside (Jira's answers, display names, commit messages) made safe to show.

Shown raw, such text can steer what reads it: a newline followed by ``::error ...``, or ``##[add-mask]``
anywhere in a line, is a workflow command to the GitHub Actions runner (which also trims leading space
before looking for ``::``), ``##vso[`` and ``##teamcity[`` are Azure Pipelines' and TeamCity's commands,
and escape sequences move a terminal's cursor, retitle it or hide text.

- :func:`one_line`: one line of human output: escape sequences and control characters removed, line
  breaks turned into spaces, and runner commands defused;
- :func:`each_line`: the same for every line of a multi-line text, keeping its line breaks;
- :func:`visible`: escape sequences removed and ``##[`` defused, line breaks kept (for a message that a
  workflow command escapes onto one line itself);
- :func:`json_text`: JSON text with the same characters written as ``\\uXXXX`` escapes, which JSON readers
  decode back to the same data while neither a terminal nor the runner acts on them.

Only the standard library: the GitHub Action's wrapper imports this too.
"""

from __future__ import annotations

import re

# CSI and OSC sequences, other two-character escapes, then single control characters (C0 but tab and
# line breaks, DEL, C1) and the bidirectional overrides that reorder what a reader sees.
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]?|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[ -~]?"
                      r"|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_BREAKS = re.compile(r"\r\n|[\r\n\u0085\u2028\u2029]")
_RUNNER_COMMAND = "##["
_DEFUSED_COMMAND = "## ["
# Other CIs read commands anywhere in a line too: Azure Pipelines '##vso[...]', TeamCity '##teamcity[...]'.
_CI_COMMANDS = re.compile(r"##(vso|teamcity)\[", re.IGNORECASE)
# Everything but printable ASCII inside strings: no console encoding can then fail on the document (a
# Windows console writes cp1252), and no control, separator or bidi character reaches a terminal.
_JSON_ESCAPED = re.compile(r"[^\x00-\x7e]")
# Text made of these alone (an issue key, a SHA, a version) has nothing to remove or defuse.
_PLAIN = re.compile(r"[A-Za-z0-9_.\-/ ]*")


def _defuse(line: str) -> str:
    line = _CI_COMMANDS.sub(r"## \1[", line.replace(_RUNNER_COMMAND, _DEFUSED_COMMAND))
    if line.lstrip().startswith("::"):
        return "> " + line
    return line


def one_line(text: str) -> str:
    """``text`` as one safe line (see the module docstring)."""
    if _PLAIN.fullmatch(text):
        return text
    return _defuse(_BREAKS.sub(" ", _ESCAPES.sub("", text)).replace("\t", " "))


def visible(text: str) -> str:
    """``text`` without escape sequences or control characters (line breaks kept) and with ``##[`` defused:
    for a workflow command's message, which the command's own escaping keeps on one line."""
    return _CI_COMMANDS.sub(r"## \1[", _ESCAPES.sub("", text).replace(_RUNNER_COMMAND, _DEFUSED_COMMAND))


def each_line(text: str) -> str:
    """Every line of ``text`` made safe, line breaks kept."""
    return "\n".join(_defuse(_ESCAPES.sub("", line)) for line in _BREAKS.split(text))


def _json_escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000  # JSON spells characters beyond the BMP as a UTF-16 surrogate pair
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def json_text(text: str) -> str:
    """JSON text (from ``json.dumps``) whose strings cannot steer a terminal or the runner; same data.

    ``json.dumps`` already escapes C0 controls; every character beyond ASCII (C1 controls, line
    separators, bidi overrides, and the letters a cp1252 console cannot write) and the ``#`` of ``##[``
    can only occur inside strings, so escaping them there keeps the JSON valid and the data the same.
    """
    escaped = _JSON_ESCAPED.sub(_json_escape, text)
    escaped = _CI_COMMANDS.sub(lambda match: "\\u0023#" + match.group(1) + "[", escaped)
    return escaped.replace(_RUNNER_COMMAND, "\\u0023#[")
