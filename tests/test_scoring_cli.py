"""`python -m scoring` (DATA_FORMAT.md, "Command-line contract")."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from scoring.cli import main
from tests.worlds import worked_example_world

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "cpt.duckdb"
    w = worked_example_world()
    w.company("EMPTY")  # a company without evidence: n/a everywhere
    con = duckdb.connect(str(path))
    w.load(con)
    con.close()
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_csv_as_of(db: Path, capsys) -> None:
    code, out, err = run(capsys, "--db", str(db), "--as-of", "2021-12-31")
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == "company_id,as_of,methodology,sct,fi,overall,band"
    assert lines[1:] == ["EMPTY,2021-12-31,v1,,,,", "EX,2021-12-31,v1,61.43,51.88,56.65,Good"]


def test_csv_v2_and_company(db: Path, capsys) -> None:
    code, out, _ = run(
        capsys, "--db", str(db), "--as-of", "2021-12-31", "--methodology", "v2", "--company", "EX"
    )
    assert code == 0
    assert out.splitlines()[1:] == ["EX,2021-12-31,v2,51.50,48.43,49.66,Developing"]


def test_series_in_force(db: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("CPT_DB", str(db))
    code, out, _ = run(capsys, "--series", "quarterly", "--company", "EX")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows[0]["as_of"] == "2021-03-31" and rows[0]["sct"] == "100.00" and rows[0]["overall"] == "55.00"
    by_date = {r["as_of"]: r for r in rows}
    assert by_date["2022-06-30"]["methodology"] == "v1" and by_date["2022-09-30"]["methodology"] == "v2"
    assert (by_date["2022-09-30"]["sct"], by_date["2022-09-30"]["overall"]) == ("39.62", "36.60")


def test_json(db: Path, capsys) -> None:
    code, out, _ = run(capsys, "--db", str(db), "--as-of", "2021-12-31", "--format", "json")
    assert code == 0
    rows = json.loads(out)
    assert [r["company_id"] for r in rows] == ["EMPTY", "EX"]
    assert rows[0] == {
        "company_id": "EMPTY",
        "as_of": "2021-12-31",
        "methodology": "v1",
        "sct": None,
        "fi": None,
        "overall": None,
        "band": None,
    }
    assert rows[1]["sct"] == 61.43 and rows[1]["band"] == "Good"
    assert '"fi": 51.88' in out  # at least two decimals in the text as well


@pytest.mark.parametrize(
    "args",
    [
        ["--as-of", "2021-13-01"],
        ["--as-of", "yesterday"],
        ["--as-of", "2021-12-31", "--methodology", "v9"],
        ["--series", "monthly"],
        ["--as-of", "2021-12-31", "--series", "quarterly"],
        [],
        ["--as-of", "2021-12-31", "--bogus"],
    ],
)
def test_usage_errors_exit_2_with_one_line(db: Path, args: list[str]) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "scoring", "--db", str(db), *args], cwd=ROOT, capture_output=True, text=True
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert len(proc.stderr.strip().splitlines()) == 1 and proc.stderr.startswith("error:")


def test_unknown_company(db: Path, capsys) -> None:
    code, out, err = run(capsys, "--db", str(db), "--as-of", "2021-12-31", "--company", "NOPE")
    assert code == 1 and out == ""
    assert err.strip() == "error: unknown company 'NOPE'"


def test_missing_database(tmp_path: Path, capsys) -> None:
    code, out, err = run(capsys, "--db", str(tmp_path / "nope.duckdb"), "--as-of", "2021-12-31")
    assert code == 1 and out == "" and len(err.strip().splitlines()) == 1 and "does not exist" in err


def test_module_entry_point(db: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "scoring", "--db", str(db), "--as-of", "2021-12-31", "--company", "EX"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert proc.stdout.splitlines()[1] == "EX,2021-12-31,v1,61.43,51.88,56.65,Good"


@pytest.mark.parametrize(
    ("value", "printed"),
    [
        (43.125, "43.13"),
        (51.875, "51.88"),
        (61.428571, "61.43"),
        (100.0, "100.00"),
        (0.0, "0.00"),
        (0.005, "0.01"),
    ],
)
def test_numbers_print_to_the_cent_rounding_ties_up(value: float, printed: str) -> None:
    from scoring.cli import _number

    assert _number(value) == printed
