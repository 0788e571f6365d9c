"""Fixtures for the Jenkins library tests: each module's scenarios run in one groovy process."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from support.emulator import start_emulator
from support.jenkins_pipeline import (
    CLIENT_ID,
    SECRET,
    Outcome,
    ScenarioBook,
    groovy_available,
    make_repository,
    run_scenarios,
)


@pytest.fixture(scope="module")
def jenkins_outcomes(request: pytest.FixtureRequest,
                     tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Outcome]]:
    """Every scenario of the requesting module's ``BOOK``, run in one groovy process."""
    if not groovy_available():
        pytest.skip("groovy (Debian's package) and a JDK are needed to run the Jenkins library")
    book: ScenarioBook = request.module.BOOK
    tmp = tmp_path_factory.mktemp("jenkins")
    workspace = tmp / "workspace"
    make_repository(workspace)
    agent_env: dict[str, str] = {}
    if not book.emulator:
        yield run_scenarios(book.scenarios, workspace=workspace, tmp=tmp, agent_env=agent_env)
        return
    secret_file = tmp / "client-secret"
    secret_file.write_text(SECRET + "\n", encoding="utf-8")
    with start_emulator(tmp / "emulator", "--client-id", CLIENT_ID,
                                         "--client-secret-file", str(secret_file)) as emulator:
        agent_env["JIRA_DEVOPS_API_URL"] = emulator.url
        yield run_scenarios(book.scenarios, workspace=workspace, tmp=tmp, agent_env=agent_env,
                            emulator_url=emulator.url)


@pytest.fixture
def outcome(request: pytest.FixtureRequest, jenkins_outcomes: dict[str, Outcome]) -> Outcome:
    """The outcome of the scenario registered for the requesting test."""
    found = jenkins_outcomes[request.function.__name__]
    assert found.trace is None, f"the scenario crashed in Groovy:\n{found.trace}"
    return found
