"""Export, then import into an empty database: the same data comes back (DATA_FORMAT.md, `export`)."""

from __future__ import annotations

from pathlib import Path

from data.cli import main
from data.store.tables import TABLES
from tests.import_world import WORLD, export_of, new_db, tables_content, write_files


def without_audit(content: dict[str, list[tuple]]) -> dict[str, list[tuple]]:
    return {k: v for k, v in content.items() if k != "audit_log"}


def test_export_writes_every_table_with_its_header(demo_db: Path, tmp_path: Path) -> None:
    files = export_of(demo_db, tmp_path / "out")
    assert sorted(files) == sorted(f"{t}.csv" for t in TABLES)
    for name, table in TABLES.items():
        assert files[f"{name}.csv"].decode().splitlines()[0] == ",".join(table.column_names)


def test_demo_world_round_trips_through_export_and_import(demo_db: Path, tmp_path: Path, capsys) -> None:
    exported = export_of(demo_db, tmp_path / "out")
    empty = new_db(tmp_path / "empty.duckdb")
    assert main(["import", "--db", str(empty), str(tmp_path / "out")]) == 0
    assert "0 replaced" in capsys.readouterr().out
    assert without_audit(tables_content(empty)) == without_audit(tables_content(demo_db))
    assert export_of(empty, tmp_path / "again") == exported


def test_small_world_round_trips(tmp_path: Path) -> None:
    first = new_db(tmp_path / "a.duckdb")
    assert main(["import", "--db", str(first), *write_files(tmp_path / "in", WORLD)]) == 0
    exported = export_of(first, tmp_path / "out")
    second = new_db(tmp_path / "b.duckdb")
    assert main(["import", "--db", str(second), str(tmp_path / "out")]) == 0
    assert without_audit(tables_content(second)) == without_audit(tables_content(first))
    assert export_of(second, tmp_path / "again") == exported
