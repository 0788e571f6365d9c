"""The exception hierarchy: every error a user can meet carries its exit code and a one-line message.

The CLI catches :class:`JiraDevopsError` in one place, prints ``error: <message>`` (plus the hint), and
exits with :attr:`JiraDevopsError.exit_code`. Library callers can catch the same classes.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Optional


class ExitCode(IntEnum):
    """How a run ended, as the ``jira-devops`` command exits (each documented in the README)."""

    OK = 0
    REJECTED = 1
    USAGE = 2
    AUTH = 3
    UNREACHABLE = 4
    GATE_BLOCKED = 5
    GATE_TIMEOUT = 6

    def __str__(self) -> str:
        # the number, as Python 3.11+ prints an IntEnum (3.9 and 3.10 would print "ExitCode.OK")
        return str(self.value)


# Exit statuses that are not outcomes of a run but conventions of the platform, so not ExitCode members:
INTERNAL_ERROR = 70  # EX_SOFTWARE (sysexits.h): a bug in jira-devops; the traceback is printed for a report
INTERRUPTED = 130  # 128 + SIGINT: what shells report for a command stopped with Ctrl-C


class JiraDevopsError(Exception):
    """Base class: something the user should be told about in one line."""

    exit_code: ExitCode = ExitCode.REJECTED

    def __init__(self, message: str, *, hint: Optional[str] = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def one_line(self) -> str:
        """The message and its hint as the single line the CLI prints."""
        if self.hint:
            return f"{self.message} ({self.hint})"
        return self.message

    def __str__(self) -> str:
        return self.one_line()


class UsageError(JiraDevopsError):
    """A flag, value or combination of them is not valid."""

    exit_code = ExitCode.USAGE


class ConfigError(UsageError):
    """The configuration (file, environment or flags) is invalid or incomplete."""


class MissingCredentialsError(ConfigError):
    """The site, client ID or client secret is empty: typical of pull requests from forks and Dependabot,
    which get no secrets or variables. With ``--no-fail`` the CLI skips the report instead of failing."""


class AuthError(JiraDevopsError):
    """The credentials were refused, or lack a permission the call needs."""

    exit_code = ExitCode.AUTH


class UnreachableError(JiraDevopsError):
    """Jira (or the token endpoint) could not be reached or kept failing after retries."""

    exit_code = ExitCode.UNREACHABLE


class ApiError(JiraDevopsError):
    """Jira answered with an error that retrying cannot fix (for example a 400)."""

    exit_code = ExitCode.REJECTED


class NotFoundError(JiraDevopsError):
    """The build, deployment or gate asked for does not exist in Jira."""

    exit_code = ExitCode.REJECTED


class GitError(JiraDevopsError):
    """Reading the git repository failed in a way the user must fix."""

    exit_code = ExitCode.USAGE
