"""Owner corrections (corrections.csv), the preview's words and plurals (issue 22, item 1)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import duckdb
import pytest

from data.cli import main
from data.importing.audit import audit_table, later_evidence_message, score_line, summary_lines
from data.importing.plan import ImportPlan, ScoreChange, plural
from tests.import_world import WORLD, file_state, new_db, tables_content, write_files

FIX = "table,id,field,new_value,reason\n"


def world(tmp_path: Path) -> Path:
    db = new_db(tmp_path / "cpt.duckdb")
    assert main(["import", "--db", str(db), *write_files(tmp_path / "world", WORLD)]) == 0
    return db


def _owner(db: Path, case: str) -> str:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT company_id FROM cases WHERE case_id = ?", [case]).fetchone()[0]
    finally:
        con.close()


def test_owner_error_says_how_to_correct_an_owner(tmp_path: Path, capsys) -> None:
    db = world(tmp_path)
    files = write_files(
        tmp_path / "in",
        {"cases.csv": "case_id,company_id,factory_id,opened_on,title\nCS1,CO2,FA1,2024-04-01,Monitoring\n"},
    )
    capsys.readouterr()
    assert main(["import", "--db", str(db), *files]) == 1
    err = capsys.readouterr().err
    assert "case 'CS1' belongs to company 'CO1'" in err
    assert "correct its owner with a line in corrections.csv" in err and "field = company_id" in err
    assert "error found; nothing was written" in err  # one error: singular


def test_a_correction_moves_the_case_with_its_findings_and_is_audited(tmp_path: Path, capsys) -> None:
    db = world(tmp_path)
    files = write_files(
        tmp_path / "in",
        {"corrections.csv": FIX + 'cases,CS1,company_id,CO2,"recorded against the wrong brand"\n'},
    )
    assert _owner(db, "CS1") == "CO1"
    assert main(["import", "--db", str(db), "--dry-run", *files]) == 0
    assert _owner(db, "CS1") == "CO1"  # a dry run writes nothing
    assert "cases CS1: company_id CO1 -> CO2 (recorded against the wrong brand)" in capsys.readouterr().out
    assert main(["import", "--db", str(db), *files]) == 0
    assert _owner(db, "CS1") == "CO2"
    con = duckdb.connect(str(db), read_only=True)
    try:
        log = con.execute("SELECT * FROM audit_log WHERE action = 'import'").df()
        findings = con.execute("SELECT count(*) FROM findings WHERE case_id = 'CS1'").fetchone()[0]
    finally:
        con.close()
    assert findings > 0  # the case's findings stay with it
    detail = json.loads(log.iloc[-1]["detail"])
    assert detail["corrections"] == [
        {
            "table": "cases",
            "id": "CS1",
            "field": "company_id",
            "old": "CO1",
            "new": "CO2",
            "reason": "recorded against the wrong brand",
        }
    ]
    assert "1 owner correction: cases CS1: company_id CO1 -> CO2" in audit_table(log).iloc[-1]["Rows"]


def test_a_bad_correction_names_file_line_column_and_writes_nothing(tmp_path: Path, capsys) -> None:
    db = world(tmp_path)
    state, before = file_state(db), tables_content(db)
    rows = (
        "cases,CS1,company_id,NOPE,typo\n"  # line 2: unknown company
        "factories,FA1,company_id,CO2,why\n"  # line 3: not correctable
        "cases,CS1,title,CO2,why\n"  # line 4: wrong field
        "contracts,K1,company_id,CO2,\n"  # line 5: no reason
    )
    files = write_files(tmp_path / "in", {"corrections.csv": FIX + rows})
    capsys.readouterr()
    assert main(["import", "--db", str(db), *files]) == 1
    err = capsys.readouterr().err
    assert "corrections.csv:3: table: 'factories' cannot be corrected" in err
    assert "corrections.csv:4: field: 'title' cannot be corrected" in err
    assert "corrections.csv:5: reason: missing" in err
    assert file_state(db) == state and tables_content(db) == before
    files = write_files(
        tmp_path / "in2",
        {"corrections.csv": FIX + "cases,CS1,company_id,NOPE,typo\ncases,CS9,company_id,CO2,x\n"},
    )
    assert main(["import", "--db", str(db), *files]) == 1
    err = capsys.readouterr().err
    assert "corrections.csv:2: new_value: unknown company 'NOPE'" in err
    assert "corrections.csv:3: id: cases has no row 'CS9' in the database" in err
    assert file_state(db) == state and tables_content(db) == before


def test_score_lines_name_the_company_with_arrows() -> None:
    change = ScoreChange(
        "CO0005",
        ("71.20", "60.00", "65.00"),
        ("71.20", "50.00", "59.00"),
        "Good",
        "Developing",
        "Elstrand Digital",
    )
    assert change.label == "Elstrand Digital (CO0005)"
    assert score_line(change) == (
        "Elstrand Digital (CO0005): SCT 71.20 → 71.20, FI 60.00 → 50.00, overall 65.00 → 59.00; band Good → Developing"
    )
    assert change.line().startswith("CO0005: sct 71.20 -> 71.20")  # the CLI's contract keeps the id


def test_plurals_and_empty_tables_and_later_evidence() -> None:
    assert [
        plural(1, "problem"),
        plural(2, "problem"),
        plural(1, "factory", "factories"),
        plural(3, "factory", "factories"),
    ] == ["1 problem", "2 problems", "1 factory", "3 factories"]
    from data.importing.plan import TableCounts

    plan = ImportPlan(
        counts={"companies": TableCounts(), "events": TableCounts(inserted=1)}, as_of=date(2026, 9, 30)
    )
    assert summary_lines(plan)[0] == "events: 1 inserted, 0 replaced, 0 unchanged"
    assert not any(line.startswith("companies") or "no rows" in line for line in summary_lines(plan))
    assert later_evidence_message(plan) is None
    plan.later_rows = 1
    assert later_evidence_message(plan) == (
        "1 row of these files is dated after the last quarter end (2026-09-30): the scores below leave it out, "
        "and it counts from the next quarter end (2026-12-31)."
    )


def test_only_the_schemas_names_reach_a_correction_statement() -> None:
    # Identifiers cannot be bound as parameters: they are checked against the schema and quoted.
    from data.importing import corrections

    assert corrections._ident("cases") == '"cases"'
    assert corrections._ident("_cpt_fix_rows_findings") == '"_cpt_fix_rows_findings"'
    for hostile in ("cases; DROP TABLE cases", 'cases"--', "_cpt_fix_rows_nope", "users"):
        with pytest.raises(ValueError, match="not a table or column"):
            corrections._ident(hostile)
