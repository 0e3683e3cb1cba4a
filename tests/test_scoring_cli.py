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


# --- --actions (DATA_FORMAT.md: python -m scoring --actions) --------------------------------


@pytest.fixture(scope="module")
def actions_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli-actions") / "cpt.duckdb"
    w = worked_example_world()
    w.company("EMPTY")
    w.case("FC", "FIONLY", "2021-01-01")  # a company with cases only: SCT n/a
    w.finding("ff", "FC", "minor")
    w.request("Q,1", "QUOTE", "final_assembly", "2021-03-31")  # an id the CSV must quote
    con = duckdb.connect(str(path))
    w.load(con)
    con.close()
    return path


ACTIONS_HEADER = "company_id,as_of,methodology,action,target_id,sct_gain,fi_gain,overall_gain"


def test_actions_csv_worked_example(actions_db: Path, capsys) -> None:
    code, out, err = run(
        capsys, "--db", str(actions_db), "--actions", "--company", "EX", "--as-of", "2021-12-31"
    )
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == ACTIONS_HEADER
    # METHODOLOGY.md section 4's list, in its order, gains half up to the cent
    assert [tuple(line.split(",")[3:5]) + (line.split(",")[7],) for line in lines[1:]] == [
        ("verify", "f3", "10.31"),
        ("disclose", "R3", "7.86"),
        ("verify", "f4", "6.88"),
        ("disclose", "R4", "5.79"),
        ("disclose", "R2", "5.71"),
        ("submit_evidence", "f3", "4.69"),
        ("submit_evidence", "f4", "3.13"),
        ("submit_plan", "C2", "2.50"),
        ("grant_access", "C2", "1.88"),
        ("verify", "f2", "1.88"),
    ]
    assert lines[1] == "EX,2021-12-31,v1,verify,f3,0.00,20.63,10.31"
    assert lines[2] == "EX,2021-12-31,v1,disclose,R3,15.71,0.00,7.86"


def test_actions_v2_and_json(actions_db: Path, capsys) -> None:
    args = ["--db", str(actions_db), "--actions", "--company", "EX", "--as-of", "2021-12-31"]
    code, out, _ = run(capsys, *args, "--methodology", "v2", "--format", "json")
    assert code == 0
    rows = json.loads(out)
    assert list(rows[0]) == ACTIONS_HEADER.split(",")
    assert {r["methodology"] for r in rows} == {"v2"}
    assert rows[0] == {
        "company_id": "EX",
        "as_of": "2021-12-31",
        "methodology": "v2",
        "action": "verify",
        "target_id": "f3",
        "sct_gain": 0.0,
        "fi_gain": 25.14,
        "overall_gain": 15.09,
    }
    assert '"sct_gain": 0.00' in out  # at least two decimals in the text
    code, out, _ = run(capsys, *args, "--methodology", "in-force")
    assert out.splitlines()[1].startswith("EX,2021-12-31,v1,")


def test_actions_not_applicable_gain_is_empty(actions_db: Path, capsys) -> None:
    code, out, _ = run(
        capsys, "--db", str(actions_db), "--actions", "--company", "FIONLY", "--as-of", "2021-06-30"
    )
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows and all(r["sct_gain"] == "" and r["fi_gain"] and r["overall_gain"] for r in rows)
    code, out, _ = run(
        capsys,
        "--db",
        str(actions_db),
        "--actions",
        "--company",
        "FIONLY",
        "--as-of",
        "2021-06-30",
        "--format",
        "json",
    )
    assert all(r["sct_gain"] is None for r in json.loads(out))


def test_actions_quote_ids_and_empty_list(actions_db: Path, capsys) -> None:
    code, out, _ = run(
        capsys, "--db", str(actions_db), "--actions", "--company", "QUOTE", "--as-of", "2021-06-30"
    )
    assert code == 0
    assert out.splitlines()[1] == 'QUOTE,2021-06-30,v1,disclose,"Q,1",80.00,,80.00'  # late: 0.8
    code, out, _ = run(
        capsys, "--db", str(actions_db), "--actions", "--company", "EMPTY", "--as-of", "2021-06-30"
    )
    assert (code, out) == (0, ACTIONS_HEADER + "\n")
    code, out, _ = run(
        capsys,
        "--db",
        str(actions_db),
        "--actions",
        "--company",
        "EMPTY",
        "--as-of",
        "2021-06-30",
        "--format",
        "json",
    )
    assert (code, out) == (0, "[]\n")


def test_actions_unknown_company(actions_db: Path) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "scoring",
            "--db",
            str(actions_db),
            "--actions",
            "--company",
            "NOPE",
            "--as-of",
            "2021-12-31",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 1 and proc.stdout == ""
    assert proc.stderr.strip() == "error: unknown company 'NOPE'"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--actions", "--as-of", "2021-12-31"], "--actions needs --company ID"),
        (["--actions", "--company", "EX"], "--actions needs --as-of DATE"),
        (["--actions"], "--actions needs --company ID and --as-of DATE"),
        (["--actions", "--company", "EX", "--series", "quarterly"], "--actions takes one date"),
        (["--actions", "--company", "EX", "--as-of", "2021-02-30"], "not a date"),
    ],
)
def test_actions_usage_errors(actions_db: Path, args: list[str], message: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "scoring", "--db", str(actions_db), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2 and proc.stdout == ""
    assert len(proc.stderr.strip().splitlines()) == 1 and proc.stderr.startswith("error:")
    assert message in proc.stderr and "Traceback" not in proc.stderr


# --- the CSV printer is vectorised: the same text as row by row ----------------------------


def row_by_row_csv(scores) -> str:
    """The printer as it was (csv.writer and _number per row): the text must not change."""
    import pandas as pd

    from scoring.cli import _csv_line, _number

    lines = ["company_id,as_of,methodology,sct,fi,overall,band"]
    for r in scores.itertuples(index=False):
        lines.append(
            _csv_line(
                [
                    r.company_id,
                    pd.Timestamp(r.as_of).date().isoformat(),
                    r.methodology,
                    _number(r.sct),
                    _number(r.fi),
                    _number(r.overall),
                    r.band if isinstance(r.band, str) else "",
                ]
            )
        )
    return "\n".join(lines) + "\n"


def test_vectorised_csv_is_byte_identical() -> None:
    import numpy as np
    import pandas as pd

    from scoring.cli import format_csv

    rng = np.random.default_rng(7)
    n = 3000
    values = np.concatenate(
        [
            rng.uniform(0, 100, n - 12),
            [0.0, 100.0, 43.125, 51.875, 0.005, 0.015, 99.995, 1e-12, 61.428571428571, 12.345, np.nan, 50.0],
        ]
    )
    ties = np.round(rng.uniform(0, 100, n) * 1000) / 1000  # many exact thousandths: near ties
    scores = pd.DataFrame(
        {
            "company_id": [f"C{i}" for i in range(n - 3)] + ['A,"B"', "x,y", "é"],
            "as_of": pd.Series(pd.to_datetime(["2021-12-31"] * n)).astype("datetime64[us]"),
            "methodology": ["v1"] * n,
            "sct": values,
            "fi": ties,
            "overall": np.where(rng.uniform(size=n) < 0.1, np.nan, rng.uniform(0, 100, n)),
            "band": [None if i % 7 == 0 else "Good" for i in range(n)],
        }
    )
    assert format_csv(scores) == row_by_row_csv(scores)
    assert format_csv(scores.iloc[:0]) == row_by_row_csv(scores.iloc[:0])
