"""Reading back and deleting what was sent, and the properties that make deleting by property possible."""

from __future__ import annotations

import io
from typing import Any, Callable

import httpx
import pytest
import respx

from jira_devops.cli.prompt import confirm
from jira_devops.errors import UsageError
from support.gate_fakes import API, CLOUD_ID

BUILDS = f"{API}/jira/builds/0.1/cloud/{CLOUD_ID}"
DEPLOYMENTS = f"{API}/jira/deployments/0.1/cloud/{CLOUD_ID}"
DEVINFO = f"{API}/jira/devinfo/0.1/cloud/{CLOUD_ID}"
FLAGS = f"{API}/jira/featureflags/0.1/cloud/{CLOUD_ID}"
DEPLOY_ARGS = ("--ci", "generic", "--pipeline-id", "acme/api", "--environment-id", "production",
               "--deployment-number", "42")
Run = Callable[..., Any]


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_get_build_prints_what_jira_stores(jira: respx.MockRouter, run_main: Run) -> None:
    stored = {"pipelineId": "acme/api", "buildNumber": 7, "state": "successful"}
    jira.get(f"{BUILDS}/pipelines/acme%2Fapi/builds/7").mock(return_value=httpx.Response(200, json=stored))
    done = run_main("get-build", "--ci", "generic", "--pipeline-id", "acme/api", "--build-number", "7")
    assert done.code == 0, done.err
    assert '"state": "successful"' in done.out


def test_get_deploy_of_nothing_exits_1(jira: respx.MockRouter, run_main: Run) -> None:
    jira.get(f"{DEPLOYMENTS}/pipelines/acme%2Fapi/environments/production/deployments/42").mock(
        return_value=httpx.Response(404, json=[{"message": "not found"}]))
    done = run_main("get-deploy", *DEPLOY_ARGS)
    assert done.code == 1
    assert done.err.startswith("error: Jira has no deployment acme/api #42 to production")


def test_delete_build_with_yes(jira: respx.MockRouter, run_main: Run) -> None:
    route = jira.delete(f"{BUILDS}/pipelines/acme%2Fapi/builds/7").mock(return_value=httpx.Response(202))
    done = run_main("delete-build", "--ci", "generic", "--pipeline-id", "acme/api", "--build-number", "7", "--yes")
    assert done.code == 0, done.err
    assert done.out == "deleted: build acme/api #7\n"
    assert route.call_count == 1


def test_delete_without_yes_off_a_terminal_deletes_nothing(jira: respx.MockRouter, run_main: Run) -> None:
    route = jira.delete(f"{BUILDS}/pipelines/acme%2Fapi/builds/7")
    done = run_main("delete-build", "--ci", "generic", "--pipeline-id", "acme/api", "--build-number", "7")
    assert done.code == 2
    assert done.err == "error: not deleting build acme/api #7 without --yes (there is no terminal to ask)\n"
    assert route.call_count == 0


def test_delete_never_guesses_the_number(run_main: Run) -> None:
    done = run_main("delete-deploy", "--ci", "generic", "--pipeline-id", "acme/api", "--environment-id",
                    "production", "--yes")
    assert done.code == 2
    assert "no deployment number given (pass --deployment-number (deleting never guesses" in done.err


def test_delete_deploy_of_nothing_exits_1(jira: respx.MockRouter, run_main: Run) -> None:
    jira.delete(f"{DEPLOYMENTS}/pipelines/acme%2Fapi/environments/production/deployments/42").mock(
        return_value=httpx.Response(404))
    done = run_main("delete-deploy", *DEPLOY_ARGS, "--yes")
    assert done.code == 1
    assert "nothing deleted: Jira has no deployment acme/api #42 to production" in done.err


def test_delete_by_properties_deletes_every_kind(jira: respx.MockRouter, run_main: Run) -> None:
    routes = [jira.delete(f"{root}/bulkByProperties").mock(return_value=httpx.Response(202))
              for root in (BUILDS, DEPLOYMENTS, DEVINFO, FLAGS)]
    done = run_main("delete", "--property", "run=77", "--property", "team=core", "--yes")
    assert done.code == 0, done.err
    for route in routes:
        assert dict(route.calls[0].request.url.params) == {"run": "77", "team": "core"}
    assert ("every build and every deployment and every repository (with its commits, branches and pull "
            "requests) and every feature flag reported with run=77 and team=core") in done.out


def test_delete_by_properties_of_one_kind(jira: respx.MockRouter, run_main: Run) -> None:
    builds = jira.delete(f"{BUILDS}/bulkByProperties").mock(return_value=httpx.Response(202))
    deployments = jira.delete(f"{DEPLOYMENTS}/bulkByProperties")
    assert run_main("delete", "--property", "run=77", "--kind", "builds", "--yes").code == 0
    assert (builds.call_count, deployments.call_count) == (1, 0)


def test_delete_by_properties_needs_a_property(run_main: Run) -> None:
    done = run_main("delete", "--yes")
    assert done.code == 2
    assert "no property given" in done.err


@pytest.mark.parametrize(("properties", "message"), [
    (("a:b=1",), "property key 'a:b' is not allowed (keys must not contain ':' or start with '_')"),
    (("_hidden=1",), "property key '_hidden' is not allowed"),
    (("novalue",), "property 'novalue' is not k=v"),
    (("k=1", "k=2"), "property 'k' is given twice ('1' and '2')"),
    (tuple(f"k{i}=v" for i in range(6)), "6 properties given; Jira takes at most 5"),
    (("k=" + "v" * 256,), "property 'k' is longer than 255 characters"),
])
def test_report_properties_are_validated_as_jira_does(run_main: Run, properties: tuple[str, ...],
                                                      message: str) -> None:
    args = [arg for prop in properties for arg in ("--property", prop)]
    done = run_main("report-build", "--dry-run", "--ci", "generic", "--pipeline-id", "acme/api",
                    "--build-number", "1", "--url", "https://ci.example.com/1", "-k", "ABC-1", *args)
    assert done.code == 2
    assert done.err.startswith(f"error: {message}")


def test_five_properties_are_sent(run_main: Run) -> None:
    args = [arg for i in range(5) for arg in ("--property", f"k{i}=v{i}")]
    done = run_main("report-build", "--dry-run", "--ci", "generic", "--pipeline-id", "acme/api",
                    "--build-number", "1", "--url", "https://ci.example.com/1", "-k", "ABC-1", *args)
    assert done.code == 0, done.err
    assert '"k4": "v4"' in done.out


def test_confirm_at_a_terminal_asks() -> None:
    err = io.StringIO()
    confirm("build x #1", yes=False, stdin=_Terminal("y\n"), err=err)
    assert err.getvalue() == "delete build x #1 from Jira? [y/N] "


def test_confirm_at_a_terminal_refused() -> None:
    with pytest.raises(UsageError, match="not deleting build x #1: not confirmed"):
        confirm("build x #1", yes=False, stdin=_Terminal("\n"), err=io.StringIO())
