"""Import evidence from CSV and Excel files (DATA_FORMAT.md), all or nothing.

Python API (the CLI and the dashboard's Data page both use it; no Streamlit here):

    validate_files(files, con, *, today=None) -> ImportPlan
        `files` is a list of (name, bytes): a CSV file (its table taken from its
        name, `disclosures.csv`, or else from its header when that matches exactly
        one table; comma, semicolon or tab separated) or `anything.xlsx` (one sheet
        per table, named like the table or with a header that matches one; a sheet
        called README is ignored). `con` is a connection to the database the import
        would go into (read-only is enough). Nothing is written. The plan holds
        every error found (`plan.errors`, a list of `Problem`; `str(p)` gives
        `file:line: column: problem`), notes such as "read as table events"
        (`plan.notes`) and, when there are no errors, the preview: per table what
        the import would do (`plan.counts[table]`: `inserted`, `replaced` = an
        existing key with different values, `unchanged`), the old and new value of
        every changed cell of the replaced rows (`plan.changes`), and every company
        whose SCT, FI or overall score at the last quarter end (`plan.as_of`)
        changes (`plan.score_changes`, `plan.score_lines()`), computed with
        scoring.load_evidence + scoring.score on an in-memory staged copy of the
        affected companies' evidence with the import applied.

    apply_import(path, files, who, *, keep=None, today=None) -> ImportPlan
        Validate and apply in one `store.publish` call: the checks that need the
        database run again inside the writer's transaction, on the very copy
        that will be published, and the score impact is computed there, before
        and after the upserts. Rows are upserted by key, parents first; rows not
        mentioned are never deleted; a row's owner never changes. One `audit_log`
        row records who, the files (name and SHA-256), the counts and the score
        changes. On any error nothing is written and `plan.errors` says why;
        `plan.applied` tells which happened.

    read_paths(paths) -> (files, problems)
        Turn command-line arguments (files or folders) into (name, bytes); a
        folder means every `*.csv` and `*.xlsx` in it.

    audit_table(log), audit_csv(table), preview_frames(plan), effective_date_message(as_of)
        What the Data page shows.

Limits (`LIMITS`, a `Limits`): file size, rows, cells, time; for .xlsx the
unpacked size and compression ratio are read from the zip directory before
openpyxl opens anything, so a zip bomb is refused in milliseconds.

Checks that need no database live in data/importing/validate.py; the reference and
cross-table checks (a reference must exist in the import or the database;
an existing row keeps its owner (OWNERS); disclosed_on >= the request's
requested_on; event_date >= the case's opened_on; an evidence_submitted/verified
event names a finding of its own case) live here, as joins, because they may
need rows from the database.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import logging
import time
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as dtime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb
import pandas as pd

from data.exports import spreadsheet
from data.importing.validate import Problem, check_header, emit, normalise_table
from data.store import writes
from data.store.tables import FINDING_EVENT_TYPES, TABLE_NAMES, TABLES, Table

__all__ = ["ImportPlan", "Problem", "TableCounts", "apply_import", "read_paths", "validate_files"]

IGNORED_SHEETS = ("readme",)
SQL_TYPES = {"date": "DATE", "bool": "BOOLEAN", "number": "DOUBLE"}
Progress = Callable[[str, int, float], None]  # (what, rows, seconds)
log = logging.getLogger("cpt.import")


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

    def score_lines(self) -> list[str]:
        """One line per company whose score at the last quarter end changes (DATA_FORMAT.md)."""
        return [c.line() for c in self.score_changes]

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


class ImportRejected(Exception):
    """Raised inside the publish transaction to roll it back; carries the plan."""

    def __init__(self, plan: ImportPlan) -> None:
        super().__init__(f"{len(plan.errors)} errors")
        self.plan = plan


@dataclass
class _Sheet:
    label: str
    table: str
    frame: pd.DataFrame  # header names as columns, text cells, plus _line


# ---------------------------------------------------------------- limits


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
_RATIO_FROM_BYTES = 1_000_000


class _LimitExceeded(Exception):
    """Stops reading at once; carries the problem to report."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


class _Budget:
    """Rows, cells and time used so far by one import."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.rows = 0
        self.cells = 0
        self.deadline = time.monotonic() + limits.seconds

    def time(self, where: str) -> None:
        if time.monotonic() > self.deadline:
            raise _LimitExceeded(
                Problem(
                    where,
                    None,
                    None,
                    f"reading and checking took longer than the limit of {self.limits.seconds:.0f} s; "
                    "split the import into smaller files",
                )
            )

    def add(self, where: str, rows: int, width: int) -> None:
        self.rows += rows
        self.cells += rows * max(width, 1)
        if self.rows > self.limits.rows:
            raise _LimitExceeded(
                Problem(
                    where,
                    None,
                    None,
                    f"the import holds more than {self.limits.rows:,} rows, the limit; "
                    "split it into several imports",
                )
            )
        if self.cells > self.limits.cells:
            raise _LimitExceeded(
                Problem(
                    where,
                    None,
                    None,
                    f"the import holds more than {self.limits.cells:,} cells, the limit; "
                    "split it into several imports",
                )
            )
        if rows:
            self.time(where)


# ---------------------------------------------------------------- reading files


def read_paths(paths: Iterable[str | Path]) -> tuple[list[tuple[str, bytes]], list[Problem]]:
    """Read command-line arguments: files as given, folders as their `*.csv` and `*.xlsx` files."""
    files: list[tuple[str, bytes]] = []
    problems: list[Problem] = []
    for arg in paths:
        p = Path(arg)
        if p.is_dir():
            found = sorted(
                q
                for q in p.iterdir()
                if q.is_file()
                and q.suffix.lower() in (".csv", ".xlsx")
                and not q.name.startswith(("~$", "."))
            )
            if not found:
                problems.append(Problem(str(p), None, None, "the folder holds no <table>.csv or .xlsx files"))
            targets = found
        else:
            targets = [p]
        for q in targets:
            try:
                size = q.stat().st_size
                if size > LIMITS.file_bytes:
                    problems.append(Problem(str(q), None, None, _too_big(size)))
                    continue
                files.append((str(q), q.read_bytes()))
            except FileNotFoundError:
                problems.append(Problem(str(q), None, None, "no such file or folder"))
            except OSError as exc:
                problems.append(Problem(str(q), None, None, f"cannot read the file: {exc.strerror or exc}"))
    return files, problems


def _too_big(size: int) -> str:
    return (
        f"the file is {size / 1e6:,.1f} MB, more than the limit of {LIMITS.file_bytes / 1e6:,.0f} MB "
        "for one file; split it into several files"
    )


def _base(name: str) -> str:
    return Path(name).name


def _match_table(header: list[str]) -> list[str]:
    """Tables whose columns include every header name and whose required columns are all in the header."""
    names = {h for h in header if h}
    return [
        t.name for t in TABLES.values() if names and names <= set(t.column_names) and set(t.required) <= names
    ]


def _table_for(
    label: str, named: str | None, header: list[str], what: str
) -> tuple[str | None, list[Problem], str | None]:
    """The table a file (or sheet) holds: its name if it is a table's, else the one table its header fits."""
    if named in TABLES:
        return named, [], None
    matches = _match_table(header)
    if len(matches) == 1:
        return (
            matches[0],
            [],
            f"{label}: read as table {matches[0]} (its header matches that table's columns)",
        )
    if what == "file":
        start = f"{_base(label)!r} is not named like a table"
        hint = f"name it <table>.csv ({', '.join(t + '.csv' for t in TABLE_NAMES)})"
    else:
        start = f"sheet {named!r} is not named like a table"
        hint = f"name each sheet after its table ({', '.join(TABLE_NAMES)})"
    if matches:
        why = f"and its header fits several tables ({', '.join(matches)})"
    else:
        why = "and its header matches no table's columns"
    return None, [Problem(label, None, None, f"{start} {why}; {hint}")], None


def _read_source(name: str, data: bytes, budget: _Budget) -> tuple[list[_Sheet], list[Problem], list[str]]:
    suffix = Path(name).suffix.lower()
    if len(data) > budget.limits.file_bytes:
        return [], [Problem(name, None, None, _too_big(len(data)))], []
    if suffix == ".csv":
        return _read_csv(name, Path(name).stem, data, budget)
    if suffix == ".xlsx":
        return _read_xlsx(name, data, budget)
    if suffix in (".xls", ".xlsm", ".ods"):
        return (
            [],
            [Problem(name, None, None, f"{suffix} files are not supported; save it as .xlsx or CSV")],
            [],
        )
    return (
        [],
        [Problem(name, None, None, "not a .csv or .xlsx file; save each table as CSV or all as .xlsx")],
        [],
    )


_SEPARATORS = {",": "comma", ";": "semicolon", "\t": "tab"}


def _separator(line: str) -> str:
    """The separator of a CSV header line: the one of , ; tab that occurs most outside quotes (comma on a tie)."""
    counts = dict.fromkeys(_SEPARATORS, 0)
    quoted = False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(counts, key=lambda s: (counts[s], s == ","))
    return best if counts[best] else ","


def _decode(name: str, data: bytes) -> tuple[str | None, list[Problem]]:
    """The file's text (UTF-8, a byte-order mark allowed), or a problem saying what the bytes are."""
    if data.startswith(b"PK\x03\x04"):
        return None, [
            Problem(name, None, None, "this is an Excel (zip) file, not CSV; give it the .xlsx extension")
        ]
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None, [
            Problem(
                name,
                None,
                None,
                "the text is UTF-16 (Excel's 'Unicode Text'), not UTF-8; save the file as 'CSV UTF-8'",
            )
        ]
    if b"\x00" in data:
        return None, [
            Problem(name, None, None, "this is not a text file (it holds binary data); expected CSV text")
        ]
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        message = f"the text is not UTF-8 (byte 0x{data[exc.start]:02x})"
        start = data.rfind(b"\n", 0, exc.start) + 1
        end = data.find(b"\n", exc.start)
        raw = data[start : end if end >= 0 else len(data)][:200]
        try:
            guess = raw.decode("cp1252").strip()
            message += (
                f"; it looks like Windows-1252/Latin-1 text ({guess[:60]!r}), as older Excel "
                "versions save CSV; save the file as 'CSV UTF-8' (Excel: Save As > CSV UTF-8)"
            )
        except UnicodeDecodeError:
            message += "; save the file as 'CSV UTF-8'"
        return None, [Problem(name, line, None, message)]


def _read_csv(
    name: str, stem: str, data: bytes, budget: _Budget
) -> tuple[list[_Sheet], list[Problem], list[str]]:
    """Parse CSV with the csv module, which knows each record's physical line (quoted cells may span lines)."""
    text, problems = _decode(name, data)
    if text is None:
        return [], problems, []
    if not text.strip():
        return (
            [],
            [Problem(name, None, None, "the file is empty; expected a header row with the column names")],
            [],
        )
    first_line = next((ln for ln in text.splitlines() if ln.strip()), "")
    sep = _separator(first_line)
    notes = [] if sep == "," else [f"{name}: read as {_SEPARATORS[sep]}-separated"]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    records: list[list[str]] = []
    lines: list[int] = []
    start = 1
    try:
        for record in reader:
            if record and any(cell.strip() for cell in record):
                records.append(record)
                lines.append(start)
                if len(records) % 50_000 == 0:
                    budget.time(name)
            start = reader.line_num + 1
    except csv.Error as exc:
        return [], [Problem(name, reader.line_num, None, f"the CSV cannot be read: {exc}")], notes
    if not records:
        return (
            [],
            [
                Problem(
                    name,
                    1,
                    None,
                    "the file has no column names: its lines hold only separators or spaces; "
                    "expected a header row such as " + ",".join(TABLES[stem].column_names)
                    if stem in TABLES
                    else "the file has no column names: its lines hold only separators or spaces; "
                    "expected a header row with a table's column names",
                )
            ],
            notes,
        )
    header = [h.strip() for h in records[0]]
    table, problems, note = _table_for(name, stem, header, "file")
    if table is None:
        return [], problems, notes
    if note:
        notes.append(note)
    budget.add(name, len(records) - 1, len(header))
    problems = check_header(name, TABLES[table], header)
    if lines[0] != 1:
        problems.append(Problem(name, lines[0], None, "the header must be on line 1"))
    if problems and any(p.line == 1 for p in problems):
        if len(header) == 1 < len(TABLES[table].required):
            problems.append(
                Problem(
                    name,
                    1,
                    None,
                    "the header holds one column only; separate the columns by commas (,), "
                    "semicolons (;) or tabs",
                )
            )
        return [], problems, notes  # rows under a broken header would only produce noise
    width = len(header)
    good: list[list[str]] = []
    good_lines: list[int] = []
    for record, line in zip(records[1:], lines[1:], strict=True):
        if len(record) > width and not any(c.strip() for c in record[width:]):
            record = record[:width]  # trailing empty cells (a spreadsheet's habit)
        if len(record) != width:
            problems.append(
                Problem(
                    name, line, None, f"the row has {len(record)} values but the header has {width} columns"
                )
            )
            continue
        good.append(record)
        good_lines.append(line)
    frame = (
        pd.DataFrame(good, columns=header, dtype="str") if good else pd.DataFrame(columns=header, dtype="str")
    )
    frame["_line"] = good_lines
    return [_Sheet(name, table, frame)], problems, notes


def _cell_text(value: object) -> str:
    """An Excel cell as the text a CSV would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == dtime(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


EXCEL_EPOCH = date(1899, 12, 30)  # day 0 of Excel's (1900) date serial numbers
_EXCEL_FIRST_SERIAL = 25_569  # 1970-01-01: smaller numbers in a date column are a mistake (a year: 2024)
_EXCEL_LAST_SERIAL = 2_958_465  # 9999-12-31


def _excel_date(value: object) -> str | None:
    """A date typed as a plain number in Excel (a date serial such as 45292 = 2024-01-01), as ISO text."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if not (_EXCEL_FIRST_SERIAL <= value <= _EXCEL_LAST_SERIAL) or not float(value).is_integer():
        return None
    return (EXCEL_EPOCH + timedelta(days=int(value))).isoformat()


def _check_zip(name: str, data: bytes, limits: Limits) -> list[Problem]:
    """Refuse a workbook that would unpack to too much, from the zip directory alone (nothing inflated)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        return [Problem(name, None, None, f"not a readable .xlsx workbook ({type(exc).__name__})")]
    if len(members) > limits.xlsx_members:
        return [
            Problem(
                name,
                None,
                None,
                f"the workbook holds {len(members):,} parts, more than {limits.xlsx_members:,}",
            )
        ]
    unpacked = sum(m.file_size for m in members)
    if unpacked > limits.xlsx_unpacked_bytes:
        return [
            Problem(
                name,
                None,
                None,
                f"the workbook would unpack to {unpacked / 1e6:,.0f} MB, more than the limit of "
                f"{limits.xlsx_unpacked_bytes / 1e6:,.0f} MB; it was not opened. Split it, or save "
                "the tables as CSV",
            )
        ]
    for m in members:
        if m.file_size > _RATIO_FROM_BYTES and m.file_size > limits.xlsx_ratio * max(m.compress_size, 1):
            ratio = m.file_size / max(m.compress_size, 1)
            return [
                Problem(
                    name,
                    None,
                    None,
                    f"part {m.filename!r} of the workbook is compressed {ratio:,.0f}:1 (limit "
                    f"{limits.xlsx_ratio:,.0f}:1); a real sheet never is, so it was not opened "
                    "(a possible zip bomb). Save the tables as CSV",
                )
            ]
    return []


def _read_xlsx(name: str, data: bytes, budget: _Budget) -> tuple[list[_Sheet], list[Problem], list[str]]:
    import openpyxl  # imported here: only Excel imports pay for it

    if not data:
        return [], [Problem(name, None, None, "the file is empty")], []
    refused = _check_zip(name, data, budget.limits)
    if refused:
        return [], refused, []
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on damaged files; none may reach the user raw
        return [], [Problem(name, None, None, f"not a readable .xlsx workbook ({type(exc).__name__})")], []
    sheets: list[_Sheet] = []
    problems: list[Problem] = []
    notes: list[str] = []
    try:
        for ws in book.worksheets:
            title = ws.title.strip()
            label = f"{name}[{ws.title}]"
            if title.lower() in IGNORED_SHEETS:
                continue
            sheet, found, note = _read_sheet(label, title, ws.iter_rows(values_only=True), budget)
            problems += found
            if note:
                notes.append(note)
            if sheet is not None:
                sheets.append(sheet)
    except _LimitExceeded:
        raise
    except Exception as exc:  # a damaged sheet inside a valid zip
        problems.append(Problem(name, None, None, f"cannot read the workbook ({type(exc).__name__})"))
    finally:
        book.close()
    if not sheets and not problems:
        problems.append(
            Problem(name, None, None, f"no sheet is named like a table ({', '.join(TABLE_NAMES)})")
        )
    return sheets, problems, notes


def _read_sheet(
    label: str, title: str, rows: Iterable[tuple[object, ...]], budget: _Budget
) -> tuple[_Sheet | None, list[Problem], str | None]:
    it = iter(rows)
    first = next(it, None)
    if first is None or all(v is None or _cell_text(v).strip() == "" for v in first):
        if title not in TABLES:
            return None, [], None  # an empty sheet of another name (Sheet2): nothing to import
        return None, [Problem(label, 1, None, "row 1 must hold the column names; the sheet has none")], None
    header = [_cell_text(v).strip() for v in first]
    while header and header[-1] == "":
        header.pop()
    table, problems, note = _table_for(label, title, header, "sheet")
    if table is None:
        return None, problems, None
    problems = check_header(label, TABLES[table], header)
    width = len(header)
    dates = [
        i
        for i, h in enumerate(header)
        if h in TABLES[table].column_names and TABLES[table].column(h).kind == "date"
    ]
    records: list[list[str]] = []
    lines: list[int] = []
    counted = number = 1
    for number, row in enumerate(it, start=2):  # noqa: B007 (number is used after the loop)
        if number - counted >= 20_000:
            budget.add(label, number - counted, width)
            counted = number
        cells = [_cell_text(v) for v in row]
        if not any(c.strip() for c in cells):
            continue
        if any(c.strip() for c in cells[width:]):
            problems.append(Problem(label, number, None, "the row has values in columns without a header"))
            continue
        for i in dates:
            if i < len(row):
                iso = _excel_date(row[i])
                if iso is not None:
                    cells[i] = iso
        cells = (cells + [""] * width)[:width]
        records.append(cells)
        lines.append(number)
    budget.add(label, number - counted, width)
    if any(p.line == 1 for p in problems):
        return None, problems, note
    frame = (
        pd.DataFrame(records, columns=header, dtype="str")
        if records
        else pd.DataFrame(columns=header, dtype="str")
    )
    frame["_line"] = lines
    return _Sheet(label, table, frame), problems, note


# ---------------------------------------------------------------- checks without the database


@dataclass
class _Parsed:
    plan: ImportPlan
    frames: dict[str, pd.DataFrame]  # normalised rows per table, TABLES order
    readable: bool  # every file and sheet was read whole: the checks against the database make sense
    today: date = field(default_factory=date.today)


def _parse(files: list[tuple[str, bytes]], today: date, progress: Progress | None) -> _Parsed:
    plan = ImportPlan()
    readable = True
    budget = _Budget(LIMITS)
    by_table: dict[str, list[pd.DataFrame]] = {}
    for name, data in files:
        plan.files.append(SourceFile(name, hashlib.sha256(data).hexdigest(), len(data)))
    for name, data in files:
        started = time.perf_counter()
        try:
            sheets, problems, notes = _read_source(name, data, budget)
        except _LimitExceeded as stop:
            plan.errors.append(stop.problem)
            return _Parsed(plan, {}, False, today)
        except Exception:  # a reader bug must never reach the user as a stack trace
            log.exception("unexpected error reading %s", name)
            sheets, notes = [], []
            problems = [Problem(name, None, None, "the file could not be read (an unexpected error, logged)")]
        plan.errors += problems
        plan.notes += notes
        readable = readable and not problems
        for sheet in sheets:
            frame = sheet.frame
            for column in TABLES[sheet.table].column_names:
                if column not in frame:
                    frame[column] = ""
                frame[column] = frame[column].map(spreadsheet.restore)  # undo the export's formula guard
            frame["_file"] = sheet.label
            by_table.setdefault(sheet.table, []).append(frame)
            if frame.empty:
                plan.notes.append(f"{sheet.label}: no rows")
            if progress:
                progress(f"read {sheet.label}", len(frame), time.perf_counter() - started)
    frames: dict[str, pd.DataFrame] = {}
    for table in TABLES.values():
        parts = by_table.get(table.name)
        if not parts:
            continue
        cols = table.column_names + ["_file", "_line"]
        frame = pd.concat([p[cols] for p in parts], ignore_index=True)
        started = time.perf_counter()
        normal, problems = normalise_table(table, frame, today)
        plan.errors += problems
        plan.rows[table.name] = len(normal)
        frames[table.name] = normal
        try:
            budget.time(table.name)
        except _LimitExceeded as stop:
            plan.errors.append(stop.problem)
            return _Parsed(plan, frames, False, today)
        if progress:
            progress(f"checked {table.name}", len(normal), time.perf_counter() - started)
    return _Parsed(plan, frames, readable, today)


# ---------------------------------------------------------------- checks against the database


class _Db:
    """Small helpers for joining import rows with the database (names from TABLES, values registered)."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self._n = 0

    def frame(self, df: pd.DataFrame) -> str:
        self._n += 1
        name = f"_cpt_import_{self._n}"
        self.con.register(name, df)
        return name

    def run(self, sql: str, params: list[object] | None = None) -> None:
        """Execute a statement and consume its result (DuckDB 2.0 refuses new work while one is pending)."""
        self.con.execute(sql, params).fetchall()

    def drop(self) -> None:
        for i in range(1, self._n + 1):
            self.con.unregister(f"_cpt_import_{i}")

    def existing(self, table: str, column: str, values: pd.Series) -> set[str]:
        """Which of `values` exist in table.column."""
        if values.empty:
            return set()
        view = self.frame(pd.DataFrame({"v": pd.Series(values.unique(), dtype="str")}))
        rows = self.con.execute(
            f"SELECT v FROM {view} SEMI JOIN {table} t ON t.{column} = v"  # noqa: S608 (names from TABLES)
        ).fetchall()
        return {r[0] for r in rows}

    def lookup(self, table: str, key: str, value: str, ids: pd.Series) -> pd.Series:
        """table.value by table.key for `ids`, as text (dates ISO), from the database."""
        if ids.empty:
            return pd.Series(dtype="str")
        view = self.frame(pd.DataFrame({"v": pd.Series(ids.unique(), dtype="str")}))
        df = self.con.execute(
            f"SELECT t.{key} AS k, CAST(t.{value} AS VARCHAR) AS x FROM {table} t "  # noqa: S608
            f"SEMI JOIN {view} ON v = t.{key}"
        ).df()
        return pd.Series(df["x"].to_numpy(), index=df["k"].to_numpy(), dtype="str")


def _parent_value(
    db: _Db, frames: dict[str, pd.DataFrame], table: str, key: str, value: str, ids: pd.Series
) -> pd.Series:
    """The parent's `value` for each id in `ids`: the imported row if there is one, else the database's."""
    ids = ids.dropna()
    imported = pd.Series(dtype="str")
    if table in frames:
        parent = frames[table].dropna(subset=[key]).drop_duplicates(key)
        imported = pd.Series(parent[value].to_numpy(), index=parent[key].to_numpy(), dtype="str")
    rest = ids[~ids.isin(imported.index)]
    from_db = db.lookup(table, key, value, rest)
    both = pd.concat([imported, from_db])
    return ids.map(both)


def _check_references(db: _Db, frames: dict[str, pd.DataFrame], problems: list[Problem]) -> None:
    for table_name, frame in frames.items():
        for column in TABLES[table_name].columns:
            if column.references is None:
                continue
            parent, parent_col = column.references
            values = frame[column.name].dropna()
            imported = frames[parent][parent_col].dropna() if parent in frames else pd.Series(dtype="str")
            outside = values[~values.isin(imported)]
            known = db.existing(parent, parent_col, outside)
            bad = frame[column.name].notna() & frame[column.name].isin(set(outside) - known)
            emit(
                problems,
                frame,
                bad,
                column.name,
                f"unknown {parent_col} {{value}}: it is neither in this import nor in the database ({parent})",
            )


def _check_dates_after_parent(db: _Db, frames: dict[str, pd.DataFrame], problems: list[Problem]) -> None:
    """disclosed_on >= the request's requested_on; event_date >= the case's opened_on."""
    rules = (
        ("disclosures", "disclosed_on", "disclosure_requests", "request_id", "requested_on", "request"),
        ("events", "event_date", "cases", "case_id", "opened_on", "case"),
    )
    for child, child_date, parent, key, parent_date, noun in rules:
        if child not in frames:
            continue
        frame = frames[child]
        start = _parent_value(db, frames, parent, key, parent_date, frame[key])
        before = frame[child_date].notna() & start.notna() & (frame[child_date] < start.reindex(frame.index))
        emit(
            problems,
            frame,
            before.fillna(False),
            child_date,
            f"{{value}} is before the {noun}'s {parent_date} ({{extra}}); it must be on or after it",
            extra=start.reindex(frame.index),
        )


def _check_event_findings(db: _Db, frames: dict[str, pd.DataFrame], problems: list[Problem]) -> None:
    """evidence_submitted and verified name a finding of the same case; other events name none."""
    if "events" not in frames:
        return
    ev = frames["events"]
    needs = ev["event_type"].isin(FINDING_EVENT_TYPES)
    has = ev["finding_id"].notna()
    typed = ev["event_type"].notna()
    emit(
        problems,
        ev,
        typed & needs & ~has,
        "finding_id",
        "is empty; an event of type {extra} must name the finding it concerns",
        extra=ev["event_type"],
    )
    emit(
        problems,
        ev,
        typed & ~needs & has,
        "finding_id",
        "{value} is given, but an event of type " + "{extra} must not name a finding (leave it empty)",
        extra=ev["event_type"],
    )
    case_of = _parent_value(db, frames, "findings", "finding_id", "case_id", ev["finding_id"]).reindex(
        ev.index
    )
    other = has & case_of.notna() & ev["case_id"].notna() & (case_of != ev["case_id"])
    emit(
        problems,
        ev,
        other.fillna(False),
        "finding_id",
        "{value} belongs to case {extra}, not to this event's case",
        extra=case_of.map(repr, na_action="ignore"),
    )


OWNERS: tuple[tuple[str, str, str], ...] = (
    # table, owning column, what the row is called in messages (DATA_FORMAT.md: fixed once written)
    ("contracts", "affiliate_id", "contract"),
    ("contracts", "company_id", "contract"),
    ("product_models", "company_id", "product model"),
    ("disclosure_requests", "company_id", "request"),
    ("cases", "company_id", "case"),
    ("findings", "case_id", "finding"),
    ("events", "case_id", "event"),
    ("events", "finding_id", "event"),
    ("expectations", "affiliate_id", "expectation"),
    ("expectations", "company_id", "expectation"),
)
_OWNER_NOUNS = {
    "company_id": "company",
    "affiliate_id": "affiliate",
    "case_id": "case",
    "finding_id": "finding",
}


def _check_owners(db: _Db, frames: dict[str, pd.DataFrame], problems: list[Problem]) -> None:
    """A row already in the database keeps its owner: an upsert may correct it, never move it."""
    for table_name, column, noun in OWNERS:
        if table_name not in frames:
            continue
        frame = frames[table_name]
        (key,) = TABLES[table_name].key
        ids = frame[key].dropna()
        if ids.empty:
            continue
        view = db.frame(pd.DataFrame({"v": pd.Series(ids.unique(), dtype="str")}))
        stored = db.con.execute(
            f"SELECT t.{key} AS k, CAST(t.{column} AS VARCHAR) AS x FROM {table_name} t "  # noqa: S608 (names from TABLES)
            f"SEMI JOIN {view} ON v = t.{key}"
        ).df()
        if stored.empty:
            continue
        old = frame[key].map(pd.Series(stored["x"].to_numpy(), index=stored["k"].to_numpy(), dtype=object))
        exists = frame[key].isin(set(stored["k"]))
        new = frame[column]
        moved = exists & ((old.isna() != new.isna()) | (old.notna() & new.notna() & (old != new)))
        owner = _OWNER_NOUNS[column]
        for i in frame.index[moved.fillna(False).to_numpy()]:
            was = "no " + owner if pd.isna(old[i]) else f"{owner} {old[i]!r}"
            becomes = "no " + owner if pd.isna(new[i]) else f"{owner} {new[i]!r}"
            problems.append(
                Problem(
                    frame.at[i, "_file"],
                    int(frame.at[i, "_line"]),
                    column,
                    f"{noun} {frame.at[i, key]!r} belongs to {was} in the database; this row would move it "
                    f"to {becomes}. An import may correct a row but never move it to another owner: "
                    "give the row a new id instead",
                )
            )


def _check_children_in_db(db: _Db, frames: dict[str, pd.DataFrame], problems: list[Problem]) -> None:
    """A changed parent must not break rows already in the database that the import leaves alone."""
    rules = (
        # parent table, key, the parent's column, child table, child key, the child's column, test, message
        (
            "disclosure_requests",
            "request_id",
            "requested_on",
            "disclosures",
            None,
            "disclosed_on",
            "min",
            "disclosures already in the database for this request are dated {extra}, before it",
        ),
        (
            "cases",
            "case_id",
            "opened_on",
            "events",
            "event_id",
            "event_date",
            "min",
            "events already in the database for this case are dated {extra}, before it",
        ),
        (
            "findings",
            "finding_id",
            "case_id",
            "events",
            "event_id",
            "case_id",
            "other",
            "events already in the database link this finding to case {extra}",
        ),
    )
    for parent, key, column, child, child_key, child_column, test, message in rules:
        if parent not in frames:
            continue
        frame = frames[parent]
        ids = db.frame(pd.DataFrame({"k": frame[key].dropna().unique().astype("str")}))
        skip = ""
        if child_key is not None and child in frames:
            skip_view = db.frame(
                pd.DataFrame({"s": frames[child][child_key].dropna().unique().astype("str")})
            )
            skip = f"AND c.{child_key} NOT IN (SELECT s FROM {skip_view})"  # noqa: S608 (names from TABLES)
        agg = f"min(c.{child_column})" if test == "min" else f"any_value(c.{child_column})"
        df = db.con.execute(
            f"SELECT c.{key} AS k, CAST({agg} AS VARCHAR) AS x FROM {child} c "  # noqa: S608 (names from TABLES)
            f"WHERE c.{key} IN (SELECT k FROM {ids}) {skip} GROUP BY c.{key}"
        ).df()
        if df.empty:
            continue
        found = frame[key].map(pd.Series(df["x"].to_numpy(), index=df["k"].to_numpy()))
        bad = found.notna() & frame[column].notna()
        bad &= (frame[column] > found) if test == "min" else (frame[column] != found)
        emit(problems, frame, bad.fillna(False), column, message, extra=found.map(repr, na_action="ignore"))


def _staged_sql(table: Table, view: str) -> str:
    cols = ", ".join(
        f"CAST({c.name} AS {SQL_TYPES[c.kind]}) AS {c.name}" if c.kind in SQL_TYPES else c.name
        for c in table.columns
    )
    return f"SELECT {cols} FROM {view}"  # noqa: S608 (names from TABLES)


def _same_row(table: Table, left: str, right: str) -> str:
    return " AND ".join(f"{left}.{c} IS NOT DISTINCT FROM {right}.{c}" for c in table.column_names)


def _key_match(table: Table, left: str, right: str) -> str:
    return " AND ".join(f"{left}.{c} = {right}.{c}" for c in table.key)


def _count(db: _Db, table: Table, frame: pd.DataFrame) -> tuple[TableCounts, str]:
    """Inserted / replaced / unchanged counts; returns also the view of the staged (typed) rows."""
    view = db.frame(frame[table.column_names])
    staged = f"_cpt_staged_{table.name}"
    db.run(f"CREATE OR REPLACE TEMP VIEW {staged} AS {_staged_sql(table, view)}")
    first_key = table.key[0]
    row = db.con.execute(
        f"SELECT count(*) FILTER (WHERE t.{first_key} IS NULL), "  # noqa: S608 (names from TABLES)
        f"count(*) FILTER (WHERE t.{first_key} IS NOT NULL AND NOT ({_same_row(table, 's', 't')})), "
        f"count(*) FILTER (WHERE t.{first_key} IS NOT NULL AND {_same_row(table, 's', 't')}) "
        f"FROM {staged} s LEFT JOIN {table.name} t ON {_key_match(table, 's', 't')}"
    ).fetchall()[0]
    return TableCounts(int(row[0]), int(row[1]), int(row[2])), staged


def _changed_cells(db: _Db, table: Table, staged: str) -> pd.DataFrame:
    """Old and new value of every changed cell of the replaced rows (at most MAX_CHANGED_CELLS)."""
    others = [c for c in table.column_names if c not in table.key]
    if not others:
        return pd.DataFrame(columns=CHANGE_COLUMNS)
    key = " || ', ' || ".join(f"CAST(s.{k} AS VARCHAR)" for k in table.key)
    parts = [
        f"SELECT {key} AS key, ? AS pos, ? AS column, CAST(t.{c} AS VARCHAR) AS old, "  # noqa: S608 (names from TABLES)
        f"CAST(s.{c} AS VARCHAR) AS new FROM {staged} s JOIN {table.name} t ON {_key_match(table, 's', 't')} "
        f"WHERE s.{c} IS DISTINCT FROM t.{c}"
        for c in others
    ]
    params: list[object] = []
    for i, c in enumerate(others):
        params += [i, c]
    df = db.con.execute(
        " UNION ALL ".join(parts) + " ORDER BY key, pos LIMIT ?", [*params, MAX_CHANGED_CELLS]
    ).df()
    df.insert(0, "table", table.name)
    return df[CHANGE_COLUMNS].astype(object).where(df[CHANGE_COLUMNS].notna(), None)


def _check_with_db(parsed: _Parsed, con: duckdb.DuckDBPyConnection) -> tuple[ImportPlan, dict[str, str], _Db]:
    plan, frames = parsed.plan, parsed.frames
    db = _Db(con)
    problems: list[Problem] = []
    _check_references(db, frames, problems)
    _check_owners(db, frames, problems)
    _check_dates_after_parent(db, frames, problems)
    _check_event_findings(db, frames, problems)
    _check_children_in_db(db, frames, problems)
    plan.errors += problems
    staged: dict[str, str] = {}
    if plan.ok:
        changes = []
        for name, frame in frames.items():
            plan.counts[name], staged[name] = _count(db, TABLES[name], frame)
            if plan.counts[name].replaced:
                changes.append(_changed_cells(db, TABLES[name], staged[name]))
        if changes:
            plan.changes = pd.concat(changes, ignore_index=True)
    return plan, staged, db


# ---------------------------------------------------------------- score impact

_EVIDENCE_TABLES = (
    "companies",
    "disclosure_requests",
    "disclosures",
    "due_diligence",
    "cases",
    "findings",
    "events",
)  # what scoring.load_evidence reads
_OWNED_THROUGH = {
    "companies": None,
    "disclosure_requests": None,
    "cases": None,
    "disclosures": ("disclosure_requests", "request_id"),
    "due_diligence": ("disclosure_requests", "request_id"),
    "findings": ("cases", "case_id"),
    "events": ("cases", "case_id"),
}


def _affected_companies(db: _Db, frames: dict[str, pd.DataFrame]) -> list[str]:
    """The companies whose evidence the import touches (owners never change, so before = after)."""
    ids: set[str] = set()
    for name, through in _OWNED_THROUGH.items():
        if name not in frames:
            continue
        if through is None:
            ids |= set(frames[name]["company_id"].dropna())
        else:
            parent, key = through
            ids |= set(_parent_value(db, frames, parent, key, "company_id", frames[name][key]).dropna())
    return sorted(ids)


def _scores(con: duckdb.DuckDBPyConnection, companies: list[str], as_of: date) -> pd.DataFrame:
    import scoring

    if not companies:
        return pd.DataFrame(columns=["sct", "fi", "overall", "band"])
    evidence = scoring.load_evidence(con, companies)
    return scoring.score(evidence, [as_of], company_ids=companies).set_index("company_id")


def _score_changes(before: pd.DataFrame, after: pd.DataFrame, companies: list[str]) -> list[ScoreChange]:
    def row(frame: pd.DataFrame, company: str) -> tuple[tuple[str, str, str], str | None]:
        if company not in frame.index:
            return ("n/a", "n/a", "n/a"), None
        r = frame.loc[company]
        band = r["band"] if isinstance(r["band"], str) else None
        return (two_decimals(r["sct"]), two_decimals(r["fi"]), two_decimals(r["overall"])), band

    out = []
    for company in companies:
        (b, band_b), (a, band_a) = row(before, company), row(after, company)
        if a != b or band_a != band_b:
            out.append(ScoreChange(company, b, a, band_b, band_a))
    return out


def _table_ddl(table: Table) -> str:
    cols = ", ".join(f"{c.name} {SQL_TYPES.get(c.kind, 'VARCHAR')}" for c in table.columns)
    return f"CREATE TABLE {table.name} ({cols}, PRIMARY KEY ({', '.join(table.key)}))"


def _company_rows(con: duckdb.DuckDBPyConnection, name: str, companies: list[str]) -> pd.DataFrame:
    """The rows of table `name` that belong to `companies` (relation API: the ids are a registered
    frame, semi-joined on the owning column or through the owning table)."""
    owners = con.from_df(pd.DataFrame({"company_id": pd.Series(companies, dtype=object)}))
    through = _OWNED_THROUGH[name]
    if through is None:
        rows = con.table(name).join(owners, "company_id", how="semi")
    else:
        parent, key = through
        keys = con.table(parent).join(owners, "company_id", how="semi").select(duckdb.ColumnExpression(key))
        rows = con.table(name).join(keys, key, how="semi")
    return rows.select(*(duckdb.ColumnExpression(c) for c in TABLES[name].column_names)).df()


def _staged_copy(
    con: duckdb.DuckDBPyConnection, frames: dict[str, pd.DataFrame], companies: list[str]
) -> duckdb.DuckDBPyConnection:
    """An in-memory copy of the affected companies' evidence with the import applied (nothing else touched)."""
    mem = duckdb.connect()
    db = _Db(mem)
    for name in _EVIDENCE_TABLES:
        table = TABLES[name]
        db.run(_table_ddl(table))
        rows = _company_rows(con, name, companies)
        if not rows.empty:
            db.run(f"INSERT INTO {name} BY NAME SELECT * FROM {db.frame(rows)}")  # noqa: S608
        if name in frames:
            staged = f"_cpt_staged_{name}"
            db.run(
                f"CREATE TEMP VIEW {staged} AS {_staged_sql(table, db.frame(frames[name][table.column_names]))}"
            )
            _upsert(db, table, staged)
    db.drop()
    return mem


def _sorted(errors: list[Problem], files: list[SourceFile]) -> list[Problem]:
    order = {f.name: i for i, f in enumerate(files)}

    def key(p: Problem) -> tuple[int, str, int, str]:
        base = p.file.split("[", 1)[0] if p.file not in order else p.file
        return (order.get(base, len(order)), p.file, p.line or 0, p.column or "")

    return sorted(errors, key=key)


# ---------------------------------------------------------------- public API


def _preview_scores(plan: ImportPlan, db: _Db, parsed: _Parsed, progress: Progress | None) -> None:
    """Score impact on a staged in-memory copy of the affected companies' evidence (nothing is written)."""
    import scoring

    started = time.perf_counter()
    plan.as_of = scoring.last_quarter_end(parsed.today)
    companies = _affected_companies(db, parsed.frames)
    before = _scores(db.con, companies, plan.as_of)
    mem = _staged_copy(db.con, parsed.frames, companies)
    try:
        after = _scores(mem, companies, plan.as_of)
    finally:
        mem.close()
    plan.score_changes = _score_changes(before, after, companies)
    if progress:
        progress("score impact", plan.total_rows, time.perf_counter() - started)


def effective_date_message(as_of: date) -> str:
    """When newly imported evidence starts to count: scores are taken at quarter ends."""
    from scoring.dates import quarter_end_of

    following = quarter_end_of(as_of + timedelta(days=1))
    return (
        f"Evidence dated up to {as_of.isoformat()} counts from now on. Evidence dated after "
        f"{as_of.isoformat()} will count from the next quarter end ({following.isoformat()})."
    )


def validate_files(
    files: list[tuple[str, bytes]],
    con: duckdb.DuckDBPyConnection,
    *,
    today: date | None = None,
    progress: Progress | None = None,
) -> ImportPlan:
    """Check `files` against each other and the database behind `con`; write nothing (see module doc)."""
    parsed = _parse(files, today or date.today(), progress)
    if parsed.readable:
        checked, _, db = _check_with_db(parsed, con)
        try:
            if checked.ok and checked.total_rows:
                _preview_scores(checked, db, parsed, progress)
        finally:
            db.drop()
    plan = parsed.plan
    plan.errors = _sorted(plan.errors, plan.files)
    plan.frames = parsed.frames
    return plan


def _upsert(db: _Db, table: Table, staged: str) -> None:
    """INSERT ... ON CONFLICT (key) DO UPDATE, skipping rows identical to what is stored.

    DuckDB rewrites a row whose indexed columns (its references) are SET, and its foreign
    keys refuse that when other rows point at it (a case with findings). So rows whose
    references stay the same (always the case for owners) update only their other columns.
    """
    changed = f"_cpt_changed_{table.name}"
    db.run(
        f"CREATE OR REPLACE TEMP TABLE {changed} AS SELECT s.* FROM {staged} s "  # noqa: S608 (names from TABLES)
        f"WHERE NOT EXISTS (SELECT 1 FROM {table.name} t WHERE {_same_row(table, 's', 't')})"
    )
    others = [c for c in table.column_names if c not in table.key]
    refs = [c.name for c in table.columns if c.references is not None and c.name not in table.key]
    conflict = f"ON CONFLICT ({', '.join(table.key)})"
    into = f"INSERT INTO {table.name} BY NAME SELECT c.* FROM {changed} c"  # noqa: S608 (names from TABLES)

    def update(columns: list[str]) -> str:
        return (
            ("DO UPDATE SET " + ", ".join(f"{c} = excluded.{c}" for c in columns))
            if columns
            else "DO NOTHING"
        )

    if not refs:
        db.run(f"{into} {conflict} {update(others)}")
    else:
        moved = " OR ".join(f"c.{r} IS DISTINCT FROM t.{r}" for r in refs)
        exists = f"EXISTS (SELECT 1 FROM {table.name} t WHERE {_key_match(table, 'c', 't')} AND ({moved}))"  # noqa: S608
        db.run(f"{into} WHERE NOT {exists} {conflict} {update([c for c in others if c not in refs])}")
        db.run(f"{into} WHERE {exists} {conflict} {update(others)}")
    db.run(f"DROP TABLE {changed}")


def apply_import(
    path: Path,
    files: list[tuple[str, bytes]],
    who: str,
    *,
    keep: int | None = None,
    today: date | None = None,
    progress: Progress | None = None,
) -> ImportPlan:
    """Validate `files` and, if there is no error, apply them in one published transaction (see module doc)."""
    parsed = _parse(files, today or date.today(), progress)
    plan = parsed.plan
    plan.frames = parsed.frames
    if not plan.ok or plan.total_rows == 0:
        if not plan.ok and parsed.readable:  # report the database checks' errors too
            con = duckdb.connect(str(path), read_only=True)
            try:
                _, _, db = _check_with_db(parsed, con)
                db.drop()
            finally:
                con.close()
        plan.errors = _sorted(plan.errors, plan.files)
        return plan

    def change(con: duckdb.DuckDBPyConnection) -> ImportPlan:
        import scoring

        checked, staged, db = _check_with_db(parsed, con)
        if not checked.ok:
            raise ImportRejected(checked)
        started = time.perf_counter()
        checked.as_of = scoring.last_quarter_end(parsed.today)
        companies = _affected_companies(db, parsed.frames)
        before = _scores(con, companies, checked.as_of)
        for name in TABLES:  # parents first
            if name in staged:
                _upsert(db, TABLES[name], staged[name])
        checked.score_changes = _score_changes(before, _scores(con, companies, checked.as_of), companies)
        if progress:
            progress("wrote", checked.total_rows, time.perf_counter() - started)
        detail = json.dumps(
            {
                "files": [{"name": f.name, "sha256": f.sha256, "bytes": f.size} for f in checked.files],
                "notes": checked.notes,
                "as_of": checked.as_of.isoformat(),
                "score_changes": [c.as_dict() for c in checked.score_changes],
            }
        )
        counts = json.dumps({t: c.as_dict() for t, c in checked.counts.items()})
        db.run(
            "INSERT INTO audit_log (who, action, detail, counts) VALUES (?, 'import', ?, ?)",
            [who, detail, counts],
        )
        db.drop()
        return checked

    try:
        plan = writes.publish(Path(path), change, keep=keep)
        plan.applied = True
    except ImportRejected as rejected:
        plan = rejected.plan
    except duckdb.Error as exc:  # a constraint the checks above did not foresee: still nothing written
        message = str(exc).splitlines()[0]
        plan.errors.append(Problem(str(path), None, None, f"the database refused the import: {message}"))
    plan.errors = _sorted(plan.errors, plan.files)
    return plan


# ---------------------------------------------------------------- what people read (Data page)

AUDIT_COLUMNS = ["When", "Who", "Action", "Files", "Rows", "Score changes"]


def _json(text: object) -> object:
    if not isinstance(text, str):
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def _counts_text(counts: object) -> str:
    if not isinstance(counts, dict):
        return ""
    parts = []
    for table, c in counts.items():
        if isinstance(c, dict):
            said = [f"{c.get(k, 0)} {k}" for k in ("inserted", "replaced", "unchanged") if c.get(k)]
            parts.append(f"{table}: {', '.join(said) or 'no rows'}")
    return "; ".join(parts)


def _score_change_text(change: dict[str, dict[str, object]]) -> str:
    before, after = change.get("before", {}), change.get("after", {})
    text = f"{change.get('company_id')}: " + ", ".join(
        f"{k} {before.get(k)} -> {after.get(k)}" for k in ("sct", "fi", "overall")
    )
    if before.get("band") != after.get("band"):
        text += f" (band {before.get('band') or 'n/a'} -> {after.get('band') or 'n/a'})"
    return text


def audit_table(log: pd.DataFrame) -> pd.DataFrame:
    """The audit log as people read it: when, who, what, which files, rows per table, score changes."""
    rows = []
    for r in log.itertuples(index=False):
        detail, counts = _json(r.detail), _json(r.counts)
        files = scores = ""
        if isinstance(detail, dict):
            files = ", ".join(
                Path(str(f.get("name", ""))).name for f in detail.get("files", []) if isinstance(f, dict)
            )
            changes = detail.get("score_changes")
            if isinstance(changes, list):
                scores = "; ".join(_score_change_text(c) for c in changes if isinstance(c, dict))
                if not changes:
                    scores = f"none at {detail.get('as_of', 'the last quarter end')}"
        rows.append(
            {
                "When": pd.Timestamp(r.logged_at).strftime("%Y-%m-%d %H:%M"),
                "Who": r.who,
                "Action": f"{r.action}: {detail}" if isinstance(detail, str) and detail else r.action,
                "Files": files,
                "Rows": _counts_text(counts),
                "Score changes": scores,
            }
        )
    return pd.DataFrame(rows, columns=AUDIT_COLUMNS)


def audit_csv(table: pd.DataFrame, today: date | None = None) -> bytes:
    """The readable audit log as CSV through the one export helper (header line, formulas made inert)."""
    from data.exports import spreadsheet

    today = today or date.today()
    return spreadsheet.to_csv(
        table, spreadsheet.header_line("import and account audit log", today, None, today)
    )


def preview_frames(plan: ImportPlan) -> dict[str, pd.DataFrame]:
    """What the Data page shows before Apply: counts per table, changed cells, score changes."""
    counts = pd.DataFrame(
        [{"table": t, **c.as_dict()} for t, c in plan.counts.items()],
        columns=["table", "inserted", "replaced", "unchanged"],
    )
    scores = pd.DataFrame(
        [
            {
                "company": c.company_id,
                "SCT": f"{c.before[0]} → {c.after[0]}",
                "FI": f"{c.before[1]} → {c.after[1]}",
                "overall": f"{c.before[2]} → {c.after[2]}",
                "band": f"{c.band_before or 'n/a'} → {c.band_after or 'n/a'}",
                "band changes": c.band_changed,
            }
            for c in plan.score_changes
        ],
        columns=["company", "SCT", "FI", "overall", "band", "band changes"],
    )
    return {
        "counts": counts,
        "changes": plan.changes[CHANGE_COLUMNS].reset_index(drop=True),
        "scores": scores,
    }
