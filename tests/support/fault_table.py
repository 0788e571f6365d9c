"""The fault suite's table: one row per scenario, printed at the end of the test run."""

from __future__ import annotations

from dataclasses import dataclass

ROWS: list[FaultRow] = []


@dataclass(frozen=True)
class FaultRow:
    """What one fault scenario came to."""

    scenario: str
    requests: int
    exit_codes: str
    accepted: int
    in_outbox: int
    lost: int
    delivered_after_recovery: int


def record_row(row: FaultRow) -> None:
    """Remember a scenario's outcome for the table."""
    ROWS.append(row)


def table() -> list[str]:
    """The rows as a plain-text table."""
    header = ("scenario", "requests", "exit", "accepted", "in outbox", "lost", "in Jira after recovery")
    cells = [header] + [(r.scenario, str(r.requests), r.exit_codes, str(r.accepted), str(r.in_outbox),
                         str(r.lost), str(r.delivered_after_recovery)) for r in ROWS]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    return ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)) for row in cells]
