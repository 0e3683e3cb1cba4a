"""The audit log as people read it: who, when, which files, rows per table, score changes; CSV without formulas."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import duckdb

from data.cli import main
from data.importing import importer
from data.importing.audit import AUDIT_COLUMNS, audit_csv, audit_table
from data.queries import companies as company_queries
from tests.import_world import WORLD, new_db, write_files


def test_audit_log_is_readable_and_its_csv_runs_no_formula(tmp_path: Path, capsys) -> None:
    db = new_db(tmp_path / "cpt.duckdb")
    assert main(["import", "--db", str(db), *write_files(tmp_path / "world", WORLD)]) == 0
    files = [
        (
            "=HYPERLINK(evil).csv",
            b"event_id,case_id,finding_id,event_type,event_date,note\nEV3,CS1,FN1,verified,2024-06-01,\n",
        )
    ]
    plan = importer.apply_import(db, files, "dashboard:staff-1")
    assert plan.applied, plan.errors
    (change,) = plan.score_changes
    assert change.company_id == "CO1" and change.before[1] != change.after[1]

    con = duckdb.connect(str(db), read_only=True)
    try:
        log = company_queries.audit_log(con)
    finally:
        con.close()
    detail = json.loads(log.iloc[0]["detail"])
    assert detail["as_of"] == plan.as_of.isoformat()
    assert detail["score_changes"] == [change.as_dict()]
    table = audit_table(log)
    newest = table.iloc[0].to_dict()
    assert newest["Who"] == "dashboard:staff-1" and newest["Action"] == "import"
    assert newest["Files"] == "=HYPERLINK(evil).csv"
    assert newest["Rows"] == "events: 1 inserted"
    assert newest["Score changes"] == change.line() + (
        f" (band {change.band_before or 'n/a'} -> {change.band_after or 'n/a'})"
        if change.band_changed
        else ""
    )
    assert table.iloc[1]["Rows"].startswith("companies: 2 inserted; affiliates: 1 inserted")
    assert len(newest["When"]) == len("2026-11-29 12:00")

    text = audit_csv(table).decode("utf-8")
    assert text.startswith("# CPT import and account audit log as of ")
    assert "methodology not applicable (evidence records, not scores)" in text.splitlines()[0]
    records = list(csv.reader(io.StringIO(text.split("\n", 1)[1])))
    assert records[0] == AUDIT_COLUMNS
    assert records[1][3] == "'=HYPERLINK(evil).csv"  # made inert
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in records[1:] for cell in row)
