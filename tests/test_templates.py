"""Import templates: headers straight from the table contract; an empty template imports cleanly."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from data.cli import main
from data.importing.templates import XLSX_NAME
from data.store.tables import TABLES
from tests.import_world import file_state, new_db, tables_content


def test_template_command_writes_csv_headers_and_a_workbook(tmp_path: Path, capsys) -> None:
    assert main(["template", "--out", str(tmp_path)]) == 0
    assert f"wrote {len(TABLES) + 1} template files" in capsys.readouterr().out
    for name, table in TABLES.items():
        header, example = (tmp_path / f"{name}.csv").read_text(encoding="utf-8").splitlines()
        assert header == ",".join(table.column_names)
        assert example.startswith("EXAMPLE-")  # the example row is marked as such
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
    assert "YYYY-MM-DD" in book["README"]["A1"].value


def _list_values(book: openpyxl.Workbook, formula: str) -> list[str]:
    sheet, cells = formula.split("!")
    first, last = cells.replace("$", "").split(":")
    return [row[0] for row in book[sheet].iter_rows(min_row=int(first[1:]), max_row=int(last[1:]),
            min_col=openpyxl.utils.column_index_from_string(first[0]),
            max_col=openpyxl.utils.column_index_from_string(first[0]), values_only=True)]  # fmt: skip


def test_workbook_has_a_drop_down_for_every_enumerated_column_and_date_formats(tmp_path: Path) -> None:
    assert main(["template", "--out", str(tmp_path)]) == 0
    book = openpyxl.load_workbook(tmp_path / XLSX_NAME)
    for name, table in TABLES.items():
        sheet = book[name]
        rules = {
            str(cell_range).split(":")[0].rstrip("0123456789"): rule
            for rule in sheet.data_validations.dataValidation
            for cell_range in rule.sqref.ranges
        }
        for cell, column in zip(sheet[1], table.columns, strict=True):
            letter = cell.column_letter
            if column.kind in ("choice", "bool", "country"):
                rule = rules[letter]
                assert rule.type == "list", (name, column.name)
                values = _list_values(book, rule.formula1)
                if column.kind == "choice":
                    assert values == list(column.choices)
                elif column.kind == "bool":
                    assert values == ["true", "false"]
                else:
                    assert {"CN", "MY", "NL"} <= set(values) and len(values) > 200
            elif column.kind == "date":
                assert rules[letter].type == "date"
                assert sheet.column_dimensions[letter].number_format == "yyyy-mm-dd"
            else:
                assert letter not in rules, (name, column.name)


def test_unchanged_templates_are_refused_and_write_nothing(tmp_path: Path, capsys) -> None:
    assert main(["template", "--out", str(tmp_path / "tpl")]) == 0
    db = new_db(tmp_path / "cpt.duckdb")
    state, before = file_state(db), tables_content(db)
    capsys.readouterr()
    assert main(["import", "--db", str(db), str(tmp_path / "tpl")]) == 1
    err = capsys.readouterr().err
    for name in TABLES:
        assert f"{name}.csv:2: " in err and "is the template's example row" in err
    assert "unknown" not in err  # the example's references are not reported on top
    assert main(["import", "--db", str(db), str(tmp_path / "tpl" / XLSX_NAME)]) == 0  # no example rows there
    out = capsys.readouterr().out
    assert "no rows" in out and "nothing was written" in out
    assert file_state(db) == state and tables_content(db) == before


def test_the_example_rows_are_a_valid_import_once_their_ids_are_real(tmp_path: Path, capsys) -> None:
    assert main(["template", "--out", str(tmp_path / "tpl")]) == 0
    for name in TABLES:
        path = tmp_path / "tpl" / f"{name}.csv"
        path.write_text(path.read_text(encoding="utf-8").replace("EXAMPLE-", "MY-"), encoding="utf-8")
    (tmp_path / "tpl" / XLSX_NAME).unlink()
    db = new_db(tmp_path / "cpt.duckdb")
    assert main(["import", "--db", str(db), str(tmp_path / "tpl")]) == 0, capsys.readouterr().err
    content = tables_content(db)
    assert all(len(content[name]) == 1 for name in TABLES)


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
