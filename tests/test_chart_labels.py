"""Names from the data on charts are text: Plotly draws <a href>, <b>, <br> in titles, legends,
hover labels and axis categories, so chart builders escape them (issue 11, item 3)."""

from __future__ import annotations

import pandas as pd

from charts import improvement, theme, trajectory
from tests.hostile_world import CONTROL, HTML_IMAGE, HTML_LINK, LONG_RUN

SERIES = pd.DataFrame({
    "company_id": ["A", "A", "B", "B"], "as_of": pd.to_datetime(["2024-03-31", "2024-06-30"] * 2),
    "sct": [50.0, 60.0, 10.0, 20.0], "fi": [40.0, 45.0, None, 5.0], "overall": [45.0, 52.5, 10.0, 12.5],
    "methodology": ["v2"] * 4, "band": ["Developing"] * 4,
})  # fmt: skip


def live_html(text: str) -> bool:
    return any(tag in text for tag in ("<a ", "<a>", "<img", "<b>", "<script", "<span"))


def test_plain_escapes_and_cuts() -> None:
    assert theme.plain(HTML_LINK) == "&lt;a href=https://evil.example&gt;click&lt;/a&gt;"
    assert theme.plain("Foxhollow, Inc. & Sons") == "Foxhollow, Inc. &amp; Sons"
    assert theme.plain(CONTROL) == "Ctl [31mred bell vt RLO iso"
    assert theme.plain("a\x00b") == "a b"
    assert len(theme.plain(LONG_RUN, 60)) == 60


def test_compare_chart_legend_and_hover_show_names_as_text() -> None:
    names = {"A": f"Corvella {HTML_LINK}", "B": f"<b>{HTML_IMAGE}</b>"}
    fig = trajectory.compare(SERIES, names, ["A", "B"])
    for trace in fig.data:
        assert not live_html(trace.name) and "&lt;" in trace.name
        assert not live_html(trace.hovertemplate)


def test_trajectory_title_and_event_labels_are_text() -> None:
    events = pd.DataFrame({"date": pd.to_datetime(["2024-04-01"]), "kind": ["case_opened"],
                           "label": [f"{HTML_LINK} opened"]})  # fmt: skip
    fig = trajectory.trajectory(SERIES[SERIES["company_id"] == "A"], f"{HTML_LINK}: scores", events)
    assert fig.layout.title.text.startswith("&lt;a href=")
    assert all(not live_html(str(t)) for trace in fig.data if trace.text is not None for t in trace.text)


def test_case_timeline_labels_and_factories_are_text_and_stay_distinct() -> None:
    day = pd.Timestamp("2024-01-01")
    cases = pd.DataFrame({
        "case_label": [f"{LONG_RUN} · CS1", f"{LONG_RUN} · CS2", f"{HTML_LINK} · CS3"],
        "factory": [HTML_IMAGE, "Plain", LONG_RUN], "opened_on": [day] * 3,
        **{c: [pd.NaT] * 3 for c in ("acknowledged_on", "access_granted_on", "plan_submitted_on", "evidence_on",
                                      "verified_on", "retaliation_on")},
        "findings": [1, 1, 1], "findings_evidenced": [0, 0, 0], "findings_verified": [0, 0, 0],
    })  # fmt: skip
    fig = improvement.case_timeline(cases)
    labels = list(fig.layout.yaxis.categoryarray)
    assert len(set(labels)) == 3 and all(label.endswith(("CS1", "CS2", "CS3")) for label in labels)
    assert not any(live_html(label) for label in labels)
    opened = next(t for t in fig.data if t.name == theme.STAGE_LABELS["opened"])
    assert not any(live_html(str(c)) for c in opened.customdata)
