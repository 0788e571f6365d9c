"""What the delete commands share: confirm unless ``--yes``, delete, and say what was deleted."""

from __future__ import annotations

import argparse
from typing import Any, Callable, Protocol, TypeVar

from jira_devops.settings import Settings


class _Key(Protocol):
    def describe(self) -> str: ...

    def to_json(self) -> dict[str, Any]: ...


KeyT = TypeVar("KeyT", bound=_Key)


def add_yes_argument(parser: argparse.ArgumentParser) -> None:
    """``--yes``: do not ask."""
    parser.add_argument("--yes", "-y", action="store_true", help="delete without asking")


def delete_one(args: argparse.Namespace, settings: Settings, find: Callable[..., KeyT],
               delete: Callable[[Settings, KeyT], None]) -> int:
    """Find the key (never the CI's run number), confirm unless ``--yes``, delete, and print what was deleted."""
    from jira_devops.cli.output import Printer  # noqa: PLC0415
    from jira_devops.cli.prompt import confirm  # noqa: PLC0415
    from jira_devops.delivery.report import detect_ci  # noqa: PLC0415

    key = find(settings, detect_ci(settings), number_from_ci=False)
    confirm(key.describe(), yes=args.yes)
    delete(settings, key)
    printer = Printer(as_json=bool(settings.json), quiet=bool(settings.quiet))
    if printer.as_json:
        printer.json({"deleted": key.to_json()})
    printer.line(f"deleted: {key.describe()}")
    return 0


def delete_in_background(args: argparse.Namespace, settings: Settings, what: str, delete: Callable[[], None],
                         answer: dict[str, Any]) -> int:
    """Confirm the deletion of ``what`` unless ``--yes``, ask Jira to delete, and say that Jira accepted it
    (these APIs delete in the background); ``--json`` prints ``answer`` marked asynchronous."""
    from jira_devops.cli.output import Printer  # noqa: PLC0415
    from jira_devops.cli.prompt import confirm  # noqa: PLC0415

    confirm(what, yes=args.yes)
    delete()
    printer = Printer(as_json=bool(settings.json), quiet=bool(settings.quiet))
    if printer.as_json:
        printer.json({**answer, "asynchronous": True})
    printer.line(f"Jira accepted the deletion of {what} (it deletes in the background)")
    return 0
