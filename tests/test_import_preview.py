"""The preview says what an import will change: replaced cells and the score impact at the last quarter end.

Checked against the outside: the database content before and after applying the
import on a copy, and the scoring CLI (`python -m scoring --as-of`) run before and after.
"""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import duckdb
import pytest

import scoring
from data.cli import main as data_main
from data.importing import importer
from data.importing.plan import CHANGE_COLUMNS
from data.store.tables import TABLES
from scoring.cli import main as scoring_main


def scoring_cli(db: Path, as_of: str, capsys: pytest.CaptureFixture) -> dict[str, tuple[str, str, str, str]]:
    capsys.readouterr()
    assert scoring_main(["--db", str(db), "--as-of", as_of]) == 0
    rows = csv.DictReader(io.StringIO(capsys.readouterr().out))
    return {r["company_id"]: (r["sct"], r["fi"], r["overall"], r["band"]) for r in rows}


def cells(db: Path, table: str, keys: list[tuple[str, ...]]) -> dict[tuple[str, ...], dict[str, str | None]]:
    """The rows of `table` with these keys, every cell as text (as DuckDB casts it)."""
    t = TABLES[table]
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = (
            con.table(table)
            .select(*(duckdb.ColumnExpression(c).cast(str) for c in t.column_names))
            .fetchall()
        )
    finally:
        con.close()
    wanted = set(keys)
    out = {}
    for row in rows:
        record = dict(zip(t.column_names, row, strict=True))
        key = tuple(record[k] for k in t.key)
        if key in wanted:
            out[key] = record
    return out


def build_import(db: Path) -> dict[str, str]:
    """Edits of the demo world that move scores: from the database itself, so demo changes do not break it."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        # a verified event moved after the last quarter end (and its note corrected)
        ev = con.execute(
            "SELECT event_id, case_id, finding_id, event_date FROM events WHERE event_type = 'verified' "
            "AND event_date < DATE '2026-06-01' ORDER BY event_id LIMIT 1"
        ).fetchone()
        # a finding with evidence but no verification: verified now
        fn = con.execute(
            "SELECT f.finding_id, f.case_id, max(e.event_date) FROM findings f JOIN events e USING (finding_id) "
            "WHERE e.event_type = 'evidence_submitted' AND NOT EXISTS (SELECT 1 FROM events v "
            "WHERE v.finding_id = f.finding_id AND v.event_type = 'verified') AND e.event_date < DATE '2026-05-01' "
            "GROUP BY ALL ORDER BY f.finding_id DESC LIMIT 1"
        ).fetchone()
        # an incomplete disclosure of another company, now complete
        dc = con.execute(
            "SELECT d.request_id, d.factory_id, d.disclosed_on FROM disclosures d "
            "JOIN disclosure_requests r USING (request_id) WHERE NOT d.complete AND r.company_id > ("
            "SELECT company_id FROM cases WHERE case_id = ?) ORDER BY d.disclosed_on DESC LIMIT 1",
            [ev[1]],
        ).fetchone()
        case = con.execute(
            "SELECT case_id, company_id, factory_id, opened_on FROM cases ORDER BY case_id LIMIT 1"
        ).fetchone()
    finally:
        con.close()
    return {
        "events.csv": "event_id,case_id,finding_id,event_type,event_date,note\n"
        f"{ev[0]},{ev[1]},{ev[2]},verified,2026-10-02,re-checked\n"
        f"EVNEW1,{fn[1]},{fn[0]},verified,{fn[2]},\n",
        "disclosures.csv": f"request_id,factory_id,disclosed_on,complete\n{dc[0]},{dc[1]},{dc[2]},true\n",
        "cases.csv": "case_id,company_id,factory_id,opened_on,title\n"
        f"{case[0]},{case[1]},{case[2]},{case[3]},Corrected title\n",
    }


def test_preview_equals_what_the_import_and_the_scoring_cli_show(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    db = tmp_path / "copy.duckdb"
    shutil.copyfile(demo_db, db)
    files = build_import(db)
    as_of = scoring.last_quarter_end().isoformat()
    scores_before = scoring_cli(db, as_of, capsys)
    payload = [(name, text.encode()) for name, text in files.items()]
    con = duckdb.connect(str(db), read_only=True)
    try:
        preview = importer.validate_files(payload, con)
    finally:
        con.close()
    assert preview.ok, preview.errors
    assert preview.as_of.isoformat() == as_of
    replaced = {
        t: [tuple(k.split(", ")) for k in preview.changes.loc[preview.changes["table"] == t, "key"].unique()]
        for t in preview.counts
    }
    content_before = {t: cells(db, t, keys) for t, keys in replaced.items()}

    # the CLI's dry run prints the same score lines
    paths = []
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        paths.append(str(tmp_path / name))
    capsys.readouterr()
    assert data_main(["import", "--db", str(db), "--dry-run", *paths]) == 0
    dry = capsys.readouterr().out
    assert all(line in dry.splitlines() for line in preview.score_lines()), dry

    done = importer.apply_import(db, payload, "test")
    assert done.applied, done.errors
    assert done.score_lines() == preview.score_lines()
    scores_after = scoring_cli(db, as_of, capsys)

    # score changes: exactly the companies whose CLI line changed, with the CLI's numbers
    def na(x: str) -> str:
        return x or "n/a"

    expected = [
        f"{c}: sct {na(b[0])} -> {na(a[0])}, fi {na(b[1])} -> {na(a[1])}, overall {na(b[2])} -> {na(a[2])}"
        for c in sorted(set(scores_before) | set(scores_after))
        for b, a in [(scores_before.get(c, ("",) * 4), scores_after.get(c, ("",) * 4))]
        if b != a
    ]
    assert len(expected) >= 2
    assert preview.score_lines() == expected
    bands = {c.company_id: (c.band_before, c.band_after) for c in preview.score_changes}
    assert bands == {c: (scores_before[c][3] or None, scores_after[c][3] or None) for c in bands}

    # replaced cells: exactly the cells that differ between the rows before and after
    content_after = {t: cells(db, t, keys) for t, keys in replaced.items()}
    diff = sorted(
        (t, ", ".join(k), col, content_before[t][k][col], content_after[t][k][col])
        for t in replaced
        for k in content_after[t]
        for col in TABLES[t].column_names
        if content_before[t][k][col] != content_after[t][k][col]
    )
    shown = sorted(tuple(r) for r in preview.changes[CHANGE_COLUMNS].itertuples(index=False))
    assert shown == diff
    assert {r[0] for r in diff} == {"events", "disclosures", "cases"}
    assert preview.counts["events"].as_dict() == {"inserted": 1, "replaced": 1, "unchanged": 0}


def test_import_without_score_effect_says_so(demo_db: Path, tmp_path: Path, capsys) -> None:
    db = tmp_path / "copy.duckdb"
    shutil.copyfile(demo_db, db)
    (tmp_path / "companies.csv").write_text(
        "company_id,name,role,hq_country\nNEWCO,Quillmere Devices,brand,NL\n"
    )
    assert data_main(["import", "--db", str(db), str(tmp_path / "companies.csv")]) == 0
    out = capsys.readouterr().out
    assert f"no company's score at the last quarter end ({scoring.last_quarter_end()}) changed" in out
    assert "will count from the next quarter end" in out


def test_effective_date_message() -> None:
    from datetime import date

    assert importer.effective_date_message(date(2026, 9, 30)).endswith(
        "Evidence dated after 2026-09-30 will count from the next quarter end (2026-12-31)."
    )
    assert "next quarter end (2027-03-31)" in importer.effective_date_message(date(2026, 12, 31))
