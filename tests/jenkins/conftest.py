"""Fixtures for the Jenkins library tests: each module's scenarios run in one groovy process."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Optional

import pytest

from support.emulator import start_emulator
from support.jenkins_library import LIBRARY
from support.jenkins_pipeline import (
    CLIENT_ID,
    SECRET,
    Outcome,
    ReleasedLibrary,
    ScenarioBook,
    groovy_available,
    make_repository,
    released_library,
    run_scenarios,
)


@pytest.fixture(scope="session")
def release(tmp_path_factory: pytest.TempPathFactory) -> ReleasedLibrary:
    """The library as released, and a wheelhouse as the organisation's mirror: built once per test run."""
    return released_library(tmp_path_factory.mktemp("release"))


@pytest.fixture(scope="module")
def jenkins_outcomes(request: pytest.FixtureRequest,
                     tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Outcome]]:
    """Every scenario of the requesting module's ``BOOK``, run in one groovy process."""
    if not groovy_available():
        pytest.fail("groovy (Debian's package) and a JDK are needed to run the Jenkins library tests: "
                    "apt-get install groovy (and set JAVA_HOME)", pytrace=False)
    book: ScenarioBook = request.module.BOOK
    release: Optional[ReleasedLibrary] = request.getfixturevalue("release") if book.released else None
    library = release.path if release else LIBRARY
    placeholders = release.placeholders if release else None
    tmp = tmp_path_factory.mktemp("jenkins")
    workspace = tmp / "workspace"
    make_repository(workspace)
    agent_env: dict[str, str] = {}
    if not book.emulator:
        yield run_scenarios(book.scenarios, workspace=workspace, tmp=tmp, agent_env=agent_env, library=library,
                                placeholders=placeholders)
        return
    secret_file = tmp / "client-secret"
    secret_file.write_text(SECRET + "\n", encoding="utf-8")
    with start_emulator(tmp / "emulator", "--client-id", CLIENT_ID,
                                         "--client-secret-file", str(secret_file)) as emulator:
        agent_env["JIRA_DEVOPS_API_URL"] = emulator.url
        yield run_scenarios(book.scenarios, workspace=workspace, tmp=tmp, agent_env=agent_env,
                            emulator_url=emulator.url, library=library, placeholders=placeholders)


@pytest.fixture
def outcome(request: pytest.FixtureRequest, jenkins_outcomes: dict[str, Outcome]) -> Outcome:
    """The outcome of the scenario registered for the requesting test."""
    found = jenkins_outcomes[request.function.__name__]
    assert found.trace is None, f"the scenario crashed in Groovy:\n{found.trace}"
    return found
