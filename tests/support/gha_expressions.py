"""GitHub Actions expressions (``${{ ... }}``), evaluated the way the runner does, for the action tests.

Covers what action metadata uses: context paths (``inputs.x``, ``github.x``, ``steps.id.outputs.x``,
``runner.os``, ``job.status``, ``env.X``; names may contain ``-``; lookups are case-insensitive), string,
number, boolean and null literals, ``!``, ``==``/``!=`` (strings compare case-insensitively, mixed types
compare as numbers), ``&&``/``||`` (which return an operand, not a boolean), parentheses, index access and
the functions ``success() failure() always() cancelled() contains() startsWith() endsWith() format()
toJSON() fromJSON()``. Anything else raises :class:`ExpressionError`, so an action using more than the
runner emulation understands fails its tests loudly instead of being misread.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from typing import Any, Callable

_TOKEN = re.compile(
    r"\s*(?:(?P<string>'(?:[^']|'')*')|(?P<number>-?\d+(?:\.\d+)?)|(?P<op>==|!=|<=|>=|&&|\|\||[!<>()\[\].,*])"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_-]*))"
)
_TEMPLATE = re.compile(r"\$\{\{(.*?)\}\}", re.S)
_STATUS_FUNCTIONS = ("success", "failure", "always", "cancelled")


class ExpressionError(ValueError):
    """An expression the emulation does not understand."""


def to_string(value: Any) -> str:
    """A value as the runner turns it into text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dict, list)):
        return json.dumps(value, indent=2)
    return str(value)


def truthy(value: Any) -> bool:
    """The runner's truthiness: false, 0, '', null and NaN are false."""
    if value is None or value is False:
        return False
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return not (value == 0 or math.isnan(value))
    if isinstance(value, str):
        return value != ""
    return True


def _number(value: Any) -> float:
    if value is None:
        return 0.0
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        text = value.strip()
        if text == "":
            return 0.0
        try:
            return float(text)
        except ValueError:
            return math.nan
    return math.nan


def _equal(left: Any, right: Any) -> bool:
    if isinstance(left, str) and isinstance(right, str):
        return left.casefold() == right.casefold()
    if type(left) is type(right) or (left is None and right is None):
        return bool(left == right)
    return _number(left) == _number(right)


def _lookup(container: Any, name: str) -> Any:
    if isinstance(container, Mapping):
        for key, value in container.items():
            if str(key).casefold() == name.casefold():
                return value
        return None
    if isinstance(container, list) and isinstance(name, (int, float)):
        index = int(name)
        return container[index] if 0 <= index < len(container) else None
    return None


class _Parser:
    def __init__(self, text: str, contexts: Mapping[str, Any], functions: Mapping[str, Callable[..., Any]]) -> None:
        self.tokens = self._tokenize(text)
        self.position = 0
        self.contexts = contexts
        self.functions = functions

    @staticmethod
    def _tokenize(text: str) -> list[tuple[str, str]]:
        tokens: list[tuple[str, str]] = []
        position = 0
        text = text.rstrip()
        while position < len(text):
            match = _TOKEN.match(text, position)
            if not match or match.end() == position:
                raise ExpressionError(f"cannot read expression at {text[position:]!r}")
            kind = match.lastgroup or ""
            tokens.append((kind, match.group(kind)))
            position = match.end()
        return tokens

    def peek(self) -> tuple[str, str]:
        return self.tokens[self.position] if self.position < len(self.tokens) else ("end", "")

    def take(self, value: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if value is not None and token[1] != value:
            raise ExpressionError(f"expected {value!r}, got {token[1]!r}")
        self.position += 1
        return token

    def parse(self) -> Any:
        value = self.or_()
        if self.peek()[0] != "end":
            raise ExpressionError(f"unexpected {self.peek()[1]!r}")
        return value

    def or_(self) -> Any:
        value = self.and_()
        while self.peek() == ("op", "||"):
            self.take()
            right = self.and_()
            value = value if truthy(value) else right
        return value

    def and_(self) -> Any:
        value = self.compare()
        while self.peek() == ("op", "&&"):
            self.take()
            right = self.compare()
            value = right if truthy(value) else value
        return value

    def compare(self) -> Any:
        value = self.unary()
        while self.peek()[1] in ("==", "!=", "<", "<=", ">", ">="):
            operator = self.take()[1]
            right = self.unary()
            if operator in ("==", "!="):
                value = _equal(value, right) == (operator == "==")
            else:
                a, b = _number(value), _number(right)
                value = {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[operator]
        return value

    def unary(self) -> Any:
        if self.peek() == ("op", "!"):
            self.take()
            return not truthy(self.unary())
        return self.postfix()

    def postfix(self) -> Any:
        value = self.primary()
        while self.peek()[1] in (".", "["):
            if self.take()[1] == ".":
                kind, name = self.take()
                if kind != "name":
                    raise ExpressionError(f"expected a property name, got {name!r}")
                value = _lookup(value, name)
            else:
                index = self.or_()
                self.take("]")
                value = _lookup(value, index if isinstance(index, str) else _number(index))  # type: ignore[arg-type]
        return value

    def primary(self) -> Any:
        kind, text = self.take()
        if kind == "string":
            return text[1:-1].replace("''", "'")
        if kind == "number":
            return float(text)
        if kind == "op" and text == "(":
            value = self.or_()
            self.take(")")
            return value
        if kind == "name":
            lowered = text.lower()
            if lowered in ("true", "false"):
                return lowered == "true"
            if lowered == "null":
                return None
            if self.peek() == ("op", "("):
                return self.call(lowered)
            if lowered not in {name.lower() for name in self.contexts}:
                raise ExpressionError(f"unknown context {text!r}")
            return _lookup(self.contexts, text)
        raise ExpressionError(f"unexpected {text!r}")

    def call(self, name: str) -> Any:
        self.take("(")
        arguments: list[Any] = []
        while self.peek() != ("op", ")"):
            arguments.append(self.or_())
            if self.peek() == ("op", ","):
                self.take()
        self.take(")")
        function = self.functions.get(name)
        if function is None:
            raise ExpressionError(f"unknown function {name}()")
        return function(*arguments)


def _format(template: str, *values: Any) -> str:
    def replace(match: re.Match[str]) -> str:
        if match.group(0) in ("{{", "}}"):
            return match.group(0)[0]
        return to_string(values[int(match.group(1))])

    return re.sub(r"\{\{|\}\}|\{(\d+)\}", replace, template)


def _contains(haystack: Any, needle: Any) -> bool:
    if isinstance(haystack, list):
        return any(_equal(item, needle) for item in haystack)
    return to_string(needle).casefold() in to_string(haystack).casefold()


def evaluate(expression: str, contexts: Mapping[str, Any], *, job_status: str = "success") -> Any:
    """The value of one expression (without the ``${{ }}``)."""
    status = job_status.lower()
    functions: dict[str, Callable[..., Any]] = {
        "success": lambda: status == "success",
        "failure": lambda: status == "failure",
        "cancelled": lambda: status == "cancelled",
        "always": lambda: True,
        "contains": _contains,
        "startswith": lambda a, b: to_string(a).casefold().startswith(to_string(b).casefold()),
        "endswith": lambda a, b: to_string(a).casefold().endswith(to_string(b).casefold()),
        "format": _format,
        "tojson": lambda value: json.dumps(value, indent=2),
        "fromjson": json.loads,
    }
    return _Parser(expression, contexts, functions).parse()


def interpolate(text: str, contexts: Mapping[str, Any], *, job_status: str = "success") -> str:
    """``text`` with every ``${{ expr }}`` replaced by the expression's value as text."""
    return _TEMPLATE.sub(lambda m: to_string(evaluate(m.group(1), contexts, job_status=job_status)), text)


def condition(text: object, contexts: Mapping[str, Any], *, job_status: str = "success") -> bool:
    """Whether a step's ``if:`` holds; without a status function it is ANDed with ``success()``."""
    if text is None or text == "":
        return job_status.lower() == "success"
    if isinstance(text, bool):
        return text and job_status.lower() == "success"
    expression = str(text).strip()
    whole = _TEMPLATE.fullmatch(expression)
    if whole:
        expression = whole.group(1).strip()
    uses_status = re.search(rf"\b({'|'.join(_STATUS_FUNCTIONS)})\s*\(", expression)
    if not uses_status:
        expression = f"success() && ({expression})"
    return truthy(evaluate(expression, contexts, job_status=job_status))
