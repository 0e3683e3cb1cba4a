"""Files as people have them: renamed files, ; and tab separators, Excel numbers and dates, wrong encodings."""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path

import duckdb
import openpyxl
import pytest

from data.cli import main
from data.importing import importer
from tests.import_world import WORLD, file_state, new_db, tables_content, write_files


@pytest.fixture
def world_db(tmp_path: Path) -> Path:
    db = new_db(tmp_path / "world.duckdb")
    assert main(["import", "--db", str(db), *write_files(tmp_path / "csv", WORLD)]) == 0
    return db


def rows(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_semicolon_file_is_read_and_said_so(world_db: Path, tmp_path: Path, capsys) -> None:
    (path,) = write_files(
        tmp_path / "in",
        {"companies.csv": "company_id;name;role;hq_country\nCO9;Veldmeer Tech, B.V.;brand;NL\n"},
    )
    assert main(["import", "--db", str(world_db), path]) == 0
    out = capsys.readouterr().out
    assert f"note: {path}: read as semicolon-separated" in out
    assert "companies: 1 inserted" in out
    assert rows(world_db, "SELECT name FROM companies WHERE company_id = 'CO9'") == [("Veldmeer Tech, B.V.",)]


def test_tab_separated_file_is_read(world_db: Path, tmp_path: Path, capsys) -> None:
    (path,) = write_files(
        tmp_path / "in", {"companies.csv": "company_id\tname\trole\nCO9\tTabbed Co\tbrand\n"}
    )
    assert main(["import", "--db", str(world_db), path]) == 0
    assert "read as tab-separated" in capsys.readouterr().out


def test_semicolon_file_with_decimal_commas_names_the_problem(world_db: Path, tmp_path: Path, capsys) -> None:
    text = (
        "contract_id;affiliate_id;company_id;start_date;end_date;annual_spend_eur\n"
        "K9;AF1;CO1;2024-01-01;2025-12-31;125000,50\n"
    )
    (path,) = write_files(tmp_path / "in", {"contracts.csv": text})
    assert main(["import", "--db", str(world_db), path]) == 1
    assert (
        f"{path}:2: annual_spend_eur: '125000,50' is not a number: it has a decimal comma"
        in capsys.readouterr().err
    )


def test_renamed_file_is_read_as_the_table_its_header_matches(world_db: Path, tmp_path: Path, capsys) -> None:
    (path,) = write_files(
        tmp_path / "in",
        {
            "Export from tracker (3).csv": "event_id,case_id,finding_id,event_type,event_date,note\n"
            "EV9,CS2,,acknowledged,2024-05-02,\n"
        },  # fmt: skip
    )
    assert main(["import", "--db", str(world_db), "--dry-run", path]) == 0
    out = capsys.readouterr().out
    assert f"note: {path}: read as table events (its header matches that table's columns)" in out
    assert "events: 1 inserted" in out


def test_folder_with_a_renamed_file(world_db: Path, tmp_path: Path, capsys) -> None:
    write_files(tmp_path / "in", {"new companies.csv": "name,company_id,role\nFolder Co,CO9,brand\n"})
    assert main(["import", "--db", str(world_db), str(tmp_path / "in")]) == 0
    assert "read as table companies" in capsys.readouterr().out


def test_a_named_file_with_another_tables_header_is_still_an_error(
    world_db: Path, tmp_path: Path, capsys
) -> None:
    (path,) = write_files(tmp_path / "in", {"companies.csv": "event_id,case_id,event_type,event_date\n"})
    assert main(["import", "--db", str(world_db), path]) == 1
    assert f"{path}:1: event_id: unknown column; companies has:" in capsys.readouterr().err


def workbook(sheets: dict[str, list[list[object]]]) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, values in sheets.items():
        ws = book.create_sheet(title)
        for row in values:
            ws.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_excel_dates_and_numbers_stored_as_numbers(world_db: Path, tmp_path: Path, capsys) -> None:
    serial = (date(2024, 6, 3) - date(1899, 12, 30)).days  # what Excel stores for 2024-06-03
    data = workbook(
        {
            "contracts": [
                ["contract_id", "affiliate_id", "company_id", "start_date", "end_date", "annual_spend_eur"],
                ["K9", "AF1", "CO1", serial, datetime(2026, 12, 31), 125000.5],
                [1234, "AF1", "CO1", "2024-01-01", None, 99000],  # a numeric id, a whole number
            ],
            "Sheet2": [],  # an empty extra sheet is not an error
        }
    )
    (path,) = write_files(tmp_path / "in", {"book.xlsx": data})
    assert main(["import", "--db", str(world_db), path]) == 0, capsys.readouterr().err
    assert rows(
        world_db,
        "SELECT contract_id, start_date, end_date, annual_spend_eur FROM contracts ORDER BY contract_id",
    ) == [
        ("1234", date(2024, 1, 1), None, 99000.0),
        ("K1", date(2024, 1, 1), date(2027, 12, 31), 125000.5),
        ("K9", date(2024, 6, 3), date(2026, 12, 31), 125000.5),
    ]


def test_a_year_in_a_date_column_is_not_taken_for_an_excel_date(world_db: Path) -> None:
    data = workbook(
        {"cases": [["case_id", "company_id", "factory_id", "opened_on"], ["CS9", "CO1", "FA1", 2024]]}
    )
    con = duckdb.connect(str(world_db), read_only=True)
    try:
        plan = importer.validate_files([("book.xlsx", data)], con)
    finally:
        con.close()
    assert [str(p) for p in plan.errors] == [
        "book.xlsx[cases]:2: opened_on: '2024' is not a date of the form YYYY-MM-DD"
    ]


def test_renamed_sheet_is_read_by_its_header(world_db: Path) -> None:
    data = workbook({"Sheet1": [["company_id", "name", "role"], ["CO9", "Sheet Co", "brand"]]})
    con = duckdb.connect(str(world_db), read_only=True)
    try:
        plan = importer.validate_files([("book.xlsx", data)], con)
    finally:
        con.close()
    assert plan.ok, plan.errors
    assert (
        "book.xlsx[Sheet1]: read as table companies (its header matches that table's columns)" in plan.notes
    )


def test_cp1252_file_gets_a_clear_message(world_db: Path, tmp_path: Path, capsys) -> None:
    text = "company_id,name,role,hq_country\nCO9,Société Générale d’Électronique,brand,FR\n"
    (path,) = write_files(tmp_path / "in", {"companies.csv": text.encode("cp1252")})
    state, before = file_state(world_db), tables_content(world_db)
    assert main(["import", "--db", str(world_db), path]) == 1
    err = capsys.readouterr().err
    assert f"{path}:2: the text is not UTF-8 (byte 0xe9); it looks like Windows-1252/Latin-1 text" in err
    assert "Société Générale d’Électronique" in err  # the line as the person wrote it
    assert "save the file as 'CSV UTF-8'" in err
    assert file_state(world_db) == state and tables_content(world_db) == before


def test_utf16_file_gets_a_clear_message(world_db: Path) -> None:
    data = "company_id\tname\trole\nCO9\tA\tbrand\n".encode("utf-16")
    con = duckdb.connect(str(world_db), read_only=True)
    try:
        plan = importer.validate_files([("companies.csv", data)], con)
    finally:
        con.close()
    assert [str(p) for p in plan.errors] == [
        "companies.csv: the text is UTF-16 (Excel's 'Unicode Text'), not UTF-8; save the file as 'CSV UTF-8'"
    ]
