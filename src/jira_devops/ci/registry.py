"""The providers ``detect()`` knows, in the order they are tried, and lookup by name for ``--ci``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Optional, Protocol

from jira_devops.ci import (
    azure,
    bamboo,
    bitbucket,
    buildkite,
    circleci,
    codebuild,
    drone,
    github,
    gitlab,
    jenkins,
    teamcity,
    travis,
    woodpecker,
)
from jira_devops.ci.context import CiContext
from jira_devops.ci.environ import Env

GENERIC = "generic"


@dataclass(frozen=True)
class Provider:
    """One CI: its name, the variables that identify it and the function that reads its context."""

    name: str
    title: str
    markers: tuple[tuple[str, Optional[str]], ...]
    read: Callable[[Env], CiContext]
    aliases: tuple[str, ...] = ()

    def matched_by(self, env: Env) -> Optional[str]:
        """The variable that shows this CI is running (a marker set to its expected value), if any."""
        for variable, expected in self.markers:
            value = env.get(variable)
            if value is not None and (expected is None or value.lower() == expected):
                return variable
        return None


class ProviderModule(Protocol):
    """What each CI's module provides (mypy checks every module passed to :func:`_provider`)."""

    @property
    def NAME(self) -> str: ...

    @property
    def TITLE(self) -> str: ...

    @property
    def MARKERS(self) -> Sequence[tuple[str, Optional[str]]]: ...

    @property
    def ALIASES(self) -> Sequence[str]: ...

    def read(self, env: Env) -> CiContext:
        """The CI context this CI's variables describe."""


def _provider(module: ProviderModule) -> Provider:
    return Provider(name=module.NAME, title=module.TITLE, markers=tuple(module.MARKERS), read=module.read,
                    aliases=tuple(module.ALIASES))


# Order matters where markers overlap: Woodpecker sets CI=woodpecker and GitLab-like CI_* names;
# TeamCity sets BUILD_NUMBER like Jenkins; a Jenkins agent may keep JENKINS_HOME around other tools.
_MODULES: tuple[ProviderModule, ...] = (
    github, gitlab, woodpecker, drone, teamcity, bamboo, bitbucket, circleci, azure, buildkite, travis,
    codebuild, jenkins,
)
PROVIDERS: tuple[Provider, ...] = tuple(_provider(module) for module in _MODULES)


def names() -> list[str]:
    """Every name ``--ci`` accepts (without aliases), ``generic`` last."""
    return [*sorted(provider.name for provider in PROVIDERS), GENERIC]


def find(name: str) -> Optional[Provider]:
    """The provider called ``name`` or one of its aliases (case-insensitive); ``None`` if unknown."""
    wanted = name.strip().lower().replace("_", "-")
    for provider in PROVIDERS:
        if wanted == provider.name or wanted in provider.aliases:
            return provider
    return None
