"""What a good import does: upsert by key, idempotent, audited, backed up, atomic, readable while it runs."""

from __future__ import annotations

import hashlib
import json
import os
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest

from data import store
from data.cli import main
from data.importing import checks, importer
from tests.import_world import WORLD, file_state, new_db, tables_content, write_files


@pytest.fixture
def world(tmp_path: Path) -> tuple[Path, list[str]]:
    """A database holding the small world, and the CSV files it was imported from."""
    db = new_db(tmp_path / "cpt.duckdb")
    paths = write_files(tmp_path / "world", WORLD)
    assert main(["import", "--db", str(db), "--keep", "3", *paths]) == 0
    return db, paths


def count(db: Path, table: str) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.table(table).aggregate("count(*)").fetchall()[0][0]
    finally:
        con.close()


def test_import_reports_what_it_did(tmp_path: Path, capsys) -> None:
    db = new_db(tmp_path / "cpt.duckdb")
    paths = write_files(tmp_path / "world", WORLD)
    assert main(["import", "--db", str(db), "--dry-run", *paths]) == 0
    out = capsys.readouterr().out
    assert "dry run: nothing was written" in out
    assert "factories: 2 inserted, 0 replaced, 0 unchanged" in out
    assert count(db, "factories") == 0
    assert main(["import", "--db", str(db), str(tmp_path / "world")]) == 0  # a folder
    out = capsys.readouterr().out
    assert "imported into" in out and "events: 2 inserted, 0 replaced" in out
    assert count(db, "events") == 2


def test_values_are_typed(world: tuple[Path, list[str]]) -> None:
    db, _ = world
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT start_date, end_date, annual_spend_eur FROM contracts").fetchall() == [
            (date(2024, 1, 1), date(2027, 12, 31), 125000.5)
        ]
        assert con.execute("SELECT complete FROM disclosures").fetchall() == [(True,)]
        assert con.execute("SELECT note FROM due_diligence").fetchall() == [("asked twice,\nno answer",)]
        assert con.execute("SELECT address FROM factories WHERE factory_id = 'FA2'").fetchall() == [(None,)]
    finally:
        con.close()


def test_importing_the_same_files_twice_changes_nothing(world: tuple[Path, list[str]], capsys) -> None:
    db, paths = world
    before = tables_content(db)
    capsys.readouterr()
    assert main(["import", "--db", str(db), *paths]) == 0
    out = capsys.readouterr().out
    assert "companies: 0 inserted, 0 replaced, 2 unchanged" in out
    assert "events: 0 inserted, 0 replaced, 2 unchanged" in out
    after = tables_content(db)
    assert {k: v for k, v in after.items() if k != "audit_log"} == {
        k: v for k, v in before.items() if k != "audit_log"
    }


def test_upsert_replaces_by_key_and_never_deletes(
    world: tuple[Path, list[str]], tmp_path: Path, capsys
) -> None:
    db, _ = world
    files = write_files(
        tmp_path / "upd",
        {
            "companies.csv": "company_id,name,role\nCO1,Acme Devices Group,brand\nCO3,Cinder,reseller\n",
            "disclosures.csv": "request_id,factory_id,disclosed_on,complete\nR1,FA1,2024-02-15,no\n",
        },
    )
    capsys.readouterr()
    assert main(["import", "--db", str(db), *files]) == 0
    out = capsys.readouterr().out
    assert "companies: 1 inserted, 1 replaced, 0 unchanged" in out
    assert "disclosures: 0 inserted, 1 replaced, 0 unchanged" in out
    content = tables_content(db)
    # a missing optional column means an empty value for the rows given, like an empty cell
    assert content["companies"] == [
        ("CO1", "Acme Devices Group", "brand", None),
        ("CO2", "Bolt Assembly", "contractor", "CN"),
        ("CO3", "Cinder", "reseller", None),
    ]
    assert content["disclosures"] == [("R1", "FA1", date(2024, 2, 15), False)]
    assert len(content["events"]) == 2 and len(content["product_models"]) == 1


def test_tables_with_only_key_columns_do_nothing_on_conflict(
    world: tuple[Path, list[str]], tmp_path: Path, capsys
) -> None:
    db, _ = world
    files = write_files(tmp_path / "cp", {"contract_products.csv": "product_model_id,contract_id\nPM1,K1\n"})
    capsys.readouterr()
    assert main(["import", "--db", str(db), *files]) == 0
    assert "contract_products: 0 inserted, 0 replaced, 1 unchanged" in capsys.readouterr().out


def test_audit_log_records_who_files_and_counts(tmp_path: Path) -> None:
    db = new_db(tmp_path / "cpt.duckdb")
    files = [(name, text.encode()) for name, text in WORLD.items()]
    plan = importer.apply_import(db, files, "alice")
    assert plan.ok and plan.applied
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute("SELECT who, action, detail, counts, logged_at FROM audit_log").fetchall()
    finally:
        con.close()
    assert len(rows) == 1
    who, action, detail, counts, logged_at = rows[0]
    assert (who, action) == ("alice", "import")
    recorded = {f["name"]: f["sha256"] for f in json.loads(detail)["files"]}
    assert recorded == {name: hashlib.sha256(text.encode()).hexdigest() for name, text in WORLD.items()}
    assert json.loads(counts)["findings"] == {"inserted": 2, "replaced": 0, "unchanged": 0}
    assert isinstance(logged_at, datetime)


def test_cli_audits_the_os_user(world: tuple[Path, list[str]]) -> None:
    db, _ = world
    con = duckdb.connect(str(db), read_only=True)
    try:
        who = con.execute("SELECT who FROM audit_log").fetchall()
    finally:
        con.close()
    assert who and who[0][0] not in ("", None)


def test_backups_are_kept_pruned_and_restorable(
    world: tuple[Path, list[str]], tmp_path: Path, capsys
) -> None:
    db, _ = world
    names = []
    for i in range(4):
        files = write_files(
            tmp_path / f"v{i}", {"companies.csv": f"company_id,name,role\nCO1,Name {i},brand\n"}
        )
        assert main(["import", "--db", str(db), "--keep", "2", *files]) == 0
        names.append(tables_content(db)["companies"][0][1])
    assert len(store.list_backups(db)) == 2
    capsys.readouterr()
    assert main(["restore", "--db", str(db), "--list"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert len(listed) == 2 and listed[0].split("\t")[0] == store.list_backups(db)[0].name
    assert main(["restore", "--db", str(db), "--latest", "--keep", "2"]) == 0
    assert tables_content(db)["companies"][0][1] == names[-2]
    oldest = store.list_backups(db)[-1].name
    assert main(["restore", "--db", str(db), oldest]) == 0
    assert main(["restore", "--db", str(db), "no-such-backup"]) == 1
    assert "no backup named" in capsys.readouterr().err


def test_restore_without_backups_says_so(tmp_path: Path, capsys) -> None:
    db = new_db(tmp_path / "cpt.duckdb")
    assert main(["restore", "--db", str(db), "--latest"]) == 1
    assert "no backups" in capsys.readouterr().err


def test_crash_mid_import_leaves_the_live_file_untouched(
    world: tuple[Path, list[str]], tmp_path: Path, monkeypatch
) -> None:
    db, _ = world
    state, before, backups = file_state(db), tables_content(db), store.list_backups(db)
    real_run = checks.Db.run

    def crash_after_inserts(self, sql: str, params=None) -> None:
        if sql.startswith("INSERT INTO audit_log"):
            raise RuntimeError("power cut")
        real_run(self, sql, params)

    monkeypatch.setattr(checks.Db, "run", crash_after_inserts)
    files = [("companies.csv", b"company_id,name,role\nCO1,Changed,brand\nCO7,New,brand\n")]
    with pytest.raises(RuntimeError, match="power cut"):
        importer.apply_import(db, files, "bob")
    assert file_state(db) == state
    assert tables_content(db) == before
    assert store.list_backups(db) == backups
    assert not [p for p in db.parent.iterdir() if p.name.endswith(".tmp")]


def test_interrupted_cli_import_writes_nothing(
    world: tuple[Path, list[str]], tmp_path: Path, monkeypatch, capsys
) -> None:
    db, _ = world
    state = file_state(db)

    def interrupt(self, table, staged) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(importer, "upsert", interrupt)
    files = write_files(tmp_path / "x", {"companies.csv": "company_id,name,role\nCO7,New,brand\n"})
    assert main(["import", "--db", str(db), *files]) == 130
    assert "nothing was written" in capsys.readouterr().err
    assert file_state(db) == state


def test_reader_keeps_reading_during_an_import(world: tuple[Path, list[str]]) -> None:
    db, _ = world
    reader = store.Reader(db)
    seen_mid_import: list[int] = []
    real_upsert = importer.upsert

    def upsert_and_look(db_, table, staged) -> None:
        real_upsert(db_, table, staged)
        # inside the writer's open transaction: the reader still answers, from the old file
        seen_mid_import.append(reader.cursor().execute("SELECT count(*) FROM companies").fetchall()[0][0])

    try:
        assert reader.cursor().execute("SELECT count(*) FROM companies").fetchall() == [(2,)]
        importer.upsert = upsert_and_look
        try:
            plan = importer.apply_import(
                db, [("companies.csv", b"company_id,name,role\nCO7,New,brand\n")], "carol"
            )
        finally:
            importer.upsert = real_upsert
        assert plan.applied and seen_mid_import == [2]
        assert reader.cursor().execute("SELECT count(*) FROM companies").fetchall() == [(2,)]
        assert reader.refresh() is True
    finally:
        reader.close()
    assert count(db, "companies") == 3


def test_reader_sees_the_import_after_refresh(world: tuple[Path, list[str]]) -> None:
    db, _ = world
    reader = store.Reader(db)
    try:
        assert reader.cursor().execute("SELECT count(*) FROM companies").fetchall() == [(2,)]
        assert importer.apply_import(
            db, [("companies.csv", b"company_id,name,role\nCO7,New,brand\n")], "dave"
        ).applied
        assert reader.refresh() is True
        assert reader.cursor().execute("SELECT count(*) FROM companies").fetchall() == [(3,)]
    finally:
        reader.close()


def test_validate_files_api_for_the_dashboard(world: tuple[Path, list[str]]) -> None:
    db, _ = world
    con = duckdb.connect(str(db), read_only=True)
    try:
        good = importer.validate_files(
            [("companies.csv", b"company_id,name,role\nCO1,X,brand\nCO9,Y,brand\n")], con
        )
        bad = importer.validate_files(
            [
                (
                    "events.csv",
                    b"event_id,case_id,finding_id,event_type,event_date\nEV9,CS1,,verified,2024-06-01\n",
                )
            ],
            con,
        )
    finally:
        con.close()
    assert good.ok and good.counts["companies"].as_dict() == {"inserted": 1, "replaced": 1, "unchanged": 0}
    assert not bad.ok
    (problem,) = bad.errors
    assert (problem.file, problem.line, problem.column) == ("events.csv", 2, "finding_id")
    assert str(problem).startswith("events.csv:2: finding_id: ")


def test_today_decides_what_is_in_the_future(world: tuple[Path, list[str]]) -> None:
    db, _ = world
    files = [("disclosures.csv", b"request_id,factory_id,disclosed_on,complete\nR1,FA2,2024-06-01,1\n")]
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert not importer.validate_files(files, con, today=date(2024, 5, 31)).ok
        assert importer.validate_files(files, con, today=date(2024, 6, 1)).ok
    finally:
        con.close()


def test_excel_cells_of_every_type_import(tmp_path: Path) -> None:
    import openpyxl

    db = new_db(tmp_path / "cpt.duckdb")
    book = openpyxl.Workbook()
    book.active.title = "README"
    book["README"].append(["ignored"])
    rows = {
        "companies": [["company_id", "name", "role", "hq_country"], ["CO1", "Acme", "brand", "nl"]],
        "affiliates": [[" affiliate_id ", "name", "country"], ["AF1", "Uni", "NL"]],
        "contracts": [
            ["contract_id", "affiliate_id", "company_id", "start_date", "end_date", "annual_spend_eur"],
            ["K1", "AF1", "CO1", datetime(2024, 1, 1), date(2026, 1, 1), 1000],
            ["K2", "AF1", "CO1", "2024-02-01", None, 99.5],
        ],
        "factories": [["factory_id", "legal_name", "country", "tier"], [17, "F", "CN", "components"]],
    }
    for title, values in rows.items():
        ws = book.create_sheet(title)
        for row in values:
            ws.append(row)
    ws.append([None, None, None, None])  # an empty row is skipped
    path = tmp_path / "book.xlsx"
    book.save(path)
    assert main(["import", "--db", str(db), str(path)]) == 0
    content = tables_content(db)
    assert content["companies"] == [("CO1", "Acme", "brand", "NL")]
    assert content["contracts"] == [
        ("K1", "AF1", "CO1", date(2024, 1, 1), date(2026, 1, 1), 1000.0),
        ("K2", "AF1", "CO1", date(2024, 2, 1), None, 99.5),
    ]
    assert content["factories"][0][0] == "17"


def test_progress_goes_to_stderr_only_on_a_terminal(capsys, monkeypatch) -> None:
    from data import cli

    cli._progress("read x.csv", 100_000, 0.5)
    assert capsys.readouterr().err == ""
    monkeypatch.setattr("sys.stderr.isatty", lambda: True, raising=False)
    cli._progress("read x.csv", 100_000, 0.5)
    assert "200,000 rows/s" in capsys.readouterr().err


def test_unreadable_file_is_a_clean_error(world: tuple[Path, list[str]], tmp_path: Path, capsys) -> None:
    db, _ = world
    folder = tmp_path / "companies.csv"
    folder.mkdir()  # a folder named like a file: no <table>.csv inside
    assert main(["import", "--db", str(db), str(folder)]) == 1
    assert "holds no <table>.csv" in capsys.readouterr().err
    if os.geteuid() != 0:  # root reads anything
        locked = write_files(tmp_path / "l", {"companies.csv": "company_id\n"})[0]
        os.chmod(locked, 0)
        assert main(["import", "--db", str(db), locked]) == 1
        assert "cannot read the file" in capsys.readouterr().err
