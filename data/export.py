"""Export every evidence table as `<table>.csv` in DATA_FORMAT.md's format."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb

from data.tables import TABLES


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(int(value)) if value.is_integer() else repr(value)
    return str(value)  # dates print as ISO YYYY-MM-DD


def export_tables(con: duckdb.DuckDBPyConnection, out: Path) -> dict[str, int]:
    """Write each table sorted by its key (so exports are byte-stable); returns row counts."""
    out.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    for table in TABLES.values():
        rows = con.table(table.name).select(*table.column_names).order(", ".join(table.key)).fetchall()
        with open(out / f"{table.name}.csv", "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(table.column_names)
            writer.writerows([_cell(v) for v in row] for row in rows)
        counts[table.name] = len(rows)
    return counts
