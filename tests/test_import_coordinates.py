"""Optional factory coordinates (latitude, longitude) in the import format: validated ranges,
both or neither, imported and exported unchanged."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from data.cli import main
from tests.import_world import WORLD, new_db, tables_content, write_files

HEAD = "factory_id,legal_name,address,city,country,tier,component_type,latitude,longitude\n"


@pytest.fixture
def world_db(tmp_path: Path) -> Path:
    db = new_db(tmp_path / "world.duckdb")
    assert main(["import", "--db", str(db), *write_files(tmp_path / "csv", WORLD)]) == 0
    return db


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("FA9,Nine Ltd,,Penang,MY,components,,95.5,100.3", "factories.csv:2: latitude: '95.5' is out of range; use decimal degrees from -90 to 90"),
        ("FA9,Nine Ltd,,Penang,MY,components,,5.4,-181", "factories.csv:2: longitude: '-181' is out of range; use decimal degrees from -180 to 180"),
        ("FA9,Nine Ltd,,Penang,MY,components,,5.4,", "factories.csv:2: longitude: latitude and longitude go together: give both or neither"),
        ("FA9,Nine Ltd,,Penang,MY,components,,north,100.3", "factories.csv:2: latitude: 'north' is not a number"),
    ],
)  # fmt: skip
def test_bad_coordinates_are_refused(world_db: Path, tmp_path: Path, capsys, row: str, expected: str) -> None:
    before = tables_content(world_db)
    code = main(
        ["import", "--db", str(world_db), *write_files(tmp_path / "in", {"factories.csv": HEAD + row + "\n"})]
    )
    err = capsys.readouterr().err
    assert code == 1 and expected in err, err
    assert "Traceback" not in err
    assert tables_content(world_db) == before


def test_coordinates_import_and_export(world_db: Path, tmp_path: Path) -> None:
    row = "FA9,Nine Ltd,1 Harbour Road,Penang,MY,components,battery,5.4123,100.3301\n"
    assert (
        main(["import", "--db", str(world_db), *write_files(tmp_path / "in", {"factories.csv": HEAD + row})])
        == 0
    )
    with duckdb.connect(str(world_db), read_only=True) as con:
        assert con.execute(
            "SELECT latitude, longitude FROM factories WHERE factory_id = 'FA9'"
        ).fetchone() == (5.4123, 100.3301)
        assert (
            con.execute("SELECT count(*) FROM factories WHERE latitude IS NULL").fetchone()[0] >= 1
        )  # optional
    out = tmp_path / "export"
    assert main(["export", "--db", str(world_db), "--out", str(out)]) == 0
    text = (out / "factories.csv").read_text(encoding="utf-8")
    assert text.splitlines()[0].endswith(",latitude,longitude")
    assert "FA9,Nine Ltd,1 Harbour Road,Penang,MY,components,battery,5.4123,100.3301" in text
