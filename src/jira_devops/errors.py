"""The exception hierarchy: every error a user can meet carries its exit code and a one-line message.

The CLI catches :class:`JiraDevopsError` in one place, prints ``error: <message>`` (plus the hint), and
exits with :attr:`JiraDevopsError.exit_code`. Library callers can catch the same classes.
"""

from __future__ import annotations

from typing import Optional


class ExitCode:
    """The documented exit codes of the ``jira-devops`` command."""

    OK = 0
    REJECTED = 1
    USAGE = 2
    AUTH = 3
    UNREACHABLE = 4
    GATE_BLOCKED = 5
    GATE_TIMEOUT = 6
    INTERRUPTED = 130


class JiraDevopsError(Exception):
    """Base class: something the user should be told about in one line."""

    exit_code: int = ExitCode.REJECTED

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


class RejectedError(JiraDevopsError):
    """Jira accepted the request but rejected one or more of the items in it."""

    exit_code = ExitCode.REJECTED


class NotFoundError(JiraDevopsError):
    """The build, deployment or gate asked for does not exist in Jira."""

    exit_code = ExitCode.REJECTED


class GateBlockedError(JiraDevopsError):
    """A deployment gate answered ``prevented`` or ``invalid``."""

    exit_code = ExitCode.GATE_BLOCKED


class GateTimeoutError(JiraDevopsError):
    """A deployment gate did not decide within the allowed time."""

    exit_code = ExitCode.GATE_TIMEOUT


class GitError(JiraDevopsError):
    """Reading the git repository failed in a way the user must fix."""

    exit_code = ExitCode.USAGE
