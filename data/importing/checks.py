"""The checks of an import: every file read and normalised (no database), then the reference,
owner, date and cross-table checks against the database, as joins, and the counts and changed
cells of the preview. `upsert` writes staged rows by key (the import and the staged copy)."""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass, field
from datetime import date

import duckdb
import pandas as pd

from data.documents import importing as documents_import
from data.exports import spreadsheet
from data.importing import corrections as owner_fixes
from data.importing import limits
from data.importing.limits import Budget, LimitExceeded
from data.importing.plan import (
    CHANGE_COLUMNS,
    MAX_CHANGED_CELLS,
    ImportPlan,
    Progress,
    SourceFile,
    TableCounts,
)
from data.importing.read import read_source
from data.importing.validate import Problem, emit, normalise_table
from data.store.tables import FINDING_EVENT_TYPES, TABLES, Table
from wording.i18n import N_, _

SQL_TYPES = {"date": "DATE", "bool": "BOOLEAN", "number": "DOUBLE"}
log = logging.getLogger("cpt.import")


@dataclass
class Parsed:
    plan: ImportPlan
    frames: dict[str, pd.DataFrame]  # normalised rows per table, TABLES order
    readable: bool  # every file and sheet was read whole: the checks against the database make sense
    today: date = field(default_factory=date.today)
    documents: documents_import.Incoming | None = None  # documents.csv, its files and links


def parse(files: list[tuple[str, bytes]], today: date, progress: Progress | None) -> Parsed:
    plan = ImportPlan()
    readable = True
    budget = Budget(limits.LIMITS)
    by_table: dict[str, list[pd.DataFrame]] = {}
    for name, data in files:
        plan.files.append(SourceFile(name, hashlib.sha256(data).hexdigest(), len(data)))
    files, problems = documents_import.unpack(files)  # a .zip: the files inside it
    plan.errors += problems
    documents, files, problems = documents_import.split(files, today)  # README, "Source documents"
    plan.errors += problems
    if documents is not None:
        plan.rows["documents"] = len(documents.documents)
        plan.rows["document_links"] = len(documents.links)
    for name, data in files:
        started = time.perf_counter()
        if owner_fixes.is_corrections_file(name):  # not a table: owner corrections (README)
            if len(data) > budget.limits.file_bytes:
                plan.errors.append(Problem(name, None, None, _("the corrections file is too big")))
                readable = False
                continue
            fixes, problems = owner_fixes.read_corrections(name, data)
            plan.corrections += fixes
            plan.errors += problems
            readable = readable and not problems
            continue
        try:
            sheets, problems, notes = read_source(name, data, budget)
        except LimitExceeded as stop:
            plan.errors.append(stop.problem)
            return Parsed(plan, {}, False, today)
        except Exception:  # a reader bug must never reach the user as a stack trace
            log.exception("unexpected error reading %s", name)
            sheets, notes = [], []
            problems = [Problem(name, None, None, _("the file could not be read (an unexpected error, logged)"))]  # fmt: skip
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
        except LimitExceeded as stop:
            plan.errors.append(stop.problem)
            return Parsed(plan, frames, False, today, documents)
        if progress:
            progress(f"checked {table.name}", len(normal), time.perf_counter() - started)
    return Parsed(plan, frames, readable, today, documents)


# ---------------------------------------------------------------- checks against the database


class Db:
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


def parent_value(
    db: Db, frames: dict[str, pd.DataFrame], table: str, key: str, value: str, ids: pd.Series
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


def _check_references(db: Db, frames: dict[str, pd.DataFrame], problems: list[Problem]) -> None:
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
            emit(problems, frame, bad, column.name,
                 _("unknown {key} {value}: it is neither in this import nor in the database ({table})"), table=parent, key=parent_col)  # fmt: skip


DATE_AFTER_PARENT = {
    "request": N_("{value} is before the request's {parent_date} ({extra}); it must be on or after it"),
    "case": N_("{value} is before the case's {parent_date} ({extra}); it must be on or after it"),
}


def _check_dates_after_parent(db: Db, frames: dict[str, pd.DataFrame], problems: list[Problem]) -> None:
    """disclosed_on >= the request's requested_on; event_date >= the case's opened_on."""
    rules = (
        ("disclosures", "disclosed_on", "disclosure_requests", "request_id", "requested_on", "request"),
        ("events", "event_date", "cases", "case_id", "opened_on", "case"),
    )
    for child, child_date, parent, key, parent_date, noun in rules:
        if child not in frames:
            continue
        frame = frames[child]
        start = parent_value(db, frames, parent, key, parent_date, frame[key])
        before = frame[child_date].notna() & start.notna() & (frame[child_date] < start.reindex(frame.index))
        emit(problems, frame, before.fillna(False), child_date, _(DATE_AFTER_PARENT[noun]),
             extra=start.reindex(frame.index), parent_date=parent_date)  # fmt: skip


def _check_event_findings(db: Db, frames: dict[str, pd.DataFrame], problems: list[Problem]) -> None:
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
        _("is empty; an event of type {extra} must name the finding it concerns"),
        extra=ev["event_type"],
    )
    emit(
        problems,
        ev,
        typed & ~needs & has,
        "finding_id",
        _("{value} is given, but an event of type {extra} must not name a finding (leave it empty)"),
        extra=ev["event_type"],
    )
    case_of = parent_value(db, frames, "findings", "finding_id", "case_id", ev["finding_id"]).reindex(
        ev.index
    )
    other = has & case_of.notna() & ev["case_id"].notna() & (case_of != ev["case_id"])
    emit(
        problems,
        ev,
        other.fillna(False),
        "finding_id",
        _("{value} belongs to case {extra}, not to this event's case"),
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


def _check_owners(
    db: Db,
    frames: dict[str, pd.DataFrame],
    problems: list[Problem],
    corrected: dict[tuple[str, str], str] | None = None,
) -> None:
    """A row already in the database keeps its owner: an upsert may correct it, never move it
    (a row corrected by corrections.csv in the same import is compared with its new owner)."""
    corrected = corrected or {}
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
        fixed = {i: v for (t, i), v in corrected.items() if t == table_name and column == owner_fixes.FIELD}
        if fixed:
            old = old.where(~frame[key].isin(set(fixed)), frame[key].map(fixed))
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
                    + (
                        owner_fixes.HOW_TO + "; if it is another row, give it a new id"
                        if column == owner_fixes.FIELD and table_name in owner_fixes.CORRECTABLE
                        else "give the row a new id instead"
                    ),
                )
            )


def _check_children_in_db(db: Db, frames: dict[str, pd.DataFrame], problems: list[Problem]) -> None:
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
            N_("disclosures already in the database for this request are dated {extra}, before it"),
        ),
        (
            "cases",
            "case_id",
            "opened_on",
            "events",
            "event_id",
            "event_date",
            "min",
            N_("events already in the database for this case are dated {extra}, before it"),
        ),
        (
            "findings",
            "finding_id",
            "case_id",
            "events",
            "event_id",
            "case_id",
            "other",
            N_("events already in the database link this finding to case {extra}"),
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
        emit(problems, frame, bad.fillna(False), column, _(message), extra=found.map(repr, na_action="ignore"))  # fmt: skip


def staged_sql(table: Table, view: str) -> str:
    cols = ", ".join(
        f"CAST({c.name} AS {SQL_TYPES[c.kind]}) AS {c.name}" if c.kind in SQL_TYPES else c.name
        for c in table.columns
    )
    return f"SELECT {cols} FROM {view}"  # noqa: S608 (names from TABLES)


def _same_row(table: Table, left: str, right: str) -> str:
    return " AND ".join(f"{left}.{c} IS NOT DISTINCT FROM {right}.{c}" for c in table.column_names)


def _key_match(table: Table, left: str, right: str) -> str:
    return " AND ".join(f"{left}.{c} = {right}.{c}" for c in table.key)


def _count(db: Db, table: Table, frame: pd.DataFrame) -> tuple[TableCounts, str]:
    """Inserted / replaced / unchanged counts; returns also the view of the staged (typed) rows."""
    view = db.frame(frame[table.column_names])
    staged = f"_cpt_staged_{table.name}"
    db.run(f"CREATE OR REPLACE TEMP VIEW {staged} AS {staged_sql(table, view)}")
    first_key = table.key[0]
    row = db.con.execute(
        f"SELECT count(*) FILTER (WHERE t.{first_key} IS NULL), "  # noqa: S608 (names from TABLES)
        f"count(*) FILTER (WHERE t.{first_key} IS NOT NULL AND NOT ({_same_row(table, 's', 't')})), "
        f"count(*) FILTER (WHERE t.{first_key} IS NOT NULL AND {_same_row(table, 's', 't')}) "
        f"FROM {staged} s LEFT JOIN {table.name} t ON {_key_match(table, 's', 't')}"
    ).fetchall()[0]
    return TableCounts(int(row[0]), int(row[1]), int(row[2])), staged


def _changed_cells(db: Db, table: Table, staged: str) -> pd.DataFrame:
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


def check_with_db(parsed: Parsed, con: duckdb.DuckDBPyConnection) -> tuple[ImportPlan, dict[str, str], Db]:
    plan, frames = parsed.plan, parsed.frames
    db = Db(con)
    problems: list[Problem] = []
    if plan.corrections:
        plan.corrections, found = owner_fixes.check_corrections(db, plan.corrections, frames)
        problems += found
    _check_references(db, frames, problems)
    _check_owners(db, frames, problems, owner_fixes.corrected_owners(plan.corrections))
    _check_dates_after_parent(db, frames, problems)
    _check_event_findings(db, frames, problems)
    _check_children_in_db(db, frames, problems)
    if parsed.documents is not None:
        problems += documents_import.check(con, parsed.documents, frames)
        plan.counts |= parsed.documents.counts
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


def upsert(db: Db, table: Table, staged: str) -> None:
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
