"""Every chart's data as a table (charts/data_table.py): what the chart draws, with readable headers."""

from __future__ import annotations

import pandas as pd

from charts import data_table, trajectory


def test_a_trajectory_as_a_table_has_every_point_with_units_and_na() -> None:
    series = pd.DataFrame(
        {"as_of": pd.to_datetime(["2024-03-31", "2024-06-30"]), "sct": [10.0, None], "fi": [20.5, 30.25],
         "overall": [15.0, 22.123], "methodology": ["v2", "v2"]}
    )  # fmt: skip
    events = pd.DataFrame(
        {"date": pd.to_datetime(["2024-05-01"]), "kind": [next(iter(trajectory.EVENT_STYLE))],
         "label": ["Request <b>x</b> & y"]}
    )  # fmt: skip
    table = data_table.figure_table(trajectory.trajectory(series, "Name: <scores>", events))
    assert list(table.columns) == ["Series", "Quarter end", "Score (0–100)", "Details"]
    overall = table[table["Series"] == "Overall"]
    assert overall[["Quarter end", "Score (0–100)"]].values.tolist() == [
        ["2024-03-31", 15.0],
        ["2024-06-30", 22.12],
    ]
    sct = table[table["Series"] == "Supply Chain Transparency"]
    assert sct["Score (0–100)"].tolist() == [10.0, "n/a"]  # not scorable: n/a, never 0
    event = table[table["Details"] != ""].iloc[0]
    assert event["Details"] == "Request <b>x</b> & y"  # data text shown as text, unescaped once
    assert event["Quarter end"] == "2024-05-01"


def test_band_shares_as_a_table_leaves_out_the_hidden_axis() -> None:
    fig = trajectory.band_shares({"Insufficient": 10.0, "Developing": 40.0, "Good": 30.0, "Leading": 20.0})
    table = data_table.figure_table(fig)
    assert list(table.columns)[:2] == ["Band", "Share of scored companies (%)"]
    assert dict(zip(table["Band"], table["Share of scored companies (%)"], strict=True)) == {
        "Insufficient": 10.0, "Developing": 40.0, "Good": 30.0, "Leading": 20.0,
    }  # fmt: skip


def test_the_table_under_a_chart_shows_markdown_from_the_data_as_its_characters() -> None:
    # st.table renders cells and headers as Markdown: a hostile name must not become an image,
    # a link or coloured text there (the hostile browser walk caught an image request).
    from ui import figures
    from ui.text import WORD_JOINER

    hostile = "![t](http://evil.example/x.png) :red[**Data breach**]"
    table = pd.DataFrame({"Series": [hostile], "Score (0–100)": ["51.3"]})
    shown = figures.as_markdown_text(table)
    assert shown.iloc[0, 0].replace("\\", "").replace(WORD_JOINER, "") == hostile
    assert "![" not in shown.iloc[0, 0] and "](" not in shown.iloc[0, 0] and ":red[" not in shown.iloc[0, 0]
    assert list(shown.columns)[1].replace("\\", "") == "Score (0–100)"
