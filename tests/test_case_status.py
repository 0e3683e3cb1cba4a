"""A case's status has one definition (scoring/facts.py) and every place that shows it agrees:
the Factory page's case table, My contracts' open cases (and its deadlines' cases), the Factory
improvement case list and its CSV, the Company page's "Monitoring cases" tab and the scoring
report built from it (wording/narrative.py). Issue 19: a case with one finding of six verified
was "verified" with "Open findings 3" on the Factory page and "remediation in progress" on the
Company page."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

import scoring
from data.queries import contracts as cq
from data.queries import evidence as eq
from scoring import facts
from wording import narrative

STAFF = cq.Viewer(role="admin")


@pytest.mark.parametrize(
    ("findings", "verified", "engaged", "retaliation", "status"),
    [
        (6, 6, True, False, "verified"),
        (6, 3, True, False, "remediation in progress"),  # half verified is not verified
        (6, 1, False, False, "remediation in progress"),  # a verified finding is engagement
        (6, 0, True, False, "remediation in progress"),
        (6, 0, False, False, "open"),
        (0, 0, False, False, "open"),  # no findings: nothing to verify
        (6, 6, True, True, "retaliation"),  # retaliation outranks everything
        (2, 0, False, True, "retaliation"),
    ],
)
def test_the_rule(findings: int, verified: int, engaged: bool, retaliation: bool, status: str) -> None:
    assert (
        facts.case_status(findings=findings, verified=verified, engaged=engaged, retaliation=retaliation)
        == status
    )


@pytest.fixture(scope="module")
def statuses(demo_db: Path) -> dict[str, dict[str, str]]:
    """Every demo case's status as each place computes it, on the same day (today: every event
    of the demo is dated on or before it, as the Factory improvement list counts them all)."""
    today = date.today()
    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        cur = con.cursor()
        evidence = scoring.load_evidence(cur)
        factories = [f for (f,) in cur.execute("SELECT DISTINCT factory_id FROM cases").fetchall()]
        factory_page = pd.concat([cq.factory_cases(cur, STAFF, f, today) for f in factories])
        contracts_page = cq.model_open_cases(cur, STAFF, today)
        improvement_page = eq.case_page(cur, None, limit=None)
    finally:
        con.close()
    assert evidence.events["event_date"].max() <= pd.Timestamp(today)
    company_page: dict[str, str] = {}
    for company in evidence.cases["company_id"].unique():
        why = scoring.explain(evidence, company, today)
        company_page |= narrative.case_facts(why, evidence).set_index("case_id")["status"].to_dict()
    return {
        "factory": dict(zip(factory_page["case_id"], factory_page["status"], strict=True)),
        "contracts": dict(zip(contracts_page["case_id"], contracts_page["status"], strict=True)),
        "improvement": dict(zip(improvement_page["case_id"], improvement_page["status"], strict=True)),
        "company": company_page,
    }


def test_every_demo_case_has_the_same_status_everywhere(statuses: dict[str, dict[str, str]]) -> None:
    cases = set(statuses["improvement"])
    assert len(cases) > 100
    assert set(statuses["factory"]) == cases and set(statuses["company"]) == cases
    assert set(statuses["contracts"]) <= cases and statuses["contracts"]
    for place, found in statuses.items():
        for case, status in found.items():
            assert status == statuses["improvement"][case], (
                case,
                place,
                status,
                statuses["improvement"][case],
            )
    shown = set(statuses["improvement"].values())
    assert {"open", "remediation in progress", "verified"} <= shown <= set(facts.CASE_STATUSES)


def test_a_partly_verified_case_is_never_verified(demo_db: Path, statuses: dict[str, dict[str, str]]) -> None:
    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        rows = cq.factory_cases(con.cursor(), STAFF, _factory_of(con, "CS00036"), date.today())
    finally:
        con.close()
    row = rows[rows["case_id"] == "CS00036"].iloc[0]
    if row["open_findings"] > 0:
        assert row["status"] != "verified"
    assert statuses["company"]["CS00036"] == row["status"]
    partly = rows[(rows["open_findings"] > 0)]
    assert "verified" not in set(partly["status"])


def _factory_of(con: duckdb.DuckDBPyConnection, case_id: str) -> str:
    return con.execute("SELECT factory_id FROM cases WHERE case_id = ?", [case_id]).fetchone()[0]


def test_open_findings_and_verified_never_go_together_on_the_contract_pages(demo_db: Path) -> None:
    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        cur = con.cursor()
        factories = [f for (f,) in cur.execute("SELECT DISTINCT factory_id FROM cases").fetchall()]
        every = pd.concat([cq.factory_cases(cur, STAFF, f, date.today()) for f in factories])
        open_cases = cq.model_open_cases(cur, STAFF, date.today())
    finally:
        con.close()
    assert not ((every["open_findings"] > 0) & (every["status"] == "verified")).any()
    assert not (open_cases["status"] == "verified").any()  # they are listed because a finding is open


# ---------------------------------------------------------------- a request's state

LEVEL_OF_STATE = {"full": "FULL", "partial": "PARTIAL", "due diligence only": "DUE_DILIGENCE"}


def test_every_request_state_on_my_contracts_is_the_level_the_company_page_explains(demo_db: Path) -> None:
    """My contracts' state of a request (full, partial, due diligence only, or no response yet:
    overdue / due soon / not yet due) is the scoring's level of the request on the same day, as
    the Company page's "Now" column and the report say it."""
    today = date.today()
    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        cur = con.cursor()
        evidence = scoring.load_evidence(cur)
        shown = cq.model_requests(cur, STAFF, today)
    finally:
        con.close()
    assert len(shown) > 100
    levels: dict[str, str] = {}
    for company in shown["company_id"].unique():
        why = scoring.explain(evidence, company, today)
        levels |= dict(zip(why.requests["request_id"], why.requests["level_now"], strict=True))
    for request, state in zip(shown["request_id"], shown["state"], strict=True):
        assert LEVEL_OF_STATE.get(state, "NONE") == levels[request], (request, state, levels[request])
