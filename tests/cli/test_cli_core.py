"""The installed command: dry runs, errors as one line with a distinct exit code, fast light start-up."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from jira_devops.errors import ExitCode

Cli = Callable[..., "subprocess.CompletedProcess[str]"]

BUILD_FLAGS = ("--state", "successful", "--build-number", "4", "--url", "https://ci.example.com/4", "--ci",
               "generic")


def test_dry_run_prints_exactly_the_request_bodies(cli: Cli, repo: Path) -> None:
    done = cli("report-build", "--dry-run", *BUILD_FLAGS, cwd=repo)
    assert done.returncode == 0, done.stderr
    body = json.loads(done.stdout)
    assert set(body) == {"builds", "properties", "providerMetadata"}
    assert body["properties"] == {"source": "jira-devops", "pipeline": "acme/app"}
    build = body["builds"][0]
    assert build["issueKeys"] == ["ABC-12", "OPS-7"]
    assert build["pipelineId"] == "acme/app"
    assert build["buildNumber"] == 4
    assert body["providerMetadata"]["product"].startswith("jira-devops ")


def test_dry_run_deploy_infers_the_environment_type(cli: Cli, repo: Path) -> None:
    cases = {"Production": "production", "staging-eu": "staging", "qa": "testing", "dev": "development",
             "sandbox": "unmapped"}
    for name, expected in cases.items():
        done = cli("report-deploy", "--dry-run", "--environment", name, "--deployment-number", "3",
                   "--url", "https://ci.example.com/3", "--state", "successful", "--ci", "generic", cwd=repo)
        assert done.returncode == 0, done.stderr
        environment = json.loads(done.stdout)["deployments"][0]["environment"]
        assert environment["type"] == expected, name
        assert environment["displayName"] == name


def test_more_than_a_hundred_deploys_never_happen_in_one_body_but_keys_overflow_to_associations(
        cli: Cli, repo: Path) -> None:
    keys = ",".join(f"ABC-{n}" for n in range(1, 131))
    done = cli("report-build", "--dry-run", *BUILD_FLAGS, "--issue-key", keys, "--no-branch-keys",
               "--no-commit-keys", cwd=repo)
    assert done.returncode == 0, done.stderr
    build = json.loads(done.stdout)["builds"][0]
    sent = build.get("issueKeys", []) + [v for a in build.get("associations", []) for v in a["values"]]
    assert sorted(sent) == sorted(f"ABC-{n}" for n in range(1, 131)), "no key dropped"


def test_no_issue_keys_is_a_warning_and_nothing_is_sent(cli: Cli, repo: Path) -> None:
    done = cli("report-build", "--dry-run", *BUILD_FLAGS, "--branch", "main", "--no-commit-keys", cwd=repo)
    assert done.returncode == 0
    assert "no issue keys" in done.stderr


def test_bad_input_is_one_line_with_the_usage_exit_code(cli: Cli, repo: Path) -> None:
    for args in (("report-build", "--dry-run", *BUILD_FLAGS, "--state", "exploded"),
                 ("report-build", "--dry-run", *BUILD_FLAGS, "--tests-total", "lots"),
                 ("report-deploy", "--dry-run", "--state", "successful"),
                 ("report-build", "--dry-run", *BUILD_FLAGS, "--property", "novalue")):
        done = cli(*args, cwd=repo)
        assert done.returncode == ExitCode.USAGE, (args, done.stderr)
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1, (args, done.stderr)
        assert lines[0].startswith(("error:", "jira-devops")), lines[0]
        assert "Traceback" not in done.stderr


def test_a_flag_another_command_takes_is_blamed_on_the_command_used(cli: Cli, repo: Path) -> None:
    done = cli("report-deploy", "--dry-run", "--build-number", "5", cwd=repo)
    assert done.returncode == ExitCode.USAGE
    assert done.stderr.strip() == ("error: jira-devops report-deploy: unrecognized arguments: --build-number 5 "
                                   "(see 'jira-devops report-deploy --help')")


def test_missing_credentials_name_what_to_set(cli: Cli, repo: Path) -> None:
    done = cli("report-build", *BUILD_FLAGS, "--site", "acme", cwd=repo)
    assert done.returncode == ExitCode.USAGE
    assert "JIRA_CLIENT_ID" in done.stderr
    assert "Traceback" not in done.stderr


def test_missing_credentials_are_reported_even_when_there_is_nothing_to_send(cli: Cli, repo: Path) -> None:
    done = cli("report-build", *BUILD_FLAGS, "--branch", "main", "--no-commit-keys", "--site", "acme", cwd=repo)
    assert done.returncode == ExitCode.USAGE
    assert "JIRA_CLIENT_ID" in done.stderr


def test_settings_come_from_the_config_file_below_env_and_flags(cli: Cli, repo: Path) -> None:
    (repo / ".jira-devops.yml").write_text("label: from-file\ndescription: from-file\npipeline_id: file-pipe\n")
    done = cli("report-build", "--dry-run", *BUILD_FLAGS, "--label", "from-flag", cwd=repo,
               env={"JIRA_DEVOPS_DESCRIPTION": "from-env"})
    assert done.returncode == 0, done.stderr
    build = json.loads(done.stdout)["builds"][0]
    assert (build["label"], build["description"], build["pipelineId"]) == ("from-flag", "from-env", "file-pipe")


def test_a_misspelt_config_key_points_at_its_line(cli: Cli, repo: Path) -> None:
    (repo / ".jira-devops.yml").write_text("label: x\npipline_id: p\n")
    done = cli("report-build", "--dry-run", *BUILD_FLAGS, cwd=repo)
    assert done.returncode == ExitCode.USAGE
    assert ".jira-devops.yml:2:" in done.stderr and "did you mean 'pipeline_id'" in done.stderr


def test_version_and_help_import_no_heavy_library() -> None:
    probe = ("import sys, contextlib, io\n"
             "from jira_devops.cli.app import main\n"
             "for argv in (['--version'], ['--help'], ['report-deploy', '--help']):\n"
             "    with contextlib.redirect_stdout(io.StringIO()):\n"
             "        try:\n"
             "            main(argv)\n"
             "        except SystemExit:\n"
             "            pass\n"
             "print(sorted(m for m in ('httpx', 'pydantic', 'git', 'tenacity', 'yaml') if m in sys.modules))\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_version_alone_answers_before_the_settings_and_commands_are_imported() -> None:
    probe = ("import sys, contextlib, io\n"
             "from jira_devops.cli.app import main\n"
             "out = io.StringIO()\n"
             "with contextlib.redirect_stdout(out):\n"
             "    code = main(['--version'])\n"
             "light = ('jira_devops.cli', 'jira_devops.cli.app', 'jira_devops.cli.commands',\n"
             "         'jira_devops.errors', 'jira_devops._version')\n"
             "loaded = sorted(m for m in sys.modules if m.startswith('jira_devops.') and m not in light)\n"
             "print(code, out.getvalue().strip(), loaded, 'logging' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    from jira_devops import __version__

    assert done.stdout.strip() == f"0 jira-devops {__version__} [] False"


def test_help_names_every_exit_code() -> None:
    from jira_devops.cli.app import build_parser
    from jira_devops.errors import INTERNAL_ERROR, INTERRUPTED

    epilog = " ".join((build_parser()[0].epilog or "").split())
    for code in sorted({*map(int, ExitCode), INTERNAL_ERROR, INTERRUPTED}):
        assert f" {code} " in f" {epilog}", code
