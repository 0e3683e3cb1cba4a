"""Empty import templates: one `<table>.csv` per table and `cpt-import-template.xlsx`.

The workbook has one sheet per table (named like the table, header in row 1,
a comment on each header cell saying what goes in it) and a README sheet with
the same notes as a table; the importer ignores a sheet named README, so a
filled-in template imports as it is. Everything is derived from data/tables.py.
"""

from __future__ import annotations

import io
from pathlib import Path

from data.tables import TABLES, Column, Table

XLSX_NAME = "cpt-import-template.xlsx"
_KIND_NOTES = {
    "id": "text id, 1-64 characters",
    "text": "text",
    "date": "date YYYY-MM-DD",
    "bool": "true/false (yes/no, 1/0)",
    "number": "number with a decimal point",
    "country": "ISO 3166-1 alpha-2 country code, e.g. CN",
    "choice": "one of the allowed values",
}


def column_note(table: Table, column: Column) -> str:
    """A one-line description of what a cell of `column` may hold."""
    parts = ["required" if column.required else "optional", _KIND_NOTES[column.kind]]
    if column.name in table.key:
        parts.insert(0, "key" if len(table.key) == 1 else "part of the key")
    if column.choices:
        parts.append("allowed: " + ", ".join(column.choices))
    if column.references:
        parts.append(f"must exist in {column.references[0]}.{column.references[1]}")
    if column.bounds is not None:
        parts.append(
            f"decimal degrees from {column.bounds[0]:g} to {column.bounds[1]:g}; give both or neither"
        )
    if column.kind == "date" and not column.planned:
        parts.append("not in the future")
    return "; ".join(parts)


def csv_template(table: str) -> bytes:
    """The header line of `<table>.csv`."""
    return (",".join(TABLES[table].column_names) + "\n").encode("utf-8")


def xlsx_template() -> bytes:
    """The Excel template as bytes (for a download button, or to write to a file)."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font

    book = Workbook()
    readme = book.active
    readme.title = "README"
    readme.append(
        [
            "CPT evidence import template. Fill in the table sheets (row 1 is the header; "
            "keep the sheet names). This README sheet is ignored by the importer."
        ]
    )
    readme.append([])
    readme.append(["table", "column", "what goes in it"])
    for cell in readme[3]:
        cell.font = Font(bold=True)
    for table in TABLES.values():
        sheet = book.create_sheet(table.name)
        sheet.append(table.column_names)
        for cell, column in zip(sheet[1], table.columns, strict=True):
            cell.font = Font(bold=True)
            cell.comment = Comment(column_note(table, column), "CPT")
            sheet.column_dimensions[cell.column_letter].width = max(14, len(column.name) + 4)
            readme.append([table.name, column.name, column_note(table, column)])
    readme.column_dimensions["A"].width = 22
    readme.column_dimensions["B"].width = 20
    readme.column_dimensions["C"].width = 100
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def write_templates(out: Path) -> list[Path]:
    """Write the CSV templates and the workbook into `out`; returns the files written."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name in TABLES:
        target = out / f"{name}.csv"
        target.write_bytes(csv_template(name))
        written.append(target)
    target = out / XLSX_NAME
    target.write_bytes(xlsx_template())
    written.append(target)
    return written
