"""Spreadsheet and CSV exports that say what they are and cannot run formulas.

Every export starts with the same facts: what it is, the as-of date, the methodology
version applied, the day it was generated and the confidentiality line. Text cells
that a spreadsheet would read as a formula (starting with =, +, -, @, or a tab or
carriage return) are prefixed with an apostrophe.
"""

from __future__ import annotations

import io
from datetime import date

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font

CONFIDENTIAL = "Confidential: for affiliates and the company concerned."
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def header_line(what: str, as_of: date, methodology: str, generated: date | None = None) -> str:
    generated = generated or date.today()
    return (
        f"CPT {what} as of {as_of:%Y-%m-%d}, methodology {methodology}, "
        f"generated {generated:%Y-%m-%d}. {CONFIDENTIAL}"
    )


def neutralise(value: object) -> object:
    """A text cell that would start a formula, made inert; anything else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _clean(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column].dtype):
            out[column] = out[column].map(neutralise)
    out.columns = [neutralise(str(c)) for c in out.columns]
    return out


def to_csv(frame: pd.DataFrame, header: str) -> bytes:
    """CSV with one leading `# header` line (UTF-8)."""
    return ("# " + header + "\n" + _clean(frame).to_csv(index=False)).encode("utf-8")


def to_xlsx(frame: pd.DataFrame, header: str, sheet: str = "CPT") -> bytes:
    """A workbook: the header line in A1, the table from row 3."""
    book = Workbook()
    ws = book.active
    ws.title = sheet[:31]
    ws["A1"] = header
    ws["A1"].font = Font(bold=True)
    clean = _clean(frame)
    ws.append([])
    ws.append(list(clean.columns))
    for cell in ws[3]:
        cell.font = Font(bold=True)
    for row in clean.itertuples(index=False):
        ws.append([None if (not isinstance(v, str) and pd.isna(v)) else v for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
