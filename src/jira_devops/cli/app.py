"""The command-line front: parse flags, resolve settings, call the library, turn errors into exit codes.

Nothing here knows how to talk to Jira; each subcommand in :mod:`jira_devops.cli.commands` calls library
functions. This module imports only the standard library so that ``--help`` and ``--version`` are fast;
``--version`` alone answers before the settings registry and the commands are even imported.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Optional

from jira_devops._version import __version__
from jira_devops.cli.commands import COMMAND_MODULES, CommandModule, load_command
from jira_devops.errors import (
    INTERNAL_ERROR,
    INTERRUPTED,
    ExitCode,
    JiraDevopsError,
    MissingCredentialsError,
    UsageError,
)

if TYPE_CHECKING:
    from jira_devops.settings import Option, Settings

PROG = "jira-devops"


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line and exit with the usage code.

    Abbreviations are off: ``--client-secret X`` must never be read as ``--client-secret-file X``.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> Any:
        raise UsageError(f"{self.prog}: {message}", hint=f"see '{self.prog} --help'")


def _option_type(option: Option) -> Any:
    from jira_devops.settings import convert  # noqa: PLC0415

    def parse(text: str) -> Any:
        try:
            return convert(option, text)
        except ValueError as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    parse.__name__ = option.value_type
    return parse


class _RefuseSecretFlag(argparse.Action):
    """A flag for a secret that is only ever read from the environment: refuse it, never echo its value."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any,
                 option_string: Optional[str] = None) -> None:
        from jira_devops.settings import OPTIONS_BY_NAME  # noqa: PLC0415

        option = OPTIONS_BY_NAME[self.dest]
        raise UsageError(f"{option_string} is not accepted: a secret on the command line shows in process lists "
                         "and CI logs", hint=f"set {option.env_var} in the environment instead")


def add_setting_arguments(parser: argparse.ArgumentParser, groups: Sequence[str]) -> None:
    """Add the flags of every setting in ``groups`` to ``parser``; unset flags stay out of the namespace."""
    from jira_devops.settings import options_in  # noqa: PLC0415

    for option in options_in(groups):
        if not option.on_command_line:
            if option.secret:
                parser.add_argument(option.flag, dest=option.name, action=_RefuseSecretFlag, nargs="?",
                                    default=argparse.SUPPRESS, help=argparse.SUPPRESS)
            continue
        names = [option.flag] + ([option.short] if option.short else [])
        help_text = f"{option.help} [env {option.env_var}]"
        if option.value_type == "bool":
            if option.name.startswith("no_"):
                parser.add_argument(*names, dest=option.name, action="store_const", const=True,
                                    default=argparse.SUPPRESS, help=help_text)
            else:
                parser.add_argument(*names, dest=option.name, action=argparse.BooleanOptionalAction,
                                    default=argparse.SUPPRESS, help=help_text)
        elif option.value_type == "list":
            parser.add_argument(*names, dest=option.name, action="append", type=_option_type(option),
                                default=argparse.SUPPRESS, metavar=option.metavar, help=help_text)
        else:
            parser.add_argument(*names, dest=option.name, type=_option_type(option),
                                default=argparse.SUPPRESS, metavar=option.metavar, help=help_text)


def build_parser(only: Optional[str] = None) -> tuple[argparse.ArgumentParser, dict[str, CommandModule]]:
    """The parser and the command modules by name.

    With ``only``, the command of that name is the only one given its flags (the others are listed
    for ``--help`` and name checks): one invocation runs one command, and adding the flags of all of
    them costs more than the rest of a quick command's start.
    """
    parser = _Parser(
        prog=PROG,
        description="Tell Jira Cloud what your CI/CD did: report builds and deployments.",
        epilog="Exit codes: 0 ok, 1 rejected by Jira, 2 usage or configuration, 3 authentication or "
        "permission, 4 Jira unreachable, 5 gate prevented or invalid, 6 no gate decision in time, 70 internal "
        "error (a bug), 130 interrupted.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    modules: dict[str, CommandModule] = {}
    for module_name in COMMAND_MODULES:
        module = load_command(module_name)
        sub = subparsers.add_parser(module.NAME, help=module.HELP, description=module.HELP)
        modules[module.NAME] = module
        if only is not None and only != module.NAME:
            continue
        if module.GROUPS:  # commands without settings (emulator, demo) read no settings file
            sub.add_argument("--config", metavar="PATH", default=argparse.SUPPRESS,
                             help="settings file (default: .jira-devops.yml in the repository) "
                             "[env JIRA_DEVOPS_CONFIG]")
        add_setting_arguments(sub, module.GROUPS)
        module.add_arguments(sub)
    return parser, modules


def _flatten_lists(values: dict[str, Any]) -> dict[str, Any]:
    from jira_devops.settings import OPTIONS_BY_NAME  # noqa: PLC0415

    flat: dict[str, Any] = {}
    for name, value in values.items():
        option = OPTIONS_BY_NAME.get(name)
        if option is not None and option.value_type == "list" and isinstance(value, list):
            flat[name] = tuple(item for chunk in value for item in chunk)
        else:
            flat[name] = value
    return flat


def resolve(args: argparse.Namespace, module: CommandModule) -> Settings:
    """The settings of this invocation for the command ``module``."""
    from jira_devops.settings import OPTIONS_BY_NAME, Settings, load_settings, options_in  # noqa: PLC0415

    if not module.GROUPS:
        return Settings()
    given = {name: value for name, value in vars(args).items() if name in OPTIONS_BY_NAME}
    names = [option.name for option in options_in(module.GROUPS)]
    return load_settings(_flatten_lists(given), config=getattr(args, "config", None), names=names)


def _print_warnings(warnings: Sequence[str]) -> None:
    from jira_devops.redact import redact  # noqa: PLC0415

    for warning in warnings:
        print(redact(f"warning: {warning}"), file=sys.stderr)


def _configure_logging(debug: bool) -> None:
    import logging  # noqa: PLC0415

    from jira_devops.redact import RedactingFilter  # noqa: PLC0415

    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(RedactingFilter())
    handler.setFormatter(logging.Formatter("debug: %(name)s: %(message)s"))
    root = logging.getLogger("jira_devops")
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if debug else logging.WARNING)
    root.propagate = False


def _tolerant_console() -> None:
    """Never crash on a character the console cannot show (a cp1252 Windows console): escape it instead.

    Machine-readable output is ASCII (JSON with ``\\u`` escapes), so only human text is ever escaped.
    """
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):  # a closed or detached stream: nothing to print to
                reconfigure(errors="backslashreplace")


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the CLI; returns the exit code (always 0 for ``hook``: a git hook must never fail the push)."""
    _tolerant_console()
    arguments = list(sys.argv[1:] if argv is None else argv)
    code = _main(arguments)
    return ExitCode.OK if arguments[:1] == ["hook"] else code


def _main(arguments: list[str]) -> int:
    if arguments == ["--version"]:  # what argparse would print, without building every command's parser
        print(f"{PROG} {__version__}")
        return ExitCode.OK
    debug = "--debug" in arguments
    settings: Optional[Settings] = None
    command: Optional[str] = None
    try:
        parser, modules = build_parser(only=arguments[0] if arguments else None)
        if not arguments:
            parser.print_help()
            return ExitCode.USAGE
        args, extra = parser.parse_known_args(arguments)
        if extra:
            # argparse would blame the top-level parser; the flag belongs to (and is missing from) the command.
            prog = f"{parser.prog} {args.command}" if args.command else parser.prog
            raise UsageError(f"{prog}: unrecognized arguments: {' '.join(extra)}", hint=f"see '{prog} --help'")
        if args.command is None:
            parser.print_help()
            return ExitCode.USAGE
        command = str(args.command)
        module = modules[command]
        settings = resolve(args, module)
        debug = bool(settings.debug)
        _print_warnings(settings.warnings)
        _configure_logging(debug)
        return _soften(int(module.run(args, settings)), settings)
    except JiraDevopsError as error:
        from jira_devops.redact import redact  # noqa: PLC0415
        from jira_devops.untrusted_text import one_line  # noqa: PLC0415

        if isinstance(error, MissingCredentialsError) and settings is not None and settings.no_fail \
                and not settings.gate:
            return _skip_without_credentials(error, command, settings)
        softened = _soften(error.exit_code, settings)
        label = "error" if softened == error.exit_code else "warning"
        print(one_line(redact(f"{label}: {error.one_line()}")), file=sys.stderr)
        if debug:
            _print_traceback()
        return softened
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return INTERRUPTED
    except BrokenPipeError:
        return ExitCode.OK
    except Exception as error:  # the single catch-all: a bug of ours, said in one line
        from jira_devops.redact import redact  # noqa: PLC0415
        from jira_devops.untrusted_text import one_line  # noqa: PLC0415

        print(one_line(redact(f"error: internal error: {type(error).__name__}: {error} "
                              "(rerun with --debug for the traceback and report it)")), file=sys.stderr)
        if debug:
            _print_traceback()
        return INTERNAL_ERROR


SOFTENED_BY_NO_FAIL = frozenset({ExitCode.REJECTED, ExitCode.AUTH, ExitCode.UNREACHABLE})


def _soften(code: int, settings: Optional[Settings]) -> int:
    """``--no-fail`` turns Jira-side failures (1, 3, 4) into exit 0; usage errors stay errors.

    Never with ``--gate``: a gated deployment goes ahead only on "allowed", so any other ending, a
    refusal or a Jira that could not be asked, must stop the pipeline.
    """
    if code in SOFTENED_BY_NO_FAIL and settings is not None and settings.no_fail:
        if settings.gate:
            print(f"warning: --no-fail does not apply with --gate: exiting {code}", file=sys.stderr)
            return code
        print(f"warning: exiting 0 instead of {code} because of --no-fail", file=sys.stderr)
        return ExitCode.OK
    return code


def _skip_without_credentials(error: MissingCredentialsError, command: Optional[str], settings: Settings) -> int:
    """``--no-fail`` without a site or credentials: nothing is sent, a warning says why, exit 0.

    Pull requests from forks and Dependabot get no secrets (nor variables), so their builds would
    otherwise fail on a report they could never send. With ``--json`` the result says it was skipped.
    """
    import json  # noqa: PLC0415

    print(f"warning: skipped: {error.message}, so nothing was sent to Jira (pull requests from forks and "
          "Dependabot get no secrets); exiting 0 because of --no-fail", file=sys.stderr)
    if settings.json:
        print(json.dumps({"command": command, "dryRun": False, "skipped": f"{error.message} (--no-fail)"},
                         indent=2))
    return ExitCode.OK


def _print_traceback() -> None:
    import traceback  # noqa: PLC0415

    from jira_devops.redact import redact  # noqa: PLC0415
    from jira_devops.untrusted_text import each_line  # noqa: PLC0415

    print(each_line(redact(traceback.format_exc())), file=sys.stderr)
