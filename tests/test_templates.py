"""Import templates: headers straight from the table contract; an empty template imports cleanly."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from data.cli import main
from data.tables import TABLES
from data.templates import XLSX_NAME
from tests.import_world import file_state, new_db, tables_content


def test_template_command_writes_csv_headers_and_a_workbook(tmp_path: Path, capsys) -> None:
    assert main(["template", "--out", str(tmp_path)]) == 0
    assert f"wrote {len(TABLES) + 1} template files" in capsys.readouterr().out
    for name, table in TABLES.items():
        assert (tmp_path / f"{name}.csv").read_text(encoding="utf-8") == ",".join(table.column_names) + "\n"
    book = openpyxl.load_workbook(tmp_path / XLSX_NAME)
    assert book.sheetnames == ["README", *TABLES]
    for name, table in TABLES.items():
        sheet = book[name]
        assert [c.value for c in sheet[1]] == table.column_names
        assert sheet.max_row == 1
        assert all(c.comment is not None for c in sheet[1])
    notes = {(r[0], r[1]): r[2] for r in book["README"].iter_rows(min_row=4, values_only=True)}
    assert "allowed: minor, major, critical" in notes[("findings", "severity")]
    assert "must exist in disclosure_requests.request_id" in notes[("disclosures", "request_id")]


def test_empty_templates_import_and_write_nothing(tmp_path: Path, capsys) -> None:
    assert main(["template", "--out", str(tmp_path / "tpl")]) == 0
    db = new_db(tmp_path / "cpt.duckdb")
    state, before = file_state(db), tables_content(db)
    for args in ([str(tmp_path / "tpl")], [str(tmp_path / "tpl" / XLSX_NAME)]):
        capsys.readouterr()
        assert main(["import", "--db", str(db), *args]) == 0
        out = capsys.readouterr().out
        assert "no rows" in out and "nothing was written" in out
    assert file_state(db) == state and tables_content(db) == before


def test_filled_in_workbook_template_imports(tmp_path: Path) -> None:
    assert main(["template", "--out", str(tmp_path)]) == 0
    book = openpyxl.load_workbook(tmp_path / XLSX_NAME)
    book["companies"].append(["CO1", "Acme", "brand", "NL"])
    book["factories"].append(["FA1", "Factory One", None, None, "CN", "components", "battery"])
    book.save(tmp_path / XLSX_NAME)
    db = new_db(tmp_path / "cpt.duckdb")
    assert main(["import", "--db", str(db), str(tmp_path / XLSX_NAME)]) == 0
    content = tables_content(db)
    assert content["companies"] == [("CO1", "Acme", "brand", "NL")]
    assert content["factories"] == [
        ("FA1", "Factory One", None, None, "CN", "components", "battery", None, None)
    ]
