"""Imports that change scores, chosen from the database itself (so demo changes do not break them),
and what "every figure agrees" compares: a fresh scoring of the live file."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from pathlib import Path

import duckdb
import pandas as pd

import scoring
from data.store import series_cache


def fresh_series(db: Path) -> pd.DataFrame:
    """Every company's in-force series scored now from the file at `db` (in a new connection)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return series_cache.score_file(con)
    finally:
        con.close()


def saved_series(db: Path) -> pd.DataFrame | None:
    """The series saved beside `db` for the evidence it holds now (what pages and a restart read)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        key = series_cache.evidence_key(con)
    finally:
        con.close()
    return series_cache.load(db, key, "in-force")


def at(series: pd.DataFrame, company_id: str, as_of) -> pd.Series:
    rows = series[(series["company_id"] == company_id) & (series["as_of"] == pd.Timestamp(as_of))]
    assert len(rows) == 1, (company_id, as_of)
    return rows.iloc[0]


def band_changing_import(
    db: Path, n: int = 3, start: int = 0
) -> tuple[dict[str, str], dict[str, tuple[str, str]]]:
    """A disclosures.csv that marks every disclosure of `n` companies incomplete, choosing the
    companies (after the first `start` by id) whose band at the last quarter end changes; and
    those companies' bands before and after."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        evidence = scoring.load_evidence(con)
    finally:
        con.close()
    as_of = scoring.last_quarter_end()
    before = scoring.score(evidence, [as_of]).set_index("company_id")["band"]
    chosen: dict[str, tuple[str, str]] = {}
    for company in sorted(evidence.companies["company_id"])[start:]:
        mine = evidence.disclosures["company_id"] == company
        if not mine.any():
            continue
        changed = replace(evidence, disclosures=evidence.disclosures.assign(complete=~mine & evidence.disclosures["complete"]))  # fmt: skip
        after = scoring.score(changed.restrict([company]), [as_of]).set_index("company_id")["band"]
        if after[company] != before[company]:
            chosen[company] = (before[company], after[company])
        if len(chosen) == n:
            break
    rows = evidence.disclosures[evidence.disclosures["company_id"].isin(chosen)]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["request_id", "factory_id", "disclosed_on", "complete"])
    for r in rows.itertuples():
        writer.writerow(
            [r.request_id, r.factory_id, pd.Timestamp(r.disclosed_on).date().isoformat(), "false"]
        )
    return {"disclosures.csv": out.getvalue()}, chosen
