"""What one import may hold (file size, rows, cells, time; for .xlsx the unpacked size and
compression ratio), and the budget one import uses up while it is read and checked."""

from __future__ import annotations

import time
from dataclasses import dataclass

from data.importing.validate import Problem
from wording.i18n import _


@dataclass(frozen=True)
class Limits:
    """What one import may hold; beyond it the import is refused with a clear error (never tried).

    The .xlsx checks read only the zip directory (`zipfile.ZipFile.infolist`), before
    openpyxl unpacks anything, so a zip bomb costs a few milliseconds. Python's zipfile
    never inflates a member beyond the size its directory entry declares.
    """

    file_bytes: int = 200_000_000  # one uploaded file, as given
    rows: int = 2_000_000  # data rows of the whole import
    cells: int = 20_000_000  # rows x columns of the whole import
    xlsx_unpacked_bytes: int = 200_000_000  # sum of a workbook's members, uncompressed
    xlsx_ratio: float = 100.0  # uncompressed : compressed of a member (members over 1 MB)
    xlsx_members: int = 10_000
    seconds: float = 300.0  # reading and checking, wall clock


LIMITS = Limits()
RATIO_FROM_BYTES = 1_000_000


class LimitExceeded(Exception):
    """Stops reading at once; carries the problem to report."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


class Budget:
    """Rows, cells and time used so far by one import."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.rows = 0
        self.cells = 0
        self.deadline = time.monotonic() + limits.seconds

    def time(self, where: str) -> None:
        if time.monotonic() > self.deadline:
            raise LimitExceeded(
                Problem(
                    where,
                    None,
                    None,
                    _(
                        "reading and checking took longer than the limit of {seconds:.0f} s; "
                        "split the import into smaller files"
                    ).format(seconds=self.limits.seconds),
                )
            )

    def add(self, where: str, rows: int, width: int) -> None:
        self.rows += rows
        self.cells += rows * max(width, 1)
        if self.rows > self.limits.rows:
            raise LimitExceeded(
                Problem(
                    where,
                    None,
                    None,
                    _(
                        "the import holds more than {rows:,} rows, the limit; split it into several imports"
                    ).format(rows=self.limits.rows),
                )
            )
        if self.cells > self.limits.cells:
            raise LimitExceeded(
                Problem(
                    where,
                    None,
                    None,
                    _(
                        "the import holds more than {cells:,} cells, the limit; split it into several imports"
                    ).format(cells=self.limits.cells),
                )
            )
        if rows:
            self.time(where)
