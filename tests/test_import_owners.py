"""An upsert may correct a row but never move it to another owner (DATA_FORMAT.md): one case per owning reference."""

from __future__ import annotations

from pathlib import Path

import pytest

from data import store
from data.cli import main
from tests.import_world import WORLD, file_state, new_db, tables_content, write_files

EVENTS = "event_id,case_id,finding_id,event_type,event_date,note\n"
EXPECTATIONS = "expectation_id,affiliate_id,company_id,what,target,due_on,note,set_by,set_on\n"
EXPECTATION = "X1,AF1,CO1,overall,60,2027-01-01,,demo-admin,2024-06-01\n"

# (owning reference, files, the error expected on stderr)
MOVES: list[tuple[str, dict[str, str], str]] = [
    (
        "contracts.company_id",
        {"contracts.csv": WORLD["contracts.csv"].replace("K1,AF1,CO1", "K1,AF1,CO2")},
        "contracts.csv:2: company_id: contract 'K1' belongs to company 'CO1' in the database; "
        "this row would move it to company 'CO2'",
    ),
    (
        "contracts.affiliate_id",
        {
            "affiliates.csv": "affiliate_id,name,country,kind\nAF2,Region of Ostmark,NL,region\n",
            "contracts.csv": WORLD["contracts.csv"].replace("K1,AF1,CO1", "K1,AF2,CO1"),
        },
        "contracts.csv:2: affiliate_id: contract 'K1' belongs to affiliate 'AF1' in the database; "
        "this row would move it to affiliate 'AF2'",
    ),
    (
        "product_models.company_id",
        {"product_models.csv": "product_model_id,company_id,name,category\nPM1,CO2,Nimbra Book 55,laptop\n"},
        "product_models.csv:2: company_id: product model 'PM1' belongs to company 'CO1' in the database; "
        "this row would move it to company 'CO2'",
    ),
    (
        "disclosure_requests.company_id",
        {
            "disclosure_requests.csv": "request_id,company_id,product_model_id,scope,requested_on,due_on\n"
            "R1,CO2,,final_assembly,2024-02-01,2024-03-01\n"
        },
        "disclosure_requests.csv:2: company_id: request 'R1' belongs to company 'CO1' in the database; "
        "this row would move it to company 'CO2'",
    ),
    (
        "cases.company_id",
        {"cases.csv": "case_id,company_id,factory_id,opened_on,title\nCS1,CO2,FA1,2024-04-01,Monitoring\n"},
        "cases.csv:2: company_id: case 'CS1' belongs to company 'CO1' in the database; "
        "this row would move it to company 'CO2'",
    ),
    (
        "findings.case_id",
        {"findings.csv": "finding_id,case_id,code_area,severity,description\nFN2,CS1,other,minor,\n"},
        "findings.csv:2: case_id: finding 'FN2' belongs to case 'CS2' in the database; "
        "this row would move it to case 'CS1'",
    ),
    (
        "events.case_id",  # the reported case: a reused event id with another case
        {"events.csv": EVENTS + "EV1,CS2,,acknowledged,2024-05-10,\n"},
        "events.csv:2: case_id: event 'EV1' belongs to case 'CS1' in the database; "
        "this row would move it to case 'CS2'",
    ),
    (
        "events.finding_id",
        {
            "findings.csv": "finding_id,case_id,code_area,severity,description\nFN3,CS1,wages,minor,\n",
            "events.csv": EVENTS + "EV2,CS1,FN3,evidence_submitted,2024-05-01,payslips\n",
        },
        "events.csv:2: finding_id: event 'EV2' belongs to finding 'FN1' in the database; "
        "this row would move it to finding 'FN3'",
    ),
    (
        "expectations.company_id",
        {"expectations.csv": EXPECTATIONS + EXPECTATION.replace("AF1,CO1", "AF1,CO2")},
        "expectations.csv:2: company_id: expectation 'X1' belongs to company 'CO1' in the database; "
        "this row would move it to company 'CO2'",
    ),
    (
        "expectations.affiliate_id",
        {
            "affiliates.csv": "affiliate_id,name,country,kind\nAF2,Region of Ostmark,NL,region\n",
            "expectations.csv": EXPECTATIONS + EXPECTATION.replace("AF1,CO1", "AF2,CO1"),
        },
        "expectations.csv:2: affiliate_id: expectation 'X1' belongs to affiliate 'AF1' in the database; "
        "this row would move it to affiliate 'AF2'",
    ),
]


@pytest.fixture(scope="module")
def world_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("owners")
    db = new_db(folder / "world.duckdb")
    assert main(["import", "--db", str(db), *write_files(folder / "csv", WORLD)]) == 0
    expectation = write_files(folder / "expectation", {"expectations.csv": EXPECTATIONS + EXPECTATION})
    assert main(["import", "--db", str(db), *expectation]) == 0
    return db


def test_every_owning_reference_of_the_format_is_covered() -> None:
    from data.importing.checks import OWNERS

    assert {f"{t}.{c}" for t, c, _ in OWNERS} == {m[0] for m in MOVES}


@pytest.mark.parametrize(("files", "expected"), [m[1:] for m in MOVES], ids=[m[0] for m in MOVES])
def test_owner_change_is_refused_naming_row_old_and_new_owner(
    world_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture, files: dict[str, str], expected: str
) -> None:
    paths = write_files(tmp_path, files)
    before, state, backups = tables_content(world_db), file_state(world_db), store.list_backups(world_db)
    for dry_run in ([], ["--dry-run"]):
        assert main(["import", "--db", str(world_db), *dry_run, *paths]) == 1
        err = capsys.readouterr().err
        assert expected in err, err
        assert "never move it to another owner" in err and "nothing was written" in err
    assert tables_content(world_db) == before
    assert file_state(world_db) == state and store.list_backups(world_db) == backups


def test_a_correction_that_keeps_the_owner_is_accepted(world_db: Path, tmp_path: Path, capsys) -> None:
    paths = write_files(tmp_path, {"events.csv": EVENTS + "EV1,CS1,,acknowledged,2024-04-11,called back\n"})
    assert main(["import", "--db", str(world_db), "--dry-run", *paths]) == 0
    assert "events: 0 inserted, 1 replaced, 0 unchanged" in capsys.readouterr().out
