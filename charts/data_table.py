"""A chart's data as a table, for people who cannot see the chart (screen readers) or want numbers.

Read from the figure itself, so the table always says what the chart draws: one row per
point, the trace's legend name under the legend's title, each axis's values under the axis
title (which carries the unit, e.g. "Score (0–100)"), the hover text as "Details". A map's
countries are listed with the value their colour shows (the colour bar's title). Traces that
show nothing on hover (a decorative line) are left out.
"""

from __future__ import annotations

import datetime as dt
import html
import math
from collections.abc import Iterable

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from wording.i18n import N_, _

DETAILS = N_("Details")
NA = "n/a"
ROUND = 2  # decimals of a number in the table (scores are shown to one decimal elsewhere)


def readable(text: object) -> str:
    """Figure text (escaped for Plotly by `charts.theme.plain`, with <br> for line breaks) as plain text."""
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return ""
    return " ".join(html.unescape(str(text).replace("<br>", " ")).split())


def _title(axis: object) -> str:
    title = getattr(axis, "title", None)
    return readable(getattr(title, "text", None)) if title is not None else ""


def _values(values: object) -> list[object]:
    if values is None:
        return []
    if isinstance(values, np.ndarray | pd.Series | pd.Index):
        values = values.tolist()
    return list(values) if isinstance(values, Iterable) and not isinstance(values, str) else [values]


def _cell(value: object) -> object:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, pd.Timestamp | np.datetime64 | dt.datetime | dt.date):
        value = pd.Timestamp(value)
        return value.strftime("%Y-%m-%d") if value == value.normalize() else value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return round(value, ROUND)
    if isinstance(value, str):
        # ISO date-times as Plotly keeps them ("2024-12-31T00:00:00"): the date when at midnight.
        if len(value) == 19 and value[10] == "T" and value.endswith("T00:00:00"):
            return value[:10]
        return readable(value)
    return value


def _axis(fig: go.Figure, trace: object, letter: str) -> str | None:
    """The title of the axis a trace is drawn on (xaxis2 for "x2"), "X"/"Y" when it has none,
    None when the axis is hidden (its values are not shown: a single bar's category)."""
    ref = getattr(trace, f"{letter}axis", None) or letter
    name = f"{letter}axis{ref[1:]}"
    if name in fig.layout and fig.layout[name].visible is False:
        return None
    title = _title(fig.layout[name]) if name in fig.layout else ""
    if not title:  # subplots sharing an x axis put its title on the lowest one only
        titles = [_title(fig.layout[k]) for k in fig.layout if k.startswith(f"{letter}axis")]
        titles = [t for t in titles if t]
        title = titles[0] if len(set(titles)) == 1 else ""
    return title or letter.upper()


def figure_table(fig: go.Figure) -> pd.DataFrame:
    """Every point the figure draws, one row each (see the module's docstring)."""
    legend = fig.layout.legend.title.text if fig.layout.legend and fig.layout.legend.title else None
    series = readable(legend) or _("Series")
    details, na = _(DETAILS), _(NA)
    rows: list[dict[str, object]] = []
    columns: list[str] = [series]
    for trace in fig.data:
        if getattr(trace, "hoverinfo", None) == "skip" or getattr(trace, "visible", True) is False:
            continue
        name = readable(getattr(trace, "name", None))
        kind = trace.type
        if kind == "choropleth":
            value = readable(trace.colorbar.title.text if trace.colorbar and trace.colorbar.title else None)
            cols = {
                _("Country"): _values(trace.text) or _values(trace.locations),
                value or _("Value"): _values(trace.z),
            }
        elif kind == "scattergeo":
            cols = {name or _("Place"): _values(trace.text), _("Latitude"): _values(trace.lat),
                    _("Longitude"): _values(trace.lon)}  # fmt: skip
            name = ""
        elif kind in ("scatter", "bar", "scattergl"):
            xs, ys = _values(trace.x), _values(trace.y)
            x_title, y_title = _axis(fig, trace, "x"), _axis(fig, trace, "y")
            if ys and all(readable(y) == name for y in ys):  # a strip of one kind of event: y is its name
                y_title = None
            cols = {t: v for t, v in ((x_title, xs), (y_title, ys)) if t is not None}
            text = _values(trace.text) or _values(trace.hovertext)
            if len(text) == len(xs) and any(readable(t) for t in text):
                cols[details] = text
        else:
            continue
        n = max((len(v) for v in cols.values()), default=0)
        for i in range(n):
            row: dict[str, object] = {series: name} if name else {}
            for col, vals in cols.items():
                row[col] = _cell(vals[i]) if i < len(vals) else None
            if all(v is None for k, v in row.items() if k != series):
                continue  # a gap in a line (None between segments)
            # A point the trace has no value for (a score not scorable that quarter) is "n/a";
            # a column of another trace stays blank.
            rows.append({k: na if v is None and k != details else v for k, v in row.items()})
        columns += [c for c in cols if c not in columns]
    frame = pd.DataFrame(rows, columns=columns)
    if frame[series].isna().all():
        frame = frame.drop(columns=series)
    return frame.dropna(axis="columns", how="all").astype(object).fillna("").reset_index(drop=True)
