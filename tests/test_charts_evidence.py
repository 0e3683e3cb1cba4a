"""The evidence pages' figure builders: titles, axis titles with units, legend names from
the theme's labels and colours from the theme, built from the real query results."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import duckdb
import plotly.graph_objects as go
import pytest

from charts import improvement, theme, transparency
from data.queries import evidence as q
from tests.worlds import evidence_world

UNTIL = date(2022, 3, 31)


@pytest.fixture(scope="module")
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    c = evidence_world().connect()
    yield c
    c.close()


def _legend(fig: go.Figure) -> dict[str, str]:
    """Legend name -> colour of every trace shown in the legend."""
    out = {}
    for t in fig.data:
        if t.showlegend is False:
            continue
        colour = t.marker.color if t.type == "bar" or t.mode == "markers" else t.line.color
        out[t.name] = colour
    return out


def _titles(fig: go.Figure) -> tuple[str, str, str, str]:
    lay = fig.layout
    return lay.title.text, lay.xaxis.title.text, lay.yaxis.title.text, lay.legend.title.text


def test_request_levels(con: duckdb.DuckDBPyConnection) -> None:
    fig = transparency.request_levels(
        q.request_levels_by_quarter(con.cursor(), None, UNTIL),
        q.on_time_by_quarter(con.cursor(), None, UNTIL),
    )
    title, x, y, legend = _titles(fig)
    assert title == "Due disclosure requests by level at each quarter end"
    assert (x, y) == ("Quarter end", "Share of due requests (%)")
    assert legend == "Level at the quarter end"
    assert _legend(fig) == {
        **{theme.LEVEL_LABELS[lv]: theme.LEVEL_COLOURS[lv] for lv in theme.LEVEL_LABELS},
        theme.ON_TIME_LABEL: theme.ON_TIME_COLOUR,
    }
    assert fig.layout.barmode == "stack" and tuple(fig.layout.yaxis.range) == (0, 100)
    full = next(t for t in fig.data if t.name == theme.LEVEL_LABELS["FULL"])
    assert list(full.y)[0] == 100.0  # 2021 Q1: R1 FULL, the only due request


def test_request_levels_without_on_time_line(con: duckdb.DuckDBPyConnection) -> None:
    fig = transparency.request_levels(q.request_levels_by_quarter(con.cursor(), None, UNTIL))
    assert [t.name for t in fig.data] == list(theme.LEVEL_LABELS.values())


def test_factories_over_time(con: duckdb.DuckDBPyConnection) -> None:
    fig = transparency.factories_over_time(q.factories_disclosed_by_quarter(con.cursor(), None, UNTIL))
    assert _titles(fig) == (
        "Factories disclosed over time (cumulative, distinct)",
        "Quarter end",
        "Factories disclosed (count)",
        "Factory tier",
    )
    assert _legend(fig) == {theme.TIER_LABELS[t]: theme.TIER_COLOURS[t] for t in theme.TIER_LABELS}


def test_factories_by_country(con: duckdb.DuckDBPyConnection) -> None:
    fig = transparency.factories_by_country(q.factories_by_country(con.cursor(), None, UNTIL))
    assert _titles(fig) == (
        "Disclosed factories by producing country",
        "Factories disclosed (count)",
        "Producing country",
        "Factory tier",
    )
    assert _legend(fig) == {theme.TIER_LABELS[t]: theme.TIER_COLOURS[t] for t in theme.TIER_LABELS}
    # Country names, most factories on top (plotly draws the first category at the bottom).
    assert list(fig.layout.yaxis.categoryarray) == ["Malaysia (MY)", "China (CN)"]


@pytest.mark.parametrize(("code", "name"), [("CN", "China (CN)"), ("TW", "Taiwan (TW)"), ("XX", "XX")])
def test_country_name(code: str, name: str) -> None:
    assert transparency.country_name(code) == name


def test_case_timeline(con: duckdb.DuckDBPyConnection) -> None:
    cases = q.case_progress(con.cursor(), None)
    fig = improvement.case_timeline(cases)
    assert _titles(fig) == (
        "Monitoring cases: engagement stages over time",
        "Date of the stage (first event)",
        "Case (company · case id)",
        "Stage",
    )
    legend = _legend(fig)
    for stage, label in theme.STAGE_LABELS.items():
        assert legend[label] == theme.STAGE_COLOURS[stage]
    # One row per case; the retaliation marker sits on OT's case.
    assert set(fig.layout.yaxis.categoryarray) == set(cases["case_label"])
    retaliation = next(t for t in fig.data if t.name == theme.STAGE_LABELS["retaliation_confirmed"])
    assert list(retaliation.y) == ["Company OT · OC1"]


def test_findings_by_area(con: duckdb.DuckDBPyConnection) -> None:
    fig = improvement.findings_by_area(q.findings_by_area(con.cursor(), None))
    assert _titles(fig) == ("Findings by code area and severity", "Findings (count)", "Code area", "Severity")
    assert _legend(fig) == {
        theme.SEVERITY_LABELS[s]: theme.SEVERITY_COLOURS[s] for s in theme.SEVERITY_LABELS
    }
    assert list(fig.layout.yaxis.categoryarray) == ["Freedom of association", "Wages"]


def test_findings_status(con: duckdb.DuckDBPyConnection) -> None:
    fig = improvement.findings_status(q.findings_status_by_quarter(con.cursor(), ["EX"], UNTIL))
    assert _titles(fig) == (
        "Findings reported so far: verified vs not yet verified",
        "Quarter end",
        "Findings (count)",
        "Status at the quarter end",
    )
    assert _legend(fig) == {
        theme.FINDING_STATUS_LABELS[s]: theme.FINDING_STATUS_COLOURS[s] for s in theme.FINDING_STATUS_LABELS
    }


def test_charts_do_not_import_streamlit() -> None:
    for module in (transparency, improvement):
        source = open(module.__file__, encoding="utf-8").read()
        assert "import streamlit" not in source, module.__name__
