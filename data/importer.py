"""Import evidence from CSV and Excel files (DATA_FORMAT.md), all or nothing.

Python API (the CLI and the dashboard's Data page both use it; no Streamlit here):

    validate_files(files, con, *, today=None) -> ImportPlan
        `files` is a list of (name, bytes): `disclosures.csv` (one table, named by
        the file) or `anything.xlsx` (one sheet per table, named like the table;
        a sheet called README is ignored). `con` is a connection to the database
        the import would go into (read-only is enough). Nothing is written. The
        plan holds every error found (`plan.errors`, a list of `Problem` with
        `file`, `line`, `column`, `problem`; `str(p)` gives
        `file:line: column: problem`) and, when there are none, per table what
        the import would do (`plan.counts[table]`: `inserted`, `replaced` = an
        existing key with different values, `unchanged` = an existing key with
        the same values).

    apply_import(path, files, who, *, keep=None, today=None) -> ImportPlan
        Validate and apply in one `store.publish` call: the checks that need the
        database run again inside the writer's transaction, on the very copy
        that will be published. Rows are upserted by key, parents first; rows
        not mentioned are never deleted. One `audit_log` row records who, the
        files (name and SHA-256) and the counts. On any error nothing is
        written and `plan.errors` says why; `plan.applied` tells which happened.

    read_paths(paths) -> (files, problems)
        Turn command-line arguments (files or folders) into (name, bytes); a
        folder means every `<table>.csv` and `*.xlsx` in it.

Checks that need no database live in data/validate.py; the reference and
cross-table checks (a reference must exist in the import or the database;
disclosed_on >= the request's requested_on; event_date >= the case's
opened_on; an evidence_submitted/verified event names a finding of its own
case) live here, as joins, because they may need rows from the database.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import time
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from datetime import time as dtime
from pathlib import Path

import duckdb
import pandas as pd

from data import store
from data.tables import FINDING_EVENT_TYPES, TABLE_NAMES, TABLES, Table
from data.validate import Problem, check_header, emit, normalise_table

__all__ = ["ImportPlan", "Problem", "TableCounts", "apply_import", "read_paths", "validate_files"]

IGNORED_SHEETS = ("readme",)
SQL_TYPES = {"date": "DATE", "bool": "BOOLEAN", "number": "DOUBLE"}
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


# ---------------------------------------------------------------- reading files


def read_paths(paths: Iterable[str | Path]) -> tuple[list[tuple[str, bytes]], list[Problem]]:
    """Read command-line arguments: files as given, folders as their `<table>.csv` and `*.xlsx` files."""
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
                files.append((str(q), q.read_bytes()))
            except FileNotFoundError:
                problems.append(Problem(str(q), None, None, "no such file or folder"))
            except OSError as exc:
                problems.append(Problem(str(q), None, None, f"cannot read the file: {exc.strerror or exc}"))
    return files, problems


def _read_source(name: str, data: bytes) -> tuple[list[_Sheet], list[Problem]]:
    suffix = Path(name).suffix.lower()
    if suffix == ".csv":
        table = Path(name).stem
        if table not in TABLES:
            return [], [
                Problem(
                    name,
                    None,
                    None,
                    f"{Path(name).name!r} is not named like a table; "
                    f"use one of: {', '.join(t + '.csv' for t in TABLE_NAMES)}",
                )
            ]
        return _read_csv(name, table, data)
    if suffix == ".xlsx":
        return _read_xlsx(name, data)
    if suffix in (".xls", ".xlsm", ".ods"):
        return [], [Problem(name, None, None, f"{suffix} files are not supported; save it as .xlsx or CSV")]
    return [], [Problem(name, None, None, "not a .csv or .xlsx file; name each CSV file <table>.csv")]


def _read_csv(name: str, table: str, data: bytes) -> tuple[list[_Sheet], list[Problem]]:
    """Parse CSV with the csv module, which knows each record's physical line (quoted cells may span lines)."""
    if data.startswith(b"PK\x03\x04"):
        return [], [
            Problem(name, None, None, "this is an Excel (zip) file, not CSV; give it the .xlsx extension")
        ]
    if b"\x00" in data:
        return [], [
            Problem(name, None, None, "this is not a text file (it holds binary data); expected CSV text")
        ]
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return [], [
            Problem(
                name,
                line,
                None,
                f"the text is not UTF-8 (byte 0x{data[exc.start]:02x}); save the file as 'CSV UTF-8'",
            )
        ]
    if not text.strip():
        return [], [
            Problem(name, None, None, "the file is empty; expected a header row with the column names")
        ]
    reader = csv.reader(io.StringIO(text, newline=""))
    records: list[list[str]] = []
    lines: list[int] = []
    start = 1
    try:
        for record in reader:
            if record and any(cell.strip() for cell in record):
                records.append(record)
                lines.append(start)
            start = reader.line_num + 1
    except csv.Error as exc:
        return [], [Problem(name, reader.line_num, None, f"the CSV cannot be read: {exc}")]
    header = [h.strip() for h in records[0]]
    problems = check_header(name, TABLES[table], header)
    if lines[0] != 1:
        problems.append(Problem(name, lines[0], None, "the header must be on line 1"))
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
    if problems and any(p.line == 1 for p in problems):
        return [], problems  # rows under a broken header would only produce noise
    frame = (
        pd.DataFrame(good, columns=header, dtype="str") if good else pd.DataFrame(columns=header, dtype="str")
    )
    frame["_line"] = good_lines
    return [_Sheet(name, table, frame)], problems


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


def _read_xlsx(name: str, data: bytes) -> tuple[list[_Sheet], list[Problem]]:
    import openpyxl  # imported here: only Excel imports pay for it

    if not data:
        return [], [Problem(name, None, None, "the file is empty")]
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        return [], [Problem(name, None, None, f"not a readable .xlsx workbook ({type(exc).__name__})")]
    except Exception as exc:  # openpyxl raises many kinds on damaged files; none may reach the user raw
        return [], [Problem(name, None, None, f"not a readable .xlsx workbook ({type(exc).__name__})")]
    sheets: list[_Sheet] = []
    problems: list[Problem] = []
    try:
        for ws in book.worksheets:
            title = ws.title.strip()
            label = f"{name}[{ws.title}]"
            if title.lower() in IGNORED_SHEETS:
                continue
            if title not in TABLES:
                problems.append(
                    Problem(
                        label,
                        None,
                        None,
                        f"sheet {ws.title!r} is not named like a table; "
                        f"name each sheet after its table: {', '.join(TABLE_NAMES)}",
                    )
                )
                continue
            sheet, found = _read_sheet(label, title, ws.iter_rows(values_only=True))
            problems += found
            if sheet is not None:
                sheets.append(sheet)
    except Exception as exc:  # a damaged sheet inside a valid zip
        problems.append(Problem(name, None, None, f"cannot read the workbook ({type(exc).__name__}: {exc})"))
    finally:
        book.close()
    if not sheets and not problems:
        problems.append(
            Problem(name, None, None, f"no sheet is named like a table ({', '.join(TABLE_NAMES)})")
        )
    return sheets, problems


def _read_sheet(
    label: str, table: str, rows: Iterable[tuple[object, ...]]
) -> tuple[_Sheet | None, list[Problem]]:
    it = iter(rows)
    first = next(it, None)
    if first is None or all(v is None for v in first):
        return None, [Problem(label, 1, None, "row 1 must hold the column names; the sheet has none")]
    header = [_cell_text(v).strip() for v in first]
    while header and header[-1] == "":
        header.pop()
    problems = check_header(label, TABLES[table], header)
    width = len(header)
    records: list[list[str]] = []
    lines: list[int] = []
    for number, row in enumerate(it, start=2):
        cells = [_cell_text(v) for v in row]
        if not any(c.strip() for c in cells):
            continue
        if any(c.strip() for c in cells[width:]):
            problems.append(Problem(label, number, None, "the row has values in columns without a header"))
            continue
        cells = (cells + [""] * width)[:width]
        records.append(cells)
        lines.append(number)
    if any(p.line == 1 for p in problems):
        return None, problems
    frame = (
        pd.DataFrame(records, columns=header, dtype="str")
        if records
        else pd.DataFrame(columns=header, dtype="str")
    )
    frame["_line"] = lines
    return _Sheet(label, table, frame), problems


# ---------------------------------------------------------------- checks without the database


@dataclass
class _Parsed:
    plan: ImportPlan
    frames: dict[str, pd.DataFrame]  # normalised rows per table, TABLES order
    readable: bool  # every file and sheet was read whole: the checks against the database make sense


def _parse(files: list[tuple[str, bytes]], today: date, progress: Progress | None) -> _Parsed:
    plan = ImportPlan()
    readable = True
    by_table: dict[str, list[pd.DataFrame]] = {}
    for name, data in files:
        plan.files.append(SourceFile(name, hashlib.sha256(data).hexdigest(), len(data)))
        started = time.perf_counter()
        sheets, problems = _read_source(name, data)
        plan.errors += problems
        readable = readable and not problems
        for sheet in sheets:
            frame = sheet.frame
            for column in TABLES[sheet.table].column_names:
                if column not in frame:
                    frame[column] = ""
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
        if progress:
            progress(f"checked {table.name}", len(normal), time.perf_counter() - started)
    return _Parsed(plan, frames, readable)


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


def _check_with_db(parsed: _Parsed, con: duckdb.DuckDBPyConnection) -> tuple[ImportPlan, dict[str, str], _Db]:
    plan, frames = parsed.plan, parsed.frames
    db = _Db(con)
    problems: list[Problem] = []
    _check_references(db, frames, problems)
    _check_dates_after_parent(db, frames, problems)
    _check_event_findings(db, frames, problems)
    _check_children_in_db(db, frames, problems)
    plan.errors += problems
    staged: dict[str, str] = {}
    if plan.ok:
        for name, frame in frames.items():
            plan.counts[name], staged[name] = _count(db, TABLES[name], frame)
    return plan, staged, db


def _sorted(errors: list[Problem], files: list[SourceFile]) -> list[Problem]:
    order = {f.name: i for i, f in enumerate(files)}

    def key(p: Problem) -> tuple[int, str, int, str]:
        base = p.file.split("[", 1)[0] if p.file not in order else p.file
        return (order.get(base, len(order)), p.file, p.line or 0, p.column or "")

    return sorted(errors, key=key)


# ---------------------------------------------------------------- public API


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
        _, _, db = _check_with_db(parsed, con)
        db.drop()
    plan = parsed.plan
    plan.errors = _sorted(plan.errors, plan.files)
    plan.frames = parsed.frames
    return plan


def _upsert(db: _Db, table: Table, staged: str) -> None:
    """INSERT ... ON CONFLICT (key) DO UPDATE, skipping rows identical to what is stored."""
    changed = f"_cpt_changed_{table.name}"
    db.run(
        f"CREATE OR REPLACE TEMP TABLE {changed} AS SELECT s.* FROM {staged} s "  # noqa: S608 (names from TABLES)
        f"WHERE NOT EXISTS (SELECT 1 FROM {table.name} t WHERE {_same_row(table, 's', 't')})"
    )
    others = [c for c in table.column_names if c not in table.key]
    action = ("DO UPDATE SET " + ", ".join(f"{c} = excluded.{c}" for c in others)) if others else "DO NOTHING"
    db.run(
        f"INSERT INTO {table.name} BY NAME SELECT * FROM {changed} "  # noqa: S608 (names from TABLES)
        f"ON CONFLICT ({', '.join(table.key)}) {action}"
    )
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
        checked, staged, db = _check_with_db(parsed, con)
        if not checked.ok:
            raise ImportRejected(checked)
        started = time.perf_counter()
        for name in TABLES:  # parents first
            if name in staged:
                _upsert(db, TABLES[name], staged[name])
        if progress:
            progress("wrote", checked.total_rows, time.perf_counter() - started)
        detail = json.dumps(
            {"files": [{"name": f.name, "sha256": f.sha256, "bytes": f.size} for f in checked.files]}
        )
        counts = json.dumps({t: c.as_dict() for t, c in checked.counts.items()})
        db.run(
            "INSERT INTO audit_log (who, action, detail, counts) VALUES (?, 'import', ?, ?)",
            [who, detail, counts],
        )
        db.drop()
        return checked

    try:
        plan = store.publish(Path(path), change, keep=store.DEFAULT_BACKUPS if keep is None else keep)
        plan.applied = True
    except ImportRejected as rejected:
        plan = rejected.plan
    except duckdb.Error as exc:  # a constraint the checks above did not foresee: still nothing written
        message = str(exc).splitlines()[0]
        plan.errors.append(Problem(str(path), None, None, f"the database refused the import: {message}"))
    plan.errors = _sorted(plan.errors, plan.files)
    return plan
