"""What an import does and found: counts per table, changed cells, score changes, errors."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

from data.importing.validate import Problem

Progress = Callable[[str, int, float], None]  # (what, rows, seconds)


@dataclass
class TableCounts:
    """What an import does to one table."""

    inserted: int = 0
    replaced: int = 0
    unchanged: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"inserted": self.inserted, "replaced": self.replaced, "unchanged": self.unchanged}


@dataclass(frozen=True)
class SourceFile:
    """One file of the import, as recorded in the audit log."""

    name: str
    sha256: str
    size: int


def plural(n: int, word: str, many: str | None = None) -> str:
    """ "1 problem", "2 problems", "1,200 rows": a count with its noun in the right number."""
    return f"{n:,} {word if n == 1 else (many or word + 's')}"


CHANGE_COLUMNS = ["table", "key", "column", "old", "new"]
MAX_CHANGED_CELLS = 2_000  # per table: the preview lists at most this many changed cells


def two_decimals(x: float | None) -> str:
    """A score as the scoring CLI prints it (two decimals, ties half up), or "n/a"."""
    if x is None or pd.isna(x):
        return "n/a"
    return str(Decimal(repr(float(x))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class ScoreChange:
    """A company's scores at the last quarter end before and after the import (text, "n/a" when not applicable)."""

    company_id: str
    before: tuple[str, str, str]  # sct, fi, overall
    after: tuple[str, str, str]
    band_before: str | None
    band_after: str | None
    name: str | None = None  # the company's name, for people (the CLI lines keep the id only)

    @property
    def label(self) -> str:
        """ "Elstrand Digital (CO0005)", or the id alone when the name is unknown."""
        return f"{self.name} ({self.company_id})" if self.name else self.company_id

    @property
    def band_changed(self) -> bool:
        return self.band_before != self.band_after

    def line(self) -> str:
        parts = (
            f"{n} {b} -> {a}"
            for n, b, a in zip(("sct", "fi", "overall"), self.before, self.after, strict=True)
        )
        return f"{self.company_id}: " + ", ".join(parts)

    def as_dict(self) -> dict[str, object]:
        return {
            "company_id": self.company_id,
            "before": dict(
                zip(("sct", "fi", "overall", "band"), (*self.before, self.band_before), strict=True)
            ),
            "after": dict(zip(("sct", "fi", "overall", "band"), (*self.after, self.band_after), strict=True)),
        }


@dataclass
class ImportPlan:
    """The outcome of validating (and maybe applying) a set of files."""

    errors: list[Problem] = field(default_factory=list)
    counts: dict[str, TableCounts] = field(default_factory=dict)
    files: list[SourceFile] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)  # rows read per table
    applied: bool = False
    frames: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)
    changes: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=CHANGE_COLUMNS), repr=False)
    as_of: date | None = None  # the last quarter end the score impact is computed at
    score_changes: list[ScoreChange] = field(default_factory=list)
    corrections: list = field(default_factory=list)  # owner corrections (data/importing/corrections.py)
    later_rows: int = 0  # imported evidence rows dated after `as_of`: they count from the next quarter end

    def score_lines(self) -> list[str]:
        """One line per company whose score at the last quarter end changes (DATA_FORMAT.md)."""
        return [c.line() for c in self.score_changes]

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values()) + len(self.corrections)


class ImportRejected(Exception):
    """Raised inside the publish transaction to roll it back; carries the plan."""

    def __init__(self, plan: ImportPlan) -> None:
        super().__init__(plural(len(plan.errors), "error"))
        self.plan = plan
