"""The per-component breakdown of compared companies: points per component against the
median of all scored companies (wording.breakdown.table's rows)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from charts.theme import FONT, NAME_LIMIT, company_colours, localise, plain
from wording import breakdown
from wording.i18n import _

SHORT = {"Supply Chain Transparency": "SCT", "Factory Improvement": "FI"}


def components(frame: pd.DataFrame, order: list[str], names: dict[str, str]) -> go.Figure:
    """Horizontal bars: each company's points per component (one trace per company, in
    `order`), and the median of all scored companies as a marker; totals are left out (the
    score chart shows them)."""
    parts = frame[(frame["Component"] != breakdown.TOTAL) & frame["Score"].isin(SHORT)]
    rows = list(
        dict.fromkeys(f"{_(c)} ({SHORT[s]})" for s, c in zip(parts["Score"], parts["Component"], strict=True))
    )
    fig = go.Figure()
    colours = company_colours(order)
    for company_id in order:
        name = plain(names.get(company_id, company_id), NAME_LIMIT)
        own = parts[parts["company_id"] == company_id]
        fig.add_trace(go.Bar(
            y=[f"{_(c)} ({SHORT[s]})" for s, c in zip(own["Score"], own["Component"], strict=True)],
            x=own["Points"], orientation="h", name=name, marker={"color": colours[company_id]},
            customdata=own["Maximum"],
            hovertemplate="%{y}: " + _("{points} of {maximum} points").format(points="%{x:.1f}", maximum="%{customdata:.1f}")
            + "<extra>%{fullData.name}</extra>",
        ))  # fmt: skip
    medians = parts.drop_duplicates(["Score", "Component"])
    fig.add_trace(go.Scatter(
        y=[f"{_(c)} ({SHORT[s]})" for s, c in zip(medians["Score"], medians["Component"], strict=True)],
        x=medians["Median, all companies"], mode="markers", name=_("Median, all scored companies"),
        marker={"symbol": "line-ns", "size": 22, "line": {"width": 3, "color": "#222"}, "color": "#222"},
        hovertemplate="%{y}: " + _("median {points} points").format(points="%{x:.1f}") + "<extra></extra>",
    ))  # fmt: skip
    height = max(360, 60 + 34 * len(rows) * max(1, len(order)) ** 0.5)
    fig.update_layout(
        title=_("Points per component (of 100 per score)"), height=height, barmode="group", font={"family": FONT},
        xaxis={"title": _("Points (a score's components add up to it)"), "rangemode": "tozero"},
        yaxis={"categoryorder": "array", "categoryarray": rows[::-1], "automargin": True},
        legend={"title": _("Company"), "orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        margin={"t": 110, "r": 20, "b": 60},
    )  # fmt: skip
    return localise(fig)
