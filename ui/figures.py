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

from charts import trajectory as trajectory_charts


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
