"""Every CSV and Excel download goes through data/exports/spreadsheet.py: a header line with the as-of
date, the methodology, the day made and the confidentiality line, and no cell a spreadsheet
would run as a formula (issue 11, item 4), on the hostile world (tests/hostile_world.py)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from data.exports import spreadsheet
from tests import apptest
from tests.hostile_world import FORMULAS

DOWNLOADS = [
    ("overview", {}, "download_leaderboard", "csv"),
    ("overview", {}, "download_leaderboard_xlsx", "xlsx"),
    ("compare", {"company": "CO0004,CO0006,CO0008,CO0014"}, "download_comparison", "csv"),
    ("compare", {"company": "CO0004,CO0006,CO0008,CO0014"}, "download_comparison_xlsx", "xlsx"),
    ("transparency", {}, "links_csv", "csv"),
    ("improvement", {}, "cases_csv", "csv"),
]


def formula_cells(cells: list[str]) -> list[str]:
    return [c for c in cells if isinstance(c, str) and spreadsheet.is_formula(c)]


def csv_cells(payload: bytes) -> tuple[str, list[str]]:
    text = payload.decode("utf-8")
    header, body = text.split("\n", 1)
    return header, [cell for row in csv.reader(io.StringIO(body)) for cell in row]


def xlsx_cells(payload: bytes) -> tuple[str, list[object]]:
    book = load_workbook(io.BytesIO(payload))
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []  # no formula cell at all
    return str(book.active["A1"].value), [c.value for c in cells[1:]]


@pytest.mark.parametrize(("page", "params", "key", "kind"), DOWNLOADS, ids=[d[2] for d in DOWNLOADS])
def test_download_has_the_header_and_no_live_formula(
    hostile_app: Path, page: str, params: dict[str, str], key: str, kind: str
) -> None:
    at = apptest.open_page(page, role="admin", **params)
    assert not at.exception, [e.value for e in at.exception]
    payload = apptest.download(at, key)
    header, cells = csv_cells(payload) if kind == "csv" else xlsx_cells(payload)
    if kind == "csv":
        assert header.startswith("# CPT ")
    assert " as of " in header and "methodology " in header and "generated " in header
    assert header.endswith(spreadsheet.CONFIDENTIAL)
    assert formula_cells(cells) == []
    # The hostile names did arrive (made inert), so the check above saw them.
    inert = [c for c in cells if isinstance(c, str) and c.startswith("'")]
    assert inert, "no neutralised cell: the hostile text did not reach this download"


@pytest.mark.parametrize("value", [*FORMULAS, "\x00=1+1", "\u00a0@SUM(1)", "\x1b-2"])
def test_every_hostile_start_is_neutralised(value: str) -> None:
    out = spreadsheet.neutralise(value)
    assert out.startswith("'")
    assert not spreadsheet.is_formula(out)


def test_table_export_of_the_hostile_world_has_no_formula_and_imports_back_unchanged(
    hostile_db: Path, tmp_path: Path
) -> None:
    from data.cli import main
    from tests.import_world import export_of, new_db, tables_content

    exported = export_of(hostile_db, tmp_path / "out")
    cells = [
        c for payload in exported.values() for row in csv.reader(io.StringIO(payload.decode())) for c in row
    ]
    assert formula_cells(cells) == []
    assert any(c.startswith("'=HYPERLINK(") for c in cells)  # the hostile names were exported, made inert
    empty = new_db(tmp_path / "empty.duckdb")
    assert main(["import", "--db", str(empty), str(tmp_path / "out")]) == 0

    def evidence(db: Path) -> dict:
        return {k: v for k, v in tables_content(db).items() if k not in ("audit_log", "users", "meta")}

    assert evidence(empty) == evidence(hostile_db)
    assert export_of(empty, tmp_path / "again") == exported


@pytest.mark.parametrize("value", ["=1", "'=1", "''=1", "'plain", "plain", "-2", "\t=1", "\x00=1", "'", ""])
def test_the_export_guard_is_undone_by_the_importer(value: str) -> None:
    assert spreadsheet.restore(spreadsheet.guard_formula(value)) == value


def test_the_data_page_export_zip_has_the_header_and_no_formula(hostile_app: Path) -> None:
    import zipfile

    at = apptest.open_page("data", role="admin")
    at.button(key="prepare_export").click().run()
    assert not at.exception, [e.value for e in at.exception]
    with zipfile.ZipFile(io.BytesIO(apptest.download(at, "export"))) as archive:
        readme = archive.read("README.txt").decode()
        assert readme.startswith("CPT full export") and spreadsheet.CONFIDENTIAL in readme
        cells = [c for name in archive.namelist() if name.endswith(".csv")
                 for row in csv.reader(io.StringIO(archive.read(name).decode())) for c in row]  # fmt: skip
    assert cells and formula_cells(cells) == []
