"""Every CSV and Excel download goes through data/exports.py: a header line with the as-of
date, the methodology, the day made and the confidentiality line, and no cell a spreadsheet
would run as a formula (issue 11, item 4), on the hostile world (tests/hostile_world.py)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from data import exports
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
    return [c for c in cells if isinstance(c, str) and exports.is_formula(c)]


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
    assert header.endswith(exports.CONFIDENTIAL)
    assert formula_cells(cells) == []
    # The hostile names did arrive (made inert), so the check above saw them.
    inert = [c for c in cells if isinstance(c, str) and c.startswith("'")]
    assert inert, "no neutralised cell: the hostile text did not reach this download"


@pytest.mark.parametrize("value", [*FORMULAS, "\x00=1+1", "\u00a0@SUM(1)", "\x1b-2"])
def test_every_hostile_start_is_neutralised(value: str) -> None:
    out = exports.neutralise(value)
    assert out.startswith("'")
    assert not exports.is_formula(out)
