"""AppTest of the Factory improvement page on the demo database."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from data import evidence_queries as q
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
    assert len(timeline["layout"]["yaxis"]["categoryarray"]) == expected["cases"]


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
