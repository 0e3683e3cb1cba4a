"""AppTest of the Factory improvement page on the demo database."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from data.queries import evidence as q
from data.store import writes
from tests import apptest


@pytest.fixture(autouse=True)
def demo_env(demo_app: Path) -> Path:
    return demo_app


def open_page(company: str | None = None, role: str = "affiliate") -> AppTest:
    params = {"company": company} if company else {}
    at = apptest.open_page("improvement", role=role, **params)
    assert not at.exception
    return at


def summary(demo_db: Path, company_ids: list[str] | None) -> dict:
    with duckdb.connect(str(demo_db), read_only=True) as con:
        return q.improvement_summary(con.cursor(), company_ids).to_dict("records")[0]


CHARTS = [
    "Findings by code area and severity",
    "Findings reported so far: verified vs not yet verified",
    "Monitoring cases: engagement stages over time",
]


@pytest.mark.parametrize("company", [None, "CO0004"])
def test_charts_and_numbers(demo_env: Path, company: str | None) -> None:
    at = open_page(company)
    assert at.title[0].value == "Factory improvement"
    assert apptest.chart_titles(at) == CHARTS
    expected = summary(demo_env, [company] if company else None)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Monitoring cases"] == str(expected["cases"])
    assert metrics["Findings verified"] == f"{expected['findings_verified']} of {expected['findings']}"
    assert metrics["Median time to acknowledge"] == f"{expected['median_days_to_acknowledge']:.0f} days"
    assert metrics["Median time to verify"] == f"{expected['median_days_to_verify']:.0f} days"
    assert at.get("download_button")
    timeline = json.loads(at.get("plotly_chart")[2].proto.spec)
    # the first page of cases (50 a page; more pages when there are more cases)
    assert len(timeline["layout"]["yaxis"]["categoryarray"]) == min(expected["cases"], 50)


def test_retaliation_is_flagged_for_kelvaro(demo_env: Path) -> None:
    at = open_page("CO0011")
    assert at.selectbox(key="improvement_company").value == "CO0011"
    [box] = at.error
    assert "Retaliation against workers confirmed in 1 case" in box.value
    assert "Kelvaro Networks" in box.value and "CS" in box.value


def test_no_retaliation_box_for_other_companies(demo_env: Path) -> None:
    at = open_page("CO0004")
    assert not at.error


def test_company_without_cases_says_na(demo_env: Path) -> None:
    at = open_page("CO0012")
    assert not at.get("plotly_chart") and not at.metric
    assert any("n/a: no monitoring case" in i.value and "Lumetrix Public IT" in i.value for i in at.info)


def test_choosing_all_companies_clears_the_url(demo_env: Path) -> None:
    at = open_page("CO0011")
    at.selectbox(key="improvement_company").select("__all__").run()
    assert not at.exception
    assert "company" not in at.query_params
    assert at.metric[0].value == str(summary(demo_env, None)["cases"])


# ---------------------------------------------------------------- a page of cases at a time


SEVERITY = {"critical": 3, "major": 2, "minor": 1}


def worst_first_key(row: dict) -> tuple:
    """The page's order, written out: open first, retaliation, most severe, most unverified, oldest."""
    return (
        not row["findings_verified"] < row["findings"],
        row["retaliation_on"] in (None, "—") or row["retaliation_on"] != row["retaliation_on"],
        -SEVERITY.get(str(row["most_severe"]).lower(), 0),  # shown in words ("Critical")
        -(row["findings"] - row["findings_verified"]),
        row["opened_on"],
        row["case_id"],
    )


@pytest.fixture(scope="module")
def twice_the_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo world at scale 2: 320 cases, more than one page."""
    from data import demo

    path = tmp_path_factory.mktemp("scale2") / "scale2.duckdb"
    writes.create(path, lambda con: demo.fill_demo(con, scale=2))
    return path


def test_cases_are_listed_open_first_and_worst_first(demo_env: Path) -> None:
    at = open_page()
    table = at.dataframe[0].value
    rows = table.to_dict("records")
    assert [r["case_id"] for r in rows] == [r["case_id"] for r in sorted(rows, key=worst_first_key)]
    # a case is "verified" only when every finding is (scoring.facts); cases with a finding not yet
    # verified (open, remediation in progress, retaliation) come first
    unverified = [r["status"] != "verified" for r in rows]
    assert unverified == sorted(unverified, reverse=True) and unverified[0]
    assert set(table["status"]) <= {"open", "remediation in progress", "verified", "retaliation"}
    timeline = json.loads(at.get("plotly_chart")[2].proto.spec)
    assert timeline["layout"]["yaxis"]["categoryarray"][::-1] == list(table["case_label"])


def test_cases_come_a_page_at_a_time_and_the_csv_has_them_all(
    twice_the_demo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import streamlit as st

    monkeypatch.setenv("CPT_DB", str(twice_the_demo))
    st.cache_data.clear()
    st.cache_resource.clear()
    with duckdb.connect(str(twice_the_demo), read_only=True) as con:
        every = q.case_progress(con.cursor(), None)
    per_page = 50  # pages/improvement.py CASES_PER_PAGE
    assert len(every) > 2 * per_page
    at = apptest.open_page("improvement", role="admin", db=twice_the_demo)
    assert not at.exception
    pager = at.selectbox(key="cases_page")
    assert pager.options[0] == f"1–{per_page} of {len(every):,}"
    assert len(pager.options) == -(-len(every) // per_page)
    rows = []
    for page in range(len(pager.options)):
        at.selectbox(key="cases_page").set_value(page).run()
        shown = at.dataframe[0].value
        assert len(shown) == min(per_page, len(every) - page * per_page)
        timeline = json.loads(at.get("plotly_chart")[2].proto.spec)
        assert len(timeline["layout"]["yaxis"]["categoryarray"]) == len(shown)
        rows += shown.to_dict("records")
    assert sorted(r["case_id"] for r in rows) == sorted(every["case_id"])  # every case on one page
    assert [r["case_id"] for r in rows] == [r["case_id"] for r in sorted(rows, key=worst_first_key)]
    # The download, built on click, is every case as before: the whole table in its old order.
    csv = apptest.download(at, "cases_csv")
    from data.exports import spreadsheet

    header = spreadsheet.header_line("monitoring cases", date.today(), None)
    assert csv == spreadsheet.to_csv(every.drop(columns="case_label"), header)
