"""Bad input is refused with a clear `file:line: column: problem`, and the database stays exactly as it was.

One table of cases: each imports some files into a small world (tests/import_world.py)
through the CLI, expects exit code 1, the file, line and column named on stderr,
no stack trace, and every table, the file's bytes and its inode unchanged.
"""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import duckdb
import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from data import store
from data.cli import main
from data.importing import importer
from tests.import_world import WORLD, file_state, new_db, tables_content, write_files

HEAD = {
    "companies": "company_id,name,role,hq_country\n",
    "contracts": "contract_id,affiliate_id,company_id,start_date,end_date,annual_spend_eur\n",
    "product_models": "product_model_id,company_id,name,category\n",
    "factories": "factory_id,legal_name,address,city,country,tier,component_type\n",
    "requests": "request_id,company_id,product_model_id,scope,requested_on,due_on\n",
    "disclosures": "request_id,factory_id,disclosed_on,complete\n",
    "findings": "finding_id,case_id,code_area,severity,description\n",
    "events": "event_id,case_id,finding_id,event_type,event_date,note\n",
}


def xlsx(sheets: dict[str, list[list[object]]]) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        ws = book.create_sheet(title)
        for row in rows:
            ws.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# (case id, files to import, fragments that must all appear on stderr)
CASES: list[tuple[str, dict[str, str | bytes], list[str]]] = [
    (
        "invalid date",
        {"disclosures.csv": HEAD["disclosures"] + "R1,FA2,2024-02-30,true\n"},
        ["disclosures.csv:2: disclosed_on: '2024-02-30' is not a date"],
    ),
    (
        "date not ISO",
        {"disclosures.csv": HEAD["disclosures"] + "R1,FA2,15/02/2024,true\n"},
        ["disclosures.csv:2: disclosed_on: '15/02/2024' is not a date of the form YYYY-MM-DD"],
    ),
    (
        "bad boolean",
        {"disclosures.csv": HEAD["disclosures"] + "R1,FA2,2024-02-16,maybe\n"},
        ["disclosures.csv:2: complete: 'maybe' is not a boolean"],
    ),
    (
        "unknown reference",
        {"disclosures.csv": HEAD["disclosures"] + "R1,FA2,2024-02-16,true\nR9,FA1,2024-02-16,no\n"},
        ["disclosures.csv:3: request_id: unknown request_id 'R9'"],
    ),
    (
        "unknown parent of a new row",
        {"product_models.csv": HEAD["product_models"] + "PM9,CO9,X,laptop\n"},
        ["product_models.csv:2: company_id: unknown company_id 'CO9'"],
    ),
    (
        "evidence without finding",
        {"events.csv": HEAD["events"] + "EV9,CS1,,evidence_submitted,2024-05-02,\n"},
        ["events.csv:2: finding_id: is empty; an event of type evidence_submitted must name the finding"],
    ),
    (
        "verified without finding",
        {"events.csv": HEAD["events"] + "EV9,CS1,,verified,2024-05-02,\n"},
        ["events.csv:2: finding_id:"],
    ),
    (
        "acknowledged with finding",
        {"events.csv": HEAD["events"] + "EV9,CS1,FN1,acknowledged,2024-05-02,\n"},
        [
            "events.csv:2: finding_id: 'FN1' is given, but an event of type acknowledged must not name a finding"
        ],
    ),
    (
        "finding of another case",
        {"events.csv": HEAD["events"] + "EV9,CS1,FN2,verified,2024-06-01,\n"},
        ["events.csv:2: finding_id: 'FN2' belongs to case 'CS2', not to this event's case"],
    ),
    (
        "unknown finding",
        {"events.csv": HEAD["events"] + "EV9,CS1,FN9,verified,2024-06-01,\n"},
        ["events.csv:2: finding_id: unknown finding_id 'FN9'"],
    ),
    (
        "event before case opened",
        {"events.csv": HEAD["events"] + "EV9,CS1,,acknowledged,2024-03-01,\n"},
        ["events.csv:2: event_date: '2024-03-01' is before the case's opened_on (2024-04-01)"],
    ),
    (
        "event before a case opened in the same import",
        {
            "cases.csv": "case_id,company_id,factory_id,opened_on,title\nCS9,CO1,FA1,2024-06-01,\n",
            "events.csv": HEAD["events"] + "EV9,CS9,,acknowledged,2024-05-01,\n",
        },
        ["events.csv:2: event_date: '2024-05-01' is before the case's opened_on (2024-06-01)"],
    ),
    (
        "bad severity",
        {"findings.csv": HEAD["findings"] + "FN9,CS1,wages,severe,\n"},
        ["findings.csv:2: severity: 'severe' is not allowed; use one of: minor, major, critical"],
    ),
    (
        "bad code area",
        {"findings.csv": HEAD["findings"] + "FN9,CS1,pay,minor,\n"},
        ["findings.csv:2: code_area: 'pay' is not allowed"],
    ),
    (
        "bad scope",
        {"disclosure_requests.csv": HEAD["requests"] + "R9,CO1,,everything,2024-05-01,2024-06-01\n"},
        ["disclosure_requests.csv:2: scope: 'everything' is not allowed"],
    ),
    (
        "bad event type",
        {"events.csv": HEAD["events"] + "EV9,CS1,,visited,2024-05-01,\n"},
        ["events.csv:2: event_type: 'visited' is not allowed"],
    ),
    (
        "bad role",
        {"companies.csv": HEAD["companies"] + "CO9,Maker Co,maker,\n"},
        ["companies.csv:2: role: 'maker' is not allowed; use one of: brand, contractor, reseller"],
    ),
    (
        "bad category",
        {"product_models.csv": HEAD["product_models"] + "PM9,CO1,Toaster 1,toaster\n"},
        ["product_models.csv:2: category: 'toaster' is not allowed"],
    ),
    (
        "bad tier",
        {"factories.csv": HEAD["factories"] + "FA9,F,,,CN,assembly,\n"},
        ["factories.csv:2: tier: 'assembly' is not allowed"],
    ),
    (
        "duplicate key in one file",
        {"companies.csv": HEAD["companies"] + "CO9,A,brand,\nCO8,B,brand,\nCO9,C,brand,\n"},
        [
            "companies.csv:4: company_id: duplicate key (CO9); the same key is also given at",
            "companies.csv:2",
        ],
    ),
    (
        "duplicate composite key across files",
        {
            "disclosures.csv": HEAD["disclosures"] + "R1,FA2,2024-02-16,true\n",
            "book.xlsx": xlsx(
                {
                    "disclosures": [
                        ["request_id", "factory_id", "disclosed_on", "complete"],
                        ["R1", "FA2", "2024-02-16", False],
                    ]
                }
            ),
        },
        ["book.xlsx[disclosures]:2: request_id+factory_id+disclosed_on: duplicate key (R1, FA2, 2024-02-16)"],
    ),
    (
        "missing required column",
        {"companies.csv": "company_id,name,hq_country\nCO9,A,NL\n"},
        ["companies.csv:1: role: required column is missing"],
    ),
    (
        "unknown column",
        {"companies.csv": "company_id,name,role,hq_country,colour\nCO9,A,brand,NL,red\n"},
        ["companies.csv:1: colour: unknown column"],
    ),
    (
        "header name with other case",
        {"companies.csv": "Company_ID,name,role\nCO9,A,brand\n"},
        [
            "companies.csv:1: Company_ID: unknown column",
            "companies.csv:1: company_id: required column is missing",
        ],
    ),
    (
        "bad country",
        {"factories.csv": HEAD["factories"] + "FA9,Factory Nine,,,ZZ,components,\n"},
        ["factories.csv:2: country: 'ZZ' is not an ISO 3166-1 alpha-2 country code"],
    ),
    (
        "country name instead of code",
        {"companies.csv": HEAD["companies"] + "CO9,A,brand,China\n"},
        ["companies.csv:2: hq_country: 'China' is not an ISO 3166-1 alpha-2"],
    ),
    (
        "end before start",
        {"contracts.csv": HEAD["contracts"] + "K9,AF1,CO1,2024-05-01,2024-04-01,\n"},
        ["contracts.csv:2: end_date: '2024-04-01' is before start_date (2024-05-01)"],
    ),
    (
        "negative spend",
        {"contracts.csv": HEAD["contracts"] + "K9,AF1,CO1,2024-05-01,,-5\n"},
        ["contracts.csv:2: annual_spend_eur: '-5' is negative"],
    ),
    (
        "non-numeric spend",
        {"contracts.csv": HEAD["contracts"] + 'K9,AF1,CO1,2024-05-01,,"1.250,00"\n'},
        ["contracts.csv:2: annual_spend_eur: '1.250,00' is not a number"],
    ),
    (
        "future date",
        {"disclosures.csv": HEAD["disclosures"] + "R1,FA2,2099-01-01,true\n"},
        ["disclosures.csv:2: disclosed_on: '2099-01-01' lies in the future"],
    ),
    (
        "future opened_on",
        {"cases.csv": "case_id,company_id,factory_id,opened_on,title\nCS9,CO1,FA1,2099-06-01,\n"},
        ["cases.csv:2: opened_on: '2099-06-01' lies in the future"],
    ),
    (
        "empty required cell",
        {"companies.csv": HEAD["companies"] + "CO9,,brand,NL\n"},
        ["companies.csv:2: name: is empty; a value is required"],
    ),
    (
        "blank required cell",
        {"companies.csv": HEAD["companies"] + "CO9,   ,brand,NL\n"},
        ["companies.csv:2: name: is empty"],
    ),
    (
        "over-long id",
        {"companies.csv": HEAD["companies"] + "C" * 65 + ",A,brand,NL\n"},
        ["companies.csv:2: company_id: id is 65 characters long; at most 64"],
    ),
    (
        "unknown table name and header",
        {"suppliers.csv": "supplier_id,name,role\nCO9,A,brand\n"},
        [
            "suppliers.csv: 'suppliers.csv' is not named like a table and its header matches no table's columns"
        ],
    ),
    ("empty file", {"companies.csv": b""}, ["companies.csv: the file is empty"]),
    ("binary garbage", {"companies.csv": bytes(range(256)) * 8}, ["companies.csv: this is not a text file"]),
    (
        "non-UTF-8 text",
        {"companies.csv": (HEAD["companies"] + "CO9,Café Devices,brand,FR\n").encode("latin-1")},
        ["companies.csv:2: the text is not UTF-8 (byte 0xe9)"],
    ),
    (
        "xlsx with wrong sheet name",
        {"book.xlsx": xlsx({"Companies list": [["company", "name", "role"], ["CO9", "A", "brand"]]})},
        [
            "book.xlsx[Companies list]: sheet 'Companies list' is not named like a table and its header matches no"
        ],
    ),
    (
        "xlsx with a bad cell",
        {
            "book.xlsx": xlsx(
                {"companies": [["company_id", "name", "role"], ["CO9", "A", "brand"], ["CO8", "B", "maker"]]}
            )
        },
        ["book.xlsx[companies]:3: role: 'maker' is not allowed"],
    ),
    (
        "corrupt xlsx",
        {"book.xlsx": b"PK\x03\x04 this is not really a workbook"},
        ["book.xlsx: not a readable .xlsx"],
    ),
    (
        "xlsx named csv",
        {"companies.csv": xlsx({"companies": [["company_id"]]})},
        ["companies.csv: this is an Excel"],
    ),
    (
        "old excel format",
        {"companies.xls": b"\xd0\xcf\x11\xe0"},
        ["companies.xls: .xls files are not supported"],
    ),
    (
        "due before requested",
        {"disclosure_requests.csv": HEAD["requests"] + "R9,CO1,,components,2024-05-01,2024-04-01\n"},
        ["disclosure_requests.csv:2: due_on: '2024-04-01' is before requested_on (2024-05-01)"],
    ),
    (
        "disclosed before requested",
        {"disclosures.csv": HEAD["disclosures"] + "R1,FA2,2024-01-15,true\n"},
        ["disclosures.csv:2: disclosed_on: '2024-01-15' is before the request's requested_on (2024-02-01)"],
    ),
    (
        "request moved after its disclosures in the database",
        {"disclosure_requests.csv": HEAD["requests"] + "R1,CO1,PM1,final_assembly,2024-03-01,2024-04-01\n"},
        [
            "disclosure_requests.csv:2: requested_on: disclosures already in the database for this request are dated"
        ],
    ),
    (
        "finding moved away from its events' case",
        {"findings.csv": HEAD["findings"] + "FN1,CS2,wages,major,\n"},
        ["findings.csv:2: case_id: events already in the database link this finding to case 'CS1'"],
    ),
    (
        "row with too many values",
        {"companies.csv": HEAD["companies"] + "CO9,A,brand,NL,extra\n"},
        ["companies.csv:2: the row has 5 values but the header has 4 columns"],
    ),
    (
        "good file with a bad one",
        {
            "companies.csv": HEAD["companies"] + "CO9,Good Co,brand,NL\n",
            "disclosures.csv": HEAD["disclosures"] + "R1,FA2,2024-02-31,true\n",
        },
        ["disclosures.csv:2: disclosed_on:"],
    ),
]


@pytest.fixture(scope="module")
def world_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("world")
    db = new_db(folder / "world.duckdb")
    paths = write_files(folder / "csv", WORLD)
    assert main(["import", "--db", str(db), *paths]) == 0
    return db


@pytest.mark.parametrize(("files", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_is_refused_and_nothing_changes(
    world_db: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture,
    files: dict[str, str | bytes],
    expected: list[str],
) -> None:
    paths = write_files(tmp_path / "in", files)
    before, state, backups = tables_content(world_db), file_state(world_db), store.list_backups(world_db)
    for dry_run in ([], ["--dry-run"]):
        code = main(["import", "--db", str(world_db), *dry_run, *paths])
        err = capsys.readouterr().err
        assert code == 1, err
        for fragment in expected:
            assert fragment in err, f"{fragment!r} not in:\n{err}"
        assert "Traceback" not in err
        assert "nothing was written" in err
    assert tables_content(world_db) == before
    assert file_state(world_db) == state
    assert store.list_backups(world_db) == backups


def test_case_table_is_large_enough() -> None:
    assert len(CASES) >= 25


def test_several_errors_in_one_file_are_all_reported(world_db: Path, tmp_path: Path, capsys) -> None:
    paths = write_files(
        tmp_path, {"companies.csv": HEAD["companies"] + "CO9,,maker,ZZ\nCO8,B,brand,NL\nCO7,C,x,\n"}
    )
    assert main(["import", "--db", str(world_db), *paths]) == 1
    err = capsys.readouterr().err
    for fragment in (
        "companies.csv:2: name:",
        "companies.csv:2: role:",
        "companies.csv:2: hq_country:",
        "companies.csv:4: role:",
        "error: 4 errors found",
    ):
        assert fragment in err


def test_long_error_lists_are_capped(world_db: Path, tmp_path: Path, capsys) -> None:
    rows = "".join(f"CO{i},Name,maker,\n" for i in range(120))
    paths = write_files(tmp_path, {"companies.csv": HEAD["companies"] + rows})
    assert main(["import", "--db", str(world_db), *paths]) == 1
    err = capsys.readouterr().err.splitlines()
    assert sum(line.startswith(str(tmp_path)) for line in err) == 50
    assert "... and 70 more errors" in err
    assert err[-1].startswith("error: 120 errors found")


def test_line_numbers_count_physical_lines(world_db: Path, tmp_path: Path, capsys) -> None:
    """A BOM, CRLF line ends, a blank line and a quoted cell spanning lines do not shift the reported line."""
    text = (
        '\ufeffrequest_id,recorded_on,note\r\nR1,2024-03-01,"two\r\nlines"\r\n\r\n'
        "R1,2024-03-02,ok\r\nR1,yesterday,bad\r\n"
    )
    paths = write_files(tmp_path, {"due_diligence.csv": text})
    assert main(["import", "--db", str(world_db), *paths]) == 1
    err = capsys.readouterr().err
    assert "due_diligence.csv:6: recorded_on: 'yesterday'" in err


def test_missing_file_and_missing_database(world_db: Path, tmp_path: Path, capsys) -> None:
    assert main(["import", "--db", str(world_db), str(tmp_path / "nope.csv")]) == 1
    assert "nope.csv: no such file or folder" in capsys.readouterr().err
    assert main(["import", "--db", str(tmp_path / "none.duckdb"), str(tmp_path)]) == 1
    assert "does not exist" in capsys.readouterr().err


def test_folder_with_a_stray_csv_is_refused(world_db: Path, tmp_path: Path, capsys) -> None:
    write_files(tmp_path, {"companies.csv": HEAD["companies"] + "CO9,A,brand,NL\n", "notes.csv": "a,b\n"})
    state = file_state(world_db)
    assert main(["import", "--db", str(world_db), str(tmp_path)]) == 1
    assert "notes.csv: 'notes.csv' is not named like a table" in capsys.readouterr().err
    assert file_state(world_db) == state


@pytest.mark.parametrize("case", ["binary garbage", "finding of another case"])
def test_subprocess_run_has_clean_stderr_and_exit_code(world_db: Path, tmp_path: Path, case: str) -> None:
    files, expected = next(c[1:] for c in CASES if c[0] == case)
    paths = write_files(tmp_path, files)
    state = file_state(world_db)
    run = subprocess.run(
        [sys.executable, "-m", "data", "import", "--db", str(world_db), *paths],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
        timeout=120,
    )
    assert run.returncode == 1
    assert all(fragment in run.stderr for fragment in expected), run.stderr
    assert "Traceback" not in run.stderr
    assert run.stdout == ""
    assert file_state(world_db) == state


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    data=st.binary(max_size=400)
    | st.text(max_size=300).map(lambda t: ("company_id,name,role\n" + t).encode()),
    name=st.sampled_from(["companies.csv", "events.csv", "book.xlsx"]),
)
def test_no_input_raises(world_db: Path, data: bytes, name: str) -> None:
    """Whatever the bytes, validation answers with a plan (errors or counts), never an exception."""
    con = duckdb.connect(str(world_db), read_only=True)
    try:
        plan = importer.validate_files([(name, data)], con)
    finally:
        con.close()
    assert all(isinstance(str(p), str) for p in plan.errors)
