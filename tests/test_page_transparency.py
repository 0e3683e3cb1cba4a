"""AppTest of the Supplier transparency page on the demo database."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

import scoring
from data.queries import evidence as q
from data.store import writes
from tests import apptest
from wording import labels


@pytest.fixture(autouse=True)
def demo_env(demo_app: Path) -> Path:
    return demo_app


def open_page(company: str | None = None, role: str = "affiliate") -> AppTest:
    params = {"company": company} if company else {}
    at = apptest.open_page("transparency", role=role, **params)
    assert not at.exception
    return at


def summary(demo_db: Path, company_ids: list[str] | None) -> dict:
    with duckdb.connect(str(demo_db), read_only=True) as con:
        return q.transparency_summary(con.cursor(), company_ids, scoring.last_quarter_end()).to_dict(
            "records"
        )[0]


def test_all_companies(demo_env: Path) -> None:
    at = open_page()
    assert at.title[0].value == "Supplier transparency"
    assert at.selectbox(key="transparency_company").value == "__all__"
    assert apptest.chart_titles(at) == [
        "Due disclosure requests by level at each quarter end",
        "Factories disclosed over time (cumulative, distinct)",
        "Disclosed factories by producing country",
    ]  # the factory map (issue 14) is folded: drawn once opened
    # besides each chart's "Data of the chart … as a table" (ui/figures.chart), one expander: the map
    assert [e.label for e in at.expander if not e.label.startswith("Data of the chart")] == [
        "Map of these factories"
    ]
    at.session_state["transparency_map_open"] = True
    at.run()
    assert apptest.chart_titles(at)[-1] == "Disclosed factories by country: open findings"
    expected = summary(demo_env, None)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Requests due"] == str(expected["due_requests"])
    assert metrics["Disclosed on time"] == f"{expected['on_time_pct']:.1f} %"
    assert metrics["Complete disclosure rows"] == f"{expected['complete_pct']:.1f} %"
    assert metrics["Factories disclosed"] == str(expected["factories"])
    assert any(
        f"{expected['factories_missing_address']} of {expected['factories']}" in w.value for w in at.warning
    )
    assert at.get("download_button")
    assert "company" not in at.query_params


def test_one_company_from_the_url(demo_env: Path) -> None:
    at = open_page("CO0004")
    assert at.selectbox(key="transparency_company").value == "CO0004"
    expected = summary(demo_env, ["CO0004"])
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Requests due"] == str(expected["due_requests"])
    assert metrics["Factories disclosed"] == str(expected["factories"])
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert spec["layout"]["yaxis"]["title"]["text"] == "Share of due requests (%)"
    assert {t["name"] for t in spec["data"]} >= {"Full disclosure", "Partial disclosure", "No response"}


def test_company_without_evidence_says_na(demo_env: Path) -> None:
    at = open_page("CO0012")
    assert not at.get("plotly_chart")
    assert any("n/a: no disclosure request" in i.value and "Lumetrix Public IT" in i.value for i in at.info)


def test_due_diligence_only_company(demo_env: Path) -> None:
    at = open_page("CO0008")
    assert apptest.chart_titles(at) == ["Due disclosure requests by level at each quarter end"]
    assert any("has not disclosed any factory yet" in i.value for i in at.info)


def test_choosing_a_company_updates_the_url(demo_env: Path) -> None:
    at = open_page()
    at.selectbox(key="transparency_company").select("CO0011").run()
    assert not at.exception
    assert at.query_params["company"] == "CO0011"


def test_unknown_company_falls_back_to_all(demo_env: Path) -> None:
    at = open_page("NOPE")
    assert any("NOPE" in e.value for e in at.error)
    assert at.selectbox(key="transparency_company").value == "__all__"


def test_links_come_a_page_at_a_time_and_the_csv_has_them_all(demo_env: Path) -> None:
    with duckdb.connect(str(demo_env), read_only=True) as con:
        every = q.product_factory_links(con.cursor(), None)
    assert len(every) > 200  # the demo has more links than one page
    at = open_page()
    pager = at.selectbox(key="links_page")
    assert pager.options[0] == f"1–200 of {len(every):,}"
    table = next(d for d in at.dataframe if "product_model" in d.value.columns).value
    assert table["factory_page"].str.startswith("factory?factory=").all()  # each row links its factory
    table = table.drop(columns="factory_page")
    from wording import labels

    shown = labels.in_words(every.head(200))  # scopes, tiers and countries in words
    assert table.reset_index(drop=True).equals(shown.reset_index(drop=True))
    pager.set_value(2).run()
    table = next(d for d in at.dataframe if "product_model" in d.value.columns).value
    assert list(table["request_id"]) == list(every["request_id"].iloc[400:600])
    csv = apptest.download(at, "links_csv")
    from data.exports import spreadsheet

    header = spreadsheet.header_line("product model to factory links", scoring.last_quarter_end(), None)
    assert csv == spreadsheet.to_csv(every, header)


@pytest.fixture(scope="module")
def larger_world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo world at scale 12: more factories without an address than one page holds."""
    from data import demo

    path = tmp_path_factory.mktemp("scale12") / "scale12.duckdb"
    writes.create(path, lambda con: demo.fill_demo(con, scale=12))
    return path


def test_factories_without_an_address_come_a_page_at_a_time_and_the_csv_has_them_all(
    larger_world: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    import pandas as pd
    import streamlit as st

    monkeypatch.setenv("CPT_DB", str(larger_world))
    st.cache_data.clear()
    st.cache_resource.clear()
    with duckdb.connect(str(larger_world), read_only=True) as con:
        every = q.factories_missing_address(con.cursor(), None)
    assert len(every) > 200
    at = apptest.open_page("transparency", role="affiliate", db=larger_world)
    assert not at.exception
    assert at.selectbox(key="missing_page").options[0] == f"1–200 of {len(every):,}"
    table = next(d for d in at.dataframe if "first_disclosed_on" in d.value.columns).value
    assert list(table["factory_id"]) == list(every["factory_id"].head(200))
    at.selectbox(key="missing_page").set_value(1).run()
    table = next(d for d in at.dataframe if "first_disclosed_on" in d.value.columns).value
    assert list(table["factory_id"]) == list(every["factory_id"].iloc[200:400])
    csv = apptest.download(at, "missing_csv").decode("utf-8")
    assert csv.splitlines()[0].startswith("# CPT factories without an address")
    rows = pd.read_csv(io.StringIO(csv), comment="#")
    assert list(rows[labels.download_header("factory_id")]) == list(every["factory_id"])
    assert labels.download_header("company_ids") not in rows.columns
