"""Figures of the Supplier transparency page: DataFrame in (from data.queries.evidence), Figure out."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import pycountry

from charts import theme
from wording import i18n
from wording.i18n import _


def style_figure(
    fig: go.Figure, title: str, x_title: str, y_title: str, legend_title: str, **kw: object
) -> go.Figure:
    """The evidence pages' common look: left title, axis titles with units, legend below."""
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left"},  # the callers' words, in the current language
        xaxis_title=x_title,
        yaxis_title=y_title,
        legend={"title": {"text": legend_title}, "orientation": "v", "yanchor": "top", "y": 1, "x": 1.02},
        font={"family": theme.FONT},
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
        plot_bgcolor="white",
        **kw,
    )
    fig.update_xaxes(showline=True, linecolor="#bdbdbd")
    fig.update_yaxes(gridcolor="#eeeeee", zeroline=False)
    return theme.localise(fig)


def date_range(*columns: pd.Series, pad_days: int = 30) -> list[pd.Timestamp] | None:
    """An explicit x range around the dates (bars need half a quarter of room): Plotly's
    autorange pads a narrow chart far beyond the data."""
    values = pd.concat([pd.to_datetime(pd.Series(c)).dropna() for c in columns])
    if not len(values):
        return None
    pad = pd.Timedelta(days=pad_days)
    return [values.min() - pad, values.max() + pad]


def country_name(code: str) -> str:
    """ "China (CN)" for an ISO 3166-1 alpha-2 code; the code itself when unknown."""
    country = pycountry.countries.get(alpha_2=code)
    if country and i18n.current() != i18n.SOURCE:
        return f"{i18n.country(code)} ({code})"  # the locale's name ("China (CN)" -> "Chine (CN)")
    return f"{getattr(country, 'common_name', country.name)} ({code})" if country else code


def factories_over_time(df: pd.DataFrame) -> go.Figure:
    """Cumulative distinct factories disclosed by each quarter end, stacked by tier
    (columns quarter_end, tier, factories; `factories_disclosed_by_quarter`)."""
    fig = go.Figure()
    for tier in theme.TIER_LABELS:
        part = df[df["tier"] == tier]
        fig.add_trace(
            go.Scatter(
                x=part["quarter_end"],
                y=part["factories"],
                name=_(theme.TIER_LABELS[tier]),
                mode="lines",
                stackgroup="tiers",
                line={"color": theme.TIER_COLOURS[tier], "width": 1.5},
                fillcolor=theme.TIER_COLOURS[tier],
                hovertemplate="%{x|%Y-%m-%d}: "
                + _("{n} factories").format(n="%{y}")
                + "<extra>"
                + _(theme.TIER_LABELS[tier])
                + "</extra>",
            )
        )
    return style_figure(
        fig,
        _("Factories disclosed over time (cumulative, distinct)"),
        _("Quarter end"),
        _("Factories disclosed (count)"),
        _("Factory tier"),
        hovermode="x unified",
    )


def request_levels(levels: pd.DataFrame, on_time: pd.DataFrame | None = None) -> go.Figure:
    """Share of due requests at each level per quarter end (stacked to 100 %), from
    `request_levels_by_quarter`; optionally the on-time rate (`on_time_by_quarter`) as a line."""
    fig = go.Figure()
    for level in theme.LEVEL_LABELS:
        part = levels[levels["level"] == level]
        fig.add_trace(
            go.Bar(
                x=part["quarter_end"],
                y=part["share_pct"],
                name=_(theme.LEVEL_LABELS[level]),
                marker_color=theme.LEVEL_COLOURS[level],
                customdata=part[["requests", "due_requests"]].to_numpy(),
                hovertemplate="%{x|%Y-%m-%d}: "
                + _("{share} % ({n} of {due} due requests)").format(
                    share="%{y:.1f}", n="%{customdata[0]}", due="%{customdata[1]}"
                )
                + "<extra>"
                + _(theme.LEVEL_LABELS[level])
                + "</extra>",
            )
        )
    if on_time is not None and not on_time.empty:
        fig.add_trace(
            go.Scatter(
                x=on_time["quarter_end"],
                y=on_time["on_time_pct"],
                name=_(theme.ON_TIME_LABEL),
                mode="lines+markers",
                line={"color": theme.ON_TIME_COLOUR, "width": 2},
                marker={"size": 5},
                customdata=on_time[["on_time_requests", "due_requests"]].to_numpy(),
                hovertemplate="%{x|%Y-%m-%d}: "
                + _("On time: {share} % ({n} of {due})").format(
                    share="%{y:.1f}", n="%{customdata[0]}", due="%{customdata[1]}"
                )
                + "<extra></extra>",
            )
        )
    fig = style_figure(
        fig,
        _("Due disclosure requests by level at each quarter end"),
        _("Quarter end"),
        _("Share of due requests (%)"),
        _("Level at the quarter end"),
        barmode="stack",
        bargap=0.15,
    )
    fig.update_yaxes(range=[0, 100], ticksuffix=" %")
    span = date_range(levels["quarter_end"], pad_days=60)
    if span is not None:
        fig.update_xaxes(range=span, autorange=False)
    return fig


def factories_by_country(df: pd.DataFrame) -> go.Figure:
    """Distinct factories disclosed per producing country, stacked by tier (horizontal bars,
    most factories on top), from `factories_by_country`."""
    names = df["country"].map(country_name)
    order = list(dict.fromkeys(names))  # the query sorts most factories first
    fig = go.Figure()
    for tier in theme.TIER_LABELS:
        mask = df["tier"] == tier
        fig.add_trace(
            go.Bar(
                y=names[mask],
                x=df.loc[mask, "factories"],
                orientation="h",
                name=_(theme.TIER_LABELS[tier]),
                marker_color=theme.TIER_COLOURS[tier],
                hovertemplate="%{y}: "
                + _("{n} factories").format(n="%{x}")
                + "<extra>"
                + _(theme.TIER_LABELS[tier])
                + "</extra>",
            )
        )
    fig = style_figure(
        fig,
        _("Disclosed factories by producing country"),
        _("Factories disclosed (count)"),
        _("Producing country"),
        _("Factory tier"),
        barmode="stack",
        height=max(320, 28 * len(order) + 160),
    )
    fig.update_yaxes(categoryorder="array", categoryarray=order[::-1], gridcolor=None)
    fig.update_xaxes(gridcolor="#eeeeee")
    return fig
