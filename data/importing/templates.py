"""Import templates that teach: one `<table>.csv` per table and `cpt-import-template.xlsx`.

Each CSV template holds the header and one example row. The example's ids start
with `EXAMPLE-` (data/importing/validate.py: EXAMPLE_PREFIX), so a template imported unchanged
is refused with a message that says so, instead of adding fictional rows.

The workbook has a README sheet (what goes in every column, an example value, the
date format and the lists of allowed values) and one sheet per table (named like
the table, header in row 1 with a comment on each header cell, drop-down lists for
every column with a fixed set of values, date columns formatted YYYY-MM-DD). The
importer ignores a sheet named README, so a filled-in workbook imports as it is.
Everything is derived from data/store/tables.py.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from data.importing.validate import COUNTRY_CODES, EXAMPLE_PREFIX
from data.store.tables import TABLES, Column, Table

XLSX_NAME = "cpt-import-template.xlsx"
_KIND_NOTES = {
    "id": "text id, 1-64 characters",
    "text": "text",
    "date": "date YYYY-MM-DD (or an Excel date)",
    "bool": "true/false (yes/no, 1/0)",
    "number": "number with a decimal point",
    "country": "ISO 3166-1 alpha-2 country code, e.g. CN",
    "choice": "one of the allowed values",
}
BOOLEAN_CHOICES = ("true", "false")

# One consistent fictional example (ids starting EXAMPLE-): every reference resolves within it.
EXAMPLES: dict[str, dict[str, str]] = {
    "companies": {
        "company_id": "EXAMPLE-CO1",
        "name": "Example Devices Ltd",
        "role": "brand",
        "hq_country": "NL",
    },
    "affiliates": {
        "affiliate_id": "EXAMPLE-AF1",
        "name": "Example University",
        "country": "NL",
        "kind": "university",
    },
    "contracts": {
        "contract_id": "EXAMPLE-K1",
        "affiliate_id": "EXAMPLE-AF1",
        "company_id": "EXAMPLE-CO1",
        "start_date": "2024-01-01",
        "end_date": "2026-12-31",
        "annual_spend_eur": "125000.50",
    },
    "product_models": {
        "product_model_id": "EXAMPLE-PM1",
        "company_id": "EXAMPLE-CO1",
        "name": "Example Book 14",
        "category": "laptop",
    },
    "contract_products": {"contract_id": "EXAMPLE-K1", "product_model_id": "EXAMPLE-PM1"},
    "factories": {
        "factory_id": "EXAMPLE-FA1",
        "legal_name": "Example Assembly Co. Ltd",
        "address": "1 Example Road",
        "city": "Example City",
        "country": "CN",
        "tier": "final_assembly",
        "component_type": "",
    },
    "disclosure_requests": {
        "request_id": "EXAMPLE-R1",
        "company_id": "EXAMPLE-CO1",
        "product_model_id": "EXAMPLE-PM1",
        "scope": "final_assembly",
        "requested_on": "2024-02-01",
        "due_on": "2024-03-01",
    },
    "disclosures": {
        "request_id": "EXAMPLE-R1",
        "factory_id": "EXAMPLE-FA1",
        "disclosed_on": "2024-02-15",
        "complete": "true",
    },
    "due_diligence": {
        "request_id": "EXAMPLE-R1",
        "recorded_on": "2024-02-20",
        "note": "asked for the suppliers twice",
    },
    "cases": {
        "case_id": "EXAMPLE-CS1",
        "company_id": "EXAMPLE-CO1",
        "factory_id": "EXAMPLE-FA1",
        "opened_on": "2024-04-01",
        "title": "Monitoring report, Example City",
    },
    "findings": {
        "finding_id": "EXAMPLE-FN1",
        "case_id": "EXAMPLE-CS1",
        "code_area": "wages",
        "severity": "major",
        "description": "Wages below the legal minimum",
    },
    "events": {
        "event_id": "EXAMPLE-EV1",
        "case_id": "EXAMPLE-CS1",
        "finding_id": "EXAMPLE-FN1",
        "event_type": "evidence_submitted",
        "event_date": "2024-05-01",
        "note": "payslips of three months",
    },
    "expectations": {
        "expectation_id": "EXAMPLE-X1",
        "affiliate_id": "EXAMPLE-AF1",
        "company_id": "EXAMPLE-CO1",
        "what": "overall",
        "target": "60",
        "due_on": "2027-06-30",
        "note": "before the contract's renewal",
        "set_by": "procurement office",
        "set_on": "2024-06-01",
    },
}
_GENERIC = {"text": "example text", "date": "2024-01-31", "bool": "true", "number": "1.5", "country": "NL"}


def example_row(table: Table) -> list[str]:
    """The example row of `table` in column order (a generic one for tables without a written example)."""
    given = EXAMPLES.get(table.name, {})
    row = []
    for column in table.columns:
        if column.name in given:
            row.append(given[column.name])
        elif column.kind == "id" and column.references is not None:
            parent, key = column.references  # point at the parent's example row
            row.append(EXAMPLES.get(parent, {}).get(key, f"{EXAMPLE_PREFIX}{parent.upper()}1"))
        elif column.kind == "id":
            row.append(f"{EXAMPLE_PREFIX}{table.name.upper()}1" if column.required else "")
        elif column.kind == "choice":
            row.append(column.choices[0])
        else:
            row.append(_GENERIC.get(column.kind, "") if column.required else "")
    return row


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
    """`<table>.csv`: the header line and one example row (ids starting EXAMPLE-; replace or delete it)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(TABLES[table].column_names)
    writer.writerow(example_row(TABLES[table]))
    return out.getvalue().encode("utf-8")


def _choices(column: Column) -> tuple[str, ...]:
    if column.kind == "choice":
        return column.choices
    if column.kind == "bool":
        return BOOLEAN_CHOICES
    if column.kind == "country":
        return tuple(sorted(COUNTRY_CODES))
    return ()


def xlsx_template() -> bytes:
    """The Excel template as bytes (for a download button, or to write to a file)."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    readme = book.active
    readme.title = "README"
    readme.append(
        [
            "CPT evidence import template. Fill in the table sheets (row 1 is the header; "
            "keep the sheet names). This README sheet is ignored by the importer. Dates: "
            "YYYY-MM-DD, e.g. 2024-01-31 (date cells are formatted so; Excel dates are accepted). "
            "Columns with a fixed set of values offer a drop-down list. Example ids start with "
            f"{EXAMPLE_PREFIX}: an example row imported unchanged is refused."
        ]
    )
    readme.append([])
    readme.append(["table", "column", "what goes in it", "example"])
    for cell in readme[3]:
        cell.font = Font(bold=True)
    # The allowed values, one list per column of README from F on (the drop-downs point here).
    lists: dict[tuple[str, ...], str] = {}

    def list_range(values: tuple[str, ...], title: str) -> str:
        if values not in lists:
            col = get_column_letter(6 + len(lists))
            readme[f"{col}3"] = title
            readme[f"{col}3"].font = Font(bold=True)
            for i, v in enumerate(values, start=4):
                readme[f"{col}{i}"] = v
            lists[values] = f"README!${col}$4:${col}${3 + len(values)}"
        return lists[values]

    for table in TABLES.values():
        sheet = book.create_sheet(table.name)
        sheet.append(table.column_names)
        sheet.freeze_panes = "A2"
        example = example_row(table)
        for cell, column, value in zip(sheet[1], table.columns, example, strict=True):
            cell.font = Font(bold=True)
            cell.comment = Comment(column_note(table, column), "CPT")
            letter = cell.column_letter
            sheet.column_dimensions[letter].width = max(14, len(column.name) + 4)
            readme.append([table.name, column.name, column_note(table, column), value])
            cells = f"{letter}2:{letter}100000"
            values = _choices(column)
            if values:
                rule = DataValidation(
                    type="list",
                    formula1=list_range(values, "country codes" if column.kind == "country" else column.name),
                    allow_blank=not column.required,
                    showErrorMessage=True,
                    errorTitle=f"{column.name}: not allowed",
                    error="Pick a value from the list: "
                    + (", ".join(values) if len(values) < 20 else "ISO codes"),
                )
                rule.add(cells)
                sheet.add_data_validation(rule)
            if column.kind == "date":
                sheet.column_dimensions[letter].number_format = "yyyy-mm-dd"
                rule = DataValidation(
                    type="date",
                    operator="greaterThan",
                    formula1="DATE(1990,1,1)",
                    showErrorMessage=True,
                    errorTitle=f"{column.name}: not a date",
                    error="Enter a date as YYYY-MM-DD, e.g. 2024-01-31.",
                )
                rule.add(cells)
                sheet.add_data_validation(rule)
    readme.column_dimensions["A"].width = 22
    readme.column_dimensions["B"].width = 20
    readme.column_dimensions["C"].width = 90
    readme.column_dimensions["D"].width = 30
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
