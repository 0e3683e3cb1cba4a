"""Factory list search and the factory map's hover and click (issue 22, item 2)."""

from __future__ import annotations

import pandas as pd

from charts import map as factory_map_chart
from ui.factory_views import search_factories

COLUMNS = ("legal_name", "city", "country")


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "factory_id": ["F1", "F2", "F3", "F4"],
            "legal_name": ["Kestrel (Assembly) [1]", "Moss *bold* Works", "A.B Plant", "Nolan Plant"],
            "city": ["Hanoi", "Penang", "Suzhou", None],
            "country": ["VN", "MY", "CN", "CN"],
            "latitude": [21.0, 5.4, 31.3, None],
            "longitude": [105.8, 100.3, 120.6, None],
            "open_findings": [3, 0, 1, 2],
            "affiliates_buying": [2, 1, 0, 4],
        }
    )


def test_search_is_plain_text_case_insensitive_over_name_city_country() -> None:
    f = _frame()
    assert search_factories(f, "kestrel", COLUMNS)["factory_id"].tolist() == ["F1"]
    assert search_factories(f, "(Assembly) [1]", COLUMNS)["factory_id"].tolist() == ["F1"]  # regex characters
    assert search_factories(f, "*bold*", COLUMNS)["factory_id"].tolist() == ["F2"]  # Markdown, as text
    assert search_factories(f, "A.B", COLUMNS)["factory_id"].tolist() == ["F3"]  # "." is no wildcard
    assert search_factories(f, "a?b", COLUMNS).empty and search_factories(f, ".*", COLUMNS).empty
    assert search_factories(f, "PENANG", COLUMNS)["factory_id"].tolist() == ["F2"]
    assert search_factories(f, "china plant", COLUMNS)["factory_id"].tolist() == [
        "F3",
        "F4",
    ]  # country name, every word
    assert search_factories(f, "  ", COLUMNS).equals(f)


def test_search_in_presentation_mode_never_matches_a_hidden_city() -> None:
    assert search_factories(_frame(), "Hanoi", ("legal_name", "country")).empty


def test_map_points_hover_with_name_country_findings_buyers_escaped() -> None:
    fig = factory_map_chart.factory_map(_frame())
    points = fig.data[1]
    assert list(points.customdata[:, 0]) == ["F1", "F2", "F3"]
    assert points.text[0] == (
        "<b>Kestrel (Assembly) [1]</b><br>Vietnam (VN)<br>Open findings: 3<br>Affiliates buying: 2"
        "<br><i>Click to open the factory page</i>"
    )
    hostile = _frame().assign(legal_name=["<script>x</script>", "b", "c", "d"])
    assert "&lt;script&gt;" in factory_map_chart.factory_map(hostile).data[1].text[0]


def test_a_click_on_a_factory_point_selects_that_factory_a_country_click_none() -> None:
    point = {"curve_number": 1, "point_index": 0, "customdata": ["F2"]}
    country = {"curve_number": 0, "point_index": 3, "customdata": [3, 4, 2], "location": "CHN"}
    assert factory_map_chart.clicked_factory({"points": [point]}) == "F2"
    assert factory_map_chart.clicked_factory({"points": [country, point]}) == "F2"
    assert factory_map_chart.clicked_factory({"points": [country]}) is None
    assert factory_map_chart.clicked_factory({"points": []}) is None
    assert factory_map_chart.clicked_factory(None) is None
