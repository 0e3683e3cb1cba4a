"""Malformed CSVs are errors, never exceptions; files too large or zip bombs are refused before parsing."""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import duckdb
import openpyxl
import pytest

from data.cli import main
from data.importing import importer, read
from data.importing import limits as import_limits
from tests.import_world import WORLD, file_state, new_db, write_files


@pytest.fixture(scope="module")
def world_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("limits")
    db = new_db(folder / "world.duckdb")
    assert main(["import", "--db", str(db), *write_files(folder / "csv", WORLD)]) == 0
    return db


def validate(db: Path, files: list[tuple[str, bytes]]) -> importer.ImportPlan:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return importer.validate_files(files, con)
    finally:
        con.close()


MALFORMED = [
    (
        "only commas",
        b",,,\n",
        "companies.csv:1: the file has no column names: its lines hold only separators",
    ),
    ("only commas, several lines", b",,,\n,,\n\n", "companies.csv:1: the file has no column names"),
    ("only blank lines", b"\n\n  \n", "companies.csv: the file is empty"),
    ("empty header name", b"company_id,,role\nCO9,A,brand\n", "companies.csv:1: a column has no name"),
    (
        "duplicate header",
        b"company_id,name,name,role\nCO9,A,B,brand\n",
        "companies.csv:1: name: the column appears twice in the header",
    ),
    (
        "ragged rows",
        b"company_id,name,role\nCO9,A\nCO8,B,brand,NL\n",
        "companies.csv:2: the row has 2 values but the header has 3 columns",
    ),
    (
        "blank lines before the header",
        b"\n\ncompany_id,name,role\nCO9,A,brand\n",
        "companies.csv:3: the header must be on line 1",
    ),
    (
        "unclosed quote",
        b'company_id,name,role\nCO9,"A,brand\n',
        "companies.csv:",
    ),
    ("header with one column", b"company_id|name|role\nCO9|A|brand\n", "separate the columns by commas"),
]


@pytest.mark.parametrize(("data", "expected"), [m[1:] for m in MALFORMED], ids=[m[0] for m in MALFORMED])
def test_malformed_csv_gives_an_error_never_an_exception(
    world_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture, data: bytes, expected: str
) -> None:
    plan = validate(world_db, [("companies.csv", data)])
    assert not plan.ok
    assert any(expected in str(p) for p in plan.errors), [str(p) for p in plan.errors]
    (path,) = write_files(tmp_path, {"companies.csv": data})
    state = file_state(world_db)
    assert main(["import", "--db", str(world_db), path]) == 1
    err = capsys.readouterr().err
    assert expected in err and "Traceback" not in err
    assert file_state(world_db) == state


def test_ragged_rows_are_all_listed(world_db: Path) -> None:
    plan = validate(world_db, [("companies.csv", b"company_id,name,role\nCO9,A\n\nCO8,B,brand,NL\n")])
    assert [str(p) for p in plan.errors] == [
        "companies.csv:2: the row has 2 values but the header has 3 columns",
        "companies.csv:4: the row has 4 values but the header has 3 columns",
    ]


def test_an_unexpected_reader_error_is_a_plain_problem(world_db: Path, monkeypatch, caplog) -> None:
    def broken(*_args: object) -> None:
        raise IndexError("list index out of range")

    monkeypatch.setattr(read, "_read_csv", broken)
    plan = validate(world_db, [("companies.csv", b"company_id,name,role\nCO9,A,brand\n")])
    assert [str(p) for p in plan.errors] == [
        "companies.csv: the file could not be read (an unexpected error, logged)"
    ]
    assert "IndexError" in caplog.text  # logged on the server, not shown


# ---------------------------------------------------------------- limits


def test_file_size_limit(world_db: Path, tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setattr(import_limits, "LIMITS", import_limits.Limits(file_bytes=1_000))
    data = b"company_id,name,role\n" + b"".join(b"C%d,Name %d,brand\n" % (i, i) for i in range(200))
    plan = validate(world_db, [("companies.csv", data)])
    assert [p.problem for p in plan.errors][0].startswith("the file is 0.0 MB, more than the limit")
    (path,) = write_files(tmp_path, {"companies.csv": data})
    assert main(["import", "--db", str(world_db), path]) == 1
    assert "more than the limit of" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("limits", "expected"), [({"rows": 50}, "more than 50 rows"), ({"cells": 100}, "more than 100 cells")]
)
def test_row_and_cell_limits(world_db: Path, monkeypatch, limits: dict[str, int], expected: str) -> None:
    monkeypatch.setattr(import_limits, "LIMITS", import_limits.Limits(**limits))
    data = b"company_id,name,role\n" + b"".join(b"C%d,Name %d,brand\n" % (i, i) for i in range(60))
    for files in (
        [("companies.csv", data)],
        [
            (
                "book.xlsx",
                workbook([["company_id", "name", "role"]] + [[f"C{i}", "N", "brand"] for i in range(60)]),
            )
        ],
    ):
        plan = validate(world_db, files)
        assert any(expected in p.problem for p in plan.errors), plan.errors


def test_time_limit(world_db: Path, monkeypatch) -> None:
    monkeypatch.setattr(import_limits, "LIMITS", import_limits.Limits(seconds=0.0))
    plan = validate(world_db, [("companies.csv", b"company_id,name,role\nC1,A,brand\n")])
    assert any("took longer than the limit of 0 s" in p.problem for p in plan.errors)


def workbook(rows: list[list[object]], title: str = "companies") -> bytes:
    book = openpyxl.Workbook()
    book.active.title = title
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def zip_bomb() -> bytes:
    """A workbook-shaped zip: a few hundred KB on disk, a sheet of 250 MB of one repeated row when unpacked."""
    base = zipfile.ZipFile(io.BytesIO(workbook([["company_id", "name", "role"]])))
    out = io.BytesIO()
    row = b'<row><c t="inlineStr"><is><t>AAAAAAAAAAAAAAAAAAAAAAAAAA</t></is></c></row>'
    chunk = row * (1_000_000 // len(row))
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as bomb:
        for info in base.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                bomb.writestr(info.filename, base.read(info.filename))
        with bomb.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(
                b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                b'spreadsheetml/2006/main"><sheetData>'
            )
            for _ in range(250):
                sheet.write(chunk)
            sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


# The zip-bomb tests prove the workbook is never unpacked (openpyxl is replaced by a function
# that fails); the time bound is only a hang guard far above the normal few milliseconds and
# far below the minutes a real unpacking takes, so a loaded CI machine does not make it flaky.
HANG_GUARD_SECONDS = 20


def test_zip_bomb_is_refused_from_the_directory_without_unpacking(
    world_db: Path, zip_bomb: bytes, monkeypatch
) -> None:
    assert len(zip_bomb) < 5_000_000
    assert sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(zip_bomb)).infolist()) > 200_000_000

    def never(*_a: object, **_k: object) -> None:
        raise AssertionError("openpyxl must not open a zip bomb")

    monkeypatch.setattr(openpyxl, "load_workbook", never)
    started = time.perf_counter()
    plan = validate(world_db, [("book.xlsx", zip_bomb)])
    elapsed = time.perf_counter() - started
    assert elapsed < HANG_GUARD_SECONDS, elapsed
    (problem,) = plan.errors
    assert problem.file == "book.xlsx"
    assert "the workbook would unpack to" in problem.problem and "it was not opened" in problem.problem


def test_high_compression_ratio_is_refused(world_db: Path, zip_bomb: bytes, monkeypatch) -> None:
    monkeypatch.setattr(import_limits, "LIMITS", import_limits.Limits(xlsx_unpacked_bytes=10**12))
    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: pytest.fail("opened"))
    started = time.perf_counter()
    plan = validate(world_db, [("book.xlsx", zip_bomb)])
    assert time.perf_counter() - started < HANG_GUARD_SECONDS
    (problem,) = plan.errors
    assert "part 'xl/worksheets/sheet1.xml' of the workbook is compressed" in problem.problem
    assert "possible zip bomb" in problem.problem


def test_cli_refuses_the_zip_bomb_without_unpacking(
    world_db: Path, zip_bomb: bytes, tmp_path: Path, capsys, monkeypatch
) -> None:
    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: pytest.fail("opened"))
    (path,) = write_files(tmp_path, {"book.xlsx": zip_bomb})
    state = file_state(world_db)
    started = time.perf_counter()
    assert main(["import", "--db", str(world_db), path]) == 1
    assert time.perf_counter() - started < HANG_GUARD_SECONDS
    err = capsys.readouterr().err
    assert "the workbook would unpack to" in err and "Traceback" not in err
    assert file_state(world_db) == state


def test_an_ordinary_workbook_passes_the_zip_checks(world_db: Path) -> None:
    rows = [["company_id", "name", "role"]] + [[f"C{i}", f"Name {i}", "brand"] for i in range(5_000)]
    plan = validate(world_db, [("book.xlsx", workbook(rows))])
    assert plan.ok, plan.errors[:3]
    assert plan.counts["companies"].inserted == 5_000
