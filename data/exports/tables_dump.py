"""Export every evidence table as `<table>.csv` in DATA_FORMAT.md's format.

A text cell that a spreadsheet would run as a formula gets a leading apostrophe
(`data.exports.spreadsheet.guard_formula`); the importer removes it again (`data.exports.spreadsheet.restore`),
so an export imports back unchanged."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb

from data.exports.spreadsheet import guard_formula
from data.store.tables import TABLES


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(int(value)) if value.is_integer() else repr(value)
    return guard_formula(str(value))  # dates print as ISO YYYY-MM-DD


def export_tables(con: duckdb.DuckDBPyConnection, out: Path) -> dict[str, int]:
    """Write each table sorted by its key (so exports are byte-stable); returns row counts."""
    out.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    for table in TABLES.values():
        rows = con.table(table.name).select(*table.column_names).order(", ".join(table.key)).fetchall()
        with open(out / f"{table.name}.csv", "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            # csv quotes a field with "\n" but not one with a lone "\r", which readers take
            # for a line break: such rows are written with every field quoted.
            quoted = csv.writer(handle, lineterminator="\n", quoting=csv.QUOTE_ALL)
            writer.writerow(table.column_names)
            for row in rows:
                cells = [_cell(v) for v in row]
                (quoted if any("\r" in c for c in cells) else writer).writerow(cells)
        counts[table.name] = len(rows)
    return counts


def export_documents(con: duckdb.DuckDBPyConnection, db_path: Path, out: Path) -> int:
    """The source documents, in the import's format (README, "Source documents"): documents.csv
    naming each file as `documents/<sha256><ext>`, document_links.csv, and the files; so the
    export imports back with its documents. Returns how many documents (0 for a file without)."""
    from data.documents import importing, sniff, store

    if not store.has_tables(con):
        return 0
    docs = con.execute(
        "SELECT document_id, sha256, media_type, title, kind, document_date, visibility, company_id "
        "FROM documents ORDER BY document_id"
    ).fetchall()
    links = con.execute(
        "SELECT document_id, evidence, request_id, factory_id, disclosed_on, recorded_on, case_id, finding_id, "
        "event_id FROM document_links ORDER BY ALL"
    ).fetchall()
    folder = out / "documents"
    folder.mkdir(parents=True, exist_ok=True)
    with open(out / importing.DOCUMENTS_FILE, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        writer.writerow(importing.DOCUMENT_COLUMNS)
        for document_id, sha, media, title, kind, day, visibility, company in docs:
            name = f"{sha}{sniff.EXTENSIONS.get(media, '')}"
            data = store.read(db_path, sha)
            if data is None:
                raise FileNotFoundError(f"the file of document {document_id!r} ({sha}) is missing from {store.folder(db_path)}")  # fmt: skip
            (folder / name).write_bytes(data)
            writer.writerow([_cell(v) for v in (document_id, f"documents/{name}", title, kind, day, visibility, company)])  # fmt: skip
    with open(out / importing.LINKS_FILE, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(importing.LINK_FILE_COLUMNS)
        for row in links:
            writer.writerow([_cell(v) for v in row])
    return len(docs)
