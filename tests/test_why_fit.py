"""The Company page's Why tables fit a 1280 px wide window (issue 23): the columns shown add up
to at most the main area's width, the request or case is said in one wrapped first column, and
every other column is still there (hidden, one click away), for every mix of Source and
Disputed columns; the page shows them that way."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import scoring
from tests import apptest
from tests.worlds import worked_example_world
from ui import company_view
from wording import narrative

NAMES = narrative.Names(
    {"F1": "Alder Assembly Ltd", "F2": "Birch Works", "F3": "Cedar Cells", "F4": "Dune Boards"},
    {"PM1": "Kestrel Book 14"},
)
MAIN_AREA = 800  # px beside the sidebar in a 1280 px window, less the grid's borders


def _shown_widths(config: dict) -> dict[str, int]:
    return {c: v["width"] for c, v in config.items() if not v.get("hidden")}


def _tables():
    evidence = worked_example_world().evidence()
    why = scoring.explain(evidence, "EX", "2021-12-31", "v1")
    for sources in (None, {}):
        for disputed in (None, {"R1": "The company disputes this point since 2026-12-01: ..."}):
            requests, left = narrative.request_table(why, evidence, NAMES, sources, disputed)
            cases, left_cases = narrative.case_table(why, evidence, NAMES, sources, disputed and {"C1": "x"})
            yield from (requests, left, cases, left_cases)


@pytest.mark.parametrize("table", list(_tables()), ids=lambda t: "|".join(t.columns))
def test_the_columns_shown_fit_the_main_area_and_none_is_lost(table) -> None:
    shown, config = company_view.fitted(table)
    widths = _shown_widths(config)
    assert sum(widths.values()) <= MAIN_AREA, widths
    assert all(w >= 56 for w in widths.values()), widths
    assert set(config) == set(shown.columns)  # every column configured: shown at a width, or hidden
    assert set(table.columns) <= set(shown.columns)  # nothing dropped: the hidden ones are a click away
    assert "Why" in widths and widths["Why"] >= 120
    for column in ("Source", "Disputed"):
        if column in table.columns:
            assert column in widths  # the document and the company's dispute are always in sight


def test_the_first_column_says_the_request_or_the_case() -> None:
    evidence = worked_example_world().evidence()
    why = scoring.explain(evidence, "EX", "2021-12-31", "v1")
    requests, _ = narrative.request_table(why, evidence, NAMES)
    shown, _config = company_view.fitted(requests)
    assert shown.columns[0] == "Request"
    first = requests.iloc[0]
    assert shown["Request"].iloc[0] == f"{first['Product model']} · {first['Asked for']} · due {first['Due']}"
    cases, _ = narrative.case_table(why, evidence, NAMES)
    shown, _config = company_view.fitted(cases)
    assert shown.columns[0] == "Case"
    assert shown["Case"].iloc[0] == f"{cases['Factory'].iloc[0]}, opened {cases['Opened'].iloc[0]}"


def test_the_company_page_draws_the_why_tables_fitted_and_wrapped(demo_app: Path) -> None:
    at = apptest.open_page("company", company="CO0010")
    assert not at.exception, [e.value for e in at.exception]
    why = [e for e in at.dataframe if {"Request", "Case"} & set(e.value.columns)]
    assert len(why) >= 2, [list(e.value.columns) for e in at.dataframe]
    for element in why:
        config = json.loads(element.proto.columns)
        widths = {c: v["width"] for c, v in config.items() if not v.get("hidden")}
        assert sum(widths.values()) <= MAIN_AREA, widths
        assert element.proto.row_height > 64  # Streamlit wraps cell text only in rows taller than 4rem
