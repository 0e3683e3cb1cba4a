"""Exports say what they are and cannot run formulas; pseudonyms are stable and complete."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from openpyxl import load_workbook

from data.exports import spreadsheet
from data.presentation import pseudonyms


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("-106.385", "-106.385"),  # a plain number (a longitude) is a number, not a formula
        ("+1e5", "+1e5"),
        ("-1-1", "'-1-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "' =1"),  # guarded; the tab, a control character, becomes a space (issue 20)
        ("Company A", "Company A"),
        ("▼ 1.0", "▼ 1.0"),
        (-1.5, -1.5),
        (None, None),
    ],
)
def test_neutralise(value: object, expected: object) -> None:
    assert spreadsheet.neutralise(value) == expected


FRAME = pd.DataFrame({"Company": ["=cmd|' /C calc'!A0", "Plain"], "Overall": [12.5, None], "=evil": [1, 2]})
HEADER = spreadsheet.header_line("comparison", date(2026, 9, 30), "v2", generated=date(2026, 11, 26))


def test_header_line_carries_version_dates_and_confidentiality() -> None:
    assert HEADER == (
        "CPT comparison as of 2026-09-30, methodology v2, generated 2026-11-26. "
        "Confidential: for affiliates and the company concerned."
    )


def test_csv_export() -> None:
    text = spreadsheet.to_csv(FRAME, HEADER).decode("utf-8")
    first, rest = text.split("\n", 1)
    assert first == "# " + HEADER
    table = pd.read_csv(io.StringIO(rest))
    assert list(table.columns) == ["Company", "Overall", "'=evil"]
    assert table["Company"].tolist() == ["'=cmd|' /C calc'!A0", "Plain"]


def test_xlsx_export() -> None:
    book = load_workbook(io.BytesIO(spreadsheet.to_xlsx(FRAME, HEADER, "Comparison")))
    ws = book["Comparison"]
    assert ws["A1"].value == HEADER
    assert [c.value for c in ws[3]] == ["Company", "Overall", "'=evil"]
    assert [c.value for c in ws[4]] == ["'=cmd|' /C calc'!A0", 12.5, 1]
    assert [c.value for c in ws[5]] == ["Plain", None, 2]
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)  # no formula cell anywhere


@pytest.mark.parametrize(
    ("n", "letters"), [(0, "A"), (25, "Z"), (26, "AA"), (27, "AB"), (701, "ZZ"), (702, "AAA")]
)
def test_pseudonym_letters(n: int, letters: str) -> None:
    assert pseudonyms.letters(n) == letters


def test_pseudonyms_are_stable_and_cover_every_entity(demo_db: Path) -> None:
    """Keyed pseudonyms (issue 10); order and disguise by id are tested in test_presentation.py."""
    with duckdb.connect(str(demo_db), read_only=True) as con:
        first = pseudonyms.build(con.cursor())
        again = pseudonyms.build(con.cursor())
        counts = {t: con.table(t).aggregate("count(*)").fetchall()[0][0]
                  for t in ("companies", "factories", "affiliates", "product_models")}  # fmt: skip
    assert first.label == again.label
    for kind, table in (("company", "companies"), ("factory", "factories"), ("affiliate", "affiliates"),
                        ("product", "product_models")):  # fmt: skip
        labels = [v for (k, _), v in first.label.items() if k == kind]
        assert len(labels) == counts[table] and len(set(labels)) == len(labels)  # no two share a pseudonym
