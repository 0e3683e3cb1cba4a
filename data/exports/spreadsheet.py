"""Spreadsheet and CSV exports that say what they are and cannot run formulas.

ONE helper for every CSV and Excel download (issue 11, item 4): `to_csv` / `to_xlsx`
with a `header_line`. Every export starts with the same facts: what it is, the as-of
date, the methodology version applied (or that the table holds evidence, not scores),
the day it was generated and the confidentiality line. Every text cell (and column
name) that a spreadsheet would read as a formula is made inert with a leading
apostrophe: one starting with =, +, -, @, a tab or a carriage return, also after
leading spaces or control characters (`" =1+1"`, `"\x00=1"`). Control characters are
removed from every text cell (`one_line`: line breaks and tabs become a space; other C0 and
C1 controls, bare carriage returns, NEL, the Unicode line and paragraph separators and
bidirectional formatting characters are dropped), so a cell is one line of text; the same
helper cleans calendar (data/exports/ical.py) and PDF (reports/report.py) text.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font

from wording import labels

CONFIDENTIAL = "Confidential: for affiliates and the company concerned."
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
EVIDENCE = "not applicable (evidence records, not scores)"
# What may stand before a formula character and still let a spreadsheet read a formula.
_LEADING = re.compile(r"^[\s\x00-\x1f\x7f\u00a0\u200b-\u200d\u2060\ufeff]*")
# Line breaks of any kind (CR, LF, VT, FF, NEL, LINE/PARAGRAPH SEPARATOR) and tabs: one space.
_BREAKS = re.compile(r"[\t\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]+")
# Other C0/C1 controls, DEL, and invisible or bidirectional formatting characters: dropped.
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b\u200e\u200f\u202a-\u202e\u2060-\u2069\ufeff]")


def one_line(value: object) -> str:
    """The text of `value` as one line without control characters (see the module docstring):
    for every text a download writes (CSV, Excel, calendar, PDF)."""
    return _CONTROLS.sub("", _BREAKS.sub(" ", "" if value is None else str(value)))


def header_line(what: str, as_of: date, methodology: str | None, generated: date | None = None) -> str:
    """The first line of every export. `methodology` None: a table of evidence, not scores."""
    generated = generated or date.today()
    return (
        f"CPT {what} as of {as_of:%Y-%m-%d}, methodology {methodology or EVIDENCE}, "
        f"generated {generated:%Y-%m-%d}. {CONFIDENTIAL}"
    )


_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def is_formula(text: str) -> bool:
    """Would a spreadsheet (Excel, LibreOffice, Sheets) read this cell as a formula or DDE?

    A plain number such as a negative longitude ("-106.385") is read as that number, not as
    a formula, so it is left as it is."""
    if text.startswith(("\t", "\r")):
        return True
    if _NUMBER.fullmatch(text):
        return False
    return _LEADING.sub("", text).startswith(FORMULA_STARTS)


def _guarded(text: str) -> bool:
    """Does `neutralise` put an apostrophe before this text? A formula, or an apostrophe before
    one (so that `restore` can tell the guard from an apostrophe that belongs to the value)."""
    return is_formula(text) or (text.startswith("'") and _guarded(text[1:]))


def guard_formula(value: object) -> object:
    """Only the formula guard of `neutralise` (characters kept as they are), reversible with
    `restore`: for the table export (`python -m data export`, the Data page), which is also
    the import format and must come back unchanged."""
    return "'" + value if isinstance(value, str) and _guarded(value) else value


def restore(value: object) -> object:
    """The value before `guard_formula`: the importer calls this on every cell, so an exported
    table imports as it was ("'=1+1" -> "=1+1"; "''=1" -> "'=1"; "'plain" stays)."""
    return value[1:] if isinstance(value, str) and value.startswith("'") and _guarded(value[1:]) else value


def neutralise(value: object) -> object:
    """A text cell that would start a formula, made inert; anything else unchanged."""
    if not isinstance(value, str):
        return value
    formula = _guarded(value)
    value = one_line(value)
    return "'" + value if formula or _guarded(value) else value


def _clean(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for column in out.columns:
        dtype = out[column].dtype
        if (
            pd.api.types.is_object_dtype(dtype)
            or pd.api.types.is_string_dtype(dtype)
            or isinstance(dtype, pd.CategoricalDtype)
        ):
            out[column] = out[column].astype(object).map(neutralise)
    out.columns = [neutralise(str(c)) for c in out.columns]
    return out


def to_csv(frame: pd.DataFrame, header: str) -> bytes:
    """CSV with one leading `# header` line (UTF-8). Every text cell is quoted, so a line break
    or a lone carriage return inside a name stays inside its cell (no injected rows)."""
    body = _clean(labels.for_download(frame)).to_csv(index=False, quoting=csv.QUOTE_NONNUMERIC)
    return ("# " + one_line(header) + "\n" + body).encode("utf-8")


def to_xlsx(frame: pd.DataFrame, header: str, sheet: str = "CPT") -> bytes:
    """A workbook: the header line in A1, the table from row 3."""
    book = Workbook()
    ws = book.active
    ws.title = sheet[:31]
    ws["A1"] = one_line(header)
    ws["A1"].font = Font(bold=True)
    clean = _clean(labels.for_download(frame))
    ws.append([])
    ws.append(list(clean.columns))
    for cell in ws[3]:
        cell.font = Font(bold=True)
    for row in clean.itertuples(index=False):
        ws.append([None if (not isinstance(v, str) and pd.isna(v)) else v for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def export_readme(generated: date | None = None) -> str:
    """README.txt of the full table export (a zip of <table>.csv in the import format)."""
    generated = generated or date.today()
    return (
        f"CPT full export of every evidence table, as of {generated:%Y-%m-%d} (the database when exported), "
        f"methodology {EVIDENCE}, generated {generated:%Y-%m-%d}. {CONFIDENTIAL}\n\n"
        "The files are in the import format (DATA_FORMAT.md) and import back unchanged with "
        "`python -m data import`. A text cell that a spreadsheet would read as a formula starts with an "
        "apostrophe; the importer removes it.\n"
    )
