"""Figures kept between runs (a warm page does not build its Plotly figures again).

Building a Plotly figure validates every property it is given: the Company page's
trajectory took a third of a warm run's script time (bench/RESULTS.md). A figure here
is keyed by everything drawn on it (the rows, the title, the markers), so two people
share one only when they would see the same chart; it is shared read-only (Streamlit
and the report builders only read a figure).
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from charts import data_table
from charts import trajectory as trajectory_charts
from ui.text import md, md_escape
from wording.i18n import _


@st.cache_resource(max_entries=256, show_spinner=False)
def trajectory(
    series: pd.DataFrame,
    title: str,
    events: pd.DataFrame | None = None,
    height: int = 480,
    targets: pd.DataFrame | None = None,
) -> go.Figure:
    """`charts.trajectory.trajectory` with the affiliates' targets (`add_targets`) drawn on it."""
    return trajectory_charts.add_targets(trajectory_charts.trajectory(series, title, events, height), targets)


def as_markdown_text(table: pd.DataFrame) -> pd.DataFrame:
    """`st.table` renders its cells and headers as Markdown (Streamlit 1.67): a name from the data
    (a company, a factory, an event's note) is escaped there to show exactly its characters."""
    shown = table.map(md_escape)
    shown.columns = [md_escape(c) for c in table.columns]
    return shown


TABLE_ROWS = 300  # up to this many rows as a plain HTML table (read by screen readers); more in a data grid


def chart(fig: go.Figure, key: str, where: object = None, **plotly_kw: object) -> object:
    """Draw a Plotly figure and, folded under it, its data as a table (`charts.data_table`):
    every chart of the app goes through here, so each has a table for screen-reader users,
    with the axis titles (and their units) as column headers. Returns `st.plotly_chart`'s value.

    `where`: a column or container to draw in (default: the current one)."""
    where = where or st
    plotly_kw.setdefault("width", "stretch")
    event = where.plotly_chart(fig, key=key, **plotly_kw)
    table = data_table.figure_table(fig).astype(str)  # numbers and "n/a" in one column: shown as text
    title = data_table.readable(fig.layout.title.text if fig.layout.title else None)
    label = md(_("Data of the chart “{}” as a table"), title) if title else _("Data of the chart as a table")
    with where.expander(label):
        if table.empty:
            st.caption(_("The chart shows no data."))
        elif len(table) <= TABLE_ROWS:
            st.table(as_markdown_text(table), hide_index=True)
        else:
            st.dataframe(table, hide_index=True)
    return event
