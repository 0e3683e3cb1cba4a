"""Score impact of an import: the SCT, FI and overall score at the last quarter end of every
affected company before and after, on an in-memory staged copy (a preview) or in the writer's
transaction (an apply)."""

from __future__ import annotations

import time
from datetime import date

import duckdb
import pandas as pd

from data.importing import corrections as owner_fixes
from data.importing.checks import SQL_TYPES, Db, Parsed, parent_value, staged_sql, upsert
from data.importing.plan import ImportPlan, Progress, ScoreChange, two_decimals
from data.store.tables import TABLES, Table
from scoring.evidence import EVIDENCE_TABLES

_EVIDENCE_TABLES = EVIDENCE_TABLES  # what scoring.load_evidence reads
_OWNED_THROUGH = {
    "companies": None,
    "disclosure_requests": None,
    "cases": None,
    "disclosures": ("disclosure_requests", "request_id"),
    "due_diligence": ("disclosure_requests", "request_id"),
    "findings": ("cases", "case_id"),
    "events": ("cases", "case_id"),
}


def affected_companies(
    db: Db, frames: dict[str, pd.DataFrame], corrections: list[owner_fixes.Correction] | None = None
) -> list[str]:
    """The companies whose evidence the import touches: the owners of the imported rows (an
    import never moves a row) and, for an owner correction, the old and the new owner."""
    ids: set[str] = {v for c in corrections or [] for v in (c.old_value, c.new_value) if v}
    for name, through in _OWNED_THROUGH.items():
        if name not in frames:
            continue
        if through is None:
            ids |= set(frames[name]["company_id"].dropna())
        else:
            parent, key = through
            ids |= set(parent_value(db, frames, parent, key, "company_id", frames[name][key]).dropna())
    return sorted(ids)


def scores_at(con: duckdb.DuckDBPyConnection, companies: list[str], as_of: date) -> pd.DataFrame:
    import scoring

    if not companies:
        return pd.DataFrame(columns=["sct", "fi", "overall", "band"])
    evidence = scoring.load_evidence(con, companies)
    return scoring.score(evidence, [as_of], company_ids=companies).set_index("company_id")


def company_names(db: Db, frames: dict[str, pd.DataFrame], companies: list[str]) -> dict[str, str]:
    """Each company's name: the imported row's if the import names it, else the database's."""
    if not companies:
        return {}
    names = parent_value(db, frames, "companies", "company_id", "name", pd.Series(companies, dtype="str"))
    return {c: n for c, n in zip(companies, names, strict=True) if isinstance(n, str) and n}


def later_evidence(frames: dict[str, pd.DataFrame], as_of: date) -> int:
    """How many imported evidence rows are dated after `as_of` (they count from the next quarter end)."""
    later = 0
    for name in _EVIDENCE_TABLES:
        if name not in frames or frames[name].empty:
            continue
        dates = [c.name for c in TABLES[name].columns if c.kind == "date" and c.name in frames[name]]
        if dates:
            cells = frames[name][dates].apply(pd.to_datetime, errors="coerce")
            later += int((cells > pd.Timestamp(as_of)).any(axis=1).sum())
    return later


def changed_scores(
    before: pd.DataFrame, after: pd.DataFrame, companies: list[str], names: dict[str, str] | None = None
) -> list[ScoreChange]:
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
            out.append(ScoreChange(company, b, a, band_b, band_a, (names or {}).get(company)))
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
    con: duckdb.DuckDBPyConnection,
    frames: dict[str, pd.DataFrame],
    companies: list[str],
    corrections: list[owner_fixes.Correction],
) -> duckdb.DuckDBPyConnection:
    """An in-memory copy of the affected companies' evidence with the import applied (nothing else touched)."""
    mem = duckdb.connect()
    db = Db(mem)
    for name in _EVIDENCE_TABLES:
        table = TABLES[name]
        db.run(_table_ddl(table))
        rows = _company_rows(con, name, companies)
        if not rows.empty:
            db.run(f"INSERT INTO {name} BY NAME SELECT * FROM {db.frame(rows)}")  # noqa: S608
        if name in frames:
            staged = f"_cpt_staged_{name}"
            db.run(
                f"CREATE TEMP VIEW {staged} AS {staged_sql(table, db.frame(frames[name][table.column_names]))}"
            )
            upsert(db, table, staged)
    owner_fixes.apply_in_memory(mem, corrections)
    db.drop()
    return mem


def preview_scores(plan: ImportPlan, db: Db, parsed: Parsed, progress: Progress | None) -> None:
    """Score impact on a staged in-memory copy of the affected companies' evidence (nothing is written)."""
    import scoring

    started = time.perf_counter()
    plan.as_of = scoring.last_quarter_end(parsed.today)
    companies = affected_companies(db, parsed.frames, plan.corrections)
    before = scores_at(db.con, companies, plan.as_of)
    mem = _staged_copy(db.con, parsed.frames, companies, plan.corrections)
    try:
        after = scores_at(mem, companies, plan.as_of)
    finally:
        mem.close()
    plan.score_changes = changed_scores(before, after, companies, company_names(db, parsed.frames, companies))
    plan.later_rows = later_evidence(parsed.frames, plan.as_of)
    if progress:
        progress("score impact", plan.total_rows, time.perf_counter() - started)
