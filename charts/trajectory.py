"""Score trajectories: SCT, FI and overall per quarter end, with bands and the methodology change."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from charts.theme import (
    BAND_COLOURS,
    FONT,
    NAME_LIMIT,
    SCORE_COLOURS,
    SCORE_LABELS,
    TITLE_LIMIT,
    company_colours,
    localise,
    plain,
)
from scoring import params
from wording import i18n
from wording.i18n import N_, _

EVENT_STYLE = {
    "request_due": (N_("Disclosure request due"), "line-ns-open", "#1f77b4"),
    "case_opened": (N_("Monitoring report opened"), "triangle-up", "#e07b00"),
    "verified": (N_("Remediation verified"), "star", "#1a9850"),
    "retaliation": (N_("Retaliation confirmed"), "x", "#b30000"),
}


SCOPE_WORDS = {"final_assembly": N_("final assembly"), "components": N_("components"),
               "compliance_findings": N_("compliance findings")}  # fmt: skip


def event_labels(events: pd.DataFrame) -> pd.Series:
    """The events' labels in the current language, rebuilt from their (possibly disguised) ids
    as data.queries.companies.label_evidence_events builds them in English; the given labels
    when the ids are not there."""
    if i18n.current() == i18n.SOURCE or not {"request_id", "scope", "case_id", "finding_id"} <= set(
        events.columns
    ):
        return events["label"]
    out = []
    for r in events.itertuples(index=False):
        if r.kind == "request_due":
            scope = _(SCOPE_WORDS[r.scope]) if r.scope in SCOPE_WORDS else str(r.scope)
            out.append(f"{r.request_id} ({scope})")
        elif r.kind == "case_opened":
            out.append(_("{case} opened").format(case=r.case_id))
        elif r.kind == "verified":
            out.append(_("{case}: finding {finding} verified").format(case=r.case_id, finding=r.finding_id))
        else:
            out.append(_("{case}: retaliation confirmed").format(case=r.case_id))
    return pd.Series(out, index=events.index, dtype=object)


def _band_shading() -> tuple[list[dict], list[dict]]:
    """Band background rectangles and their labels on the score axis (plain layout dicts:
    much faster than add_hrect, which matters on every rerun)."""
    shapes, labels = [], []
    for band in params.BANDS:
        shapes.append(
            {"type": "rect", "xref": "x domain", "x0": 0, "x1": 1, "yref": "y", "y0": band.lower, "y1": band.upper,
             "fillcolor": BAND_COLOURS[band.name], "opacity": 0.10, "line": {"width": 0}, "layer": "below"}
        )  # fmt: skip
        labels.append(
            {"xref": "x domain", "x": 1.0, "xanchor": "left", "yref": "y", "y": (band.lower + band.upper) / 2,
             "text": _(band.name), "showarrow": False, "font": {"size": 10, "color": "#555"}}
        )  # fmt: skip
    return shapes, labels


def _methodology_change(dates: pd.Series) -> tuple[list[dict], list[dict]]:
    """A dashed line and a label where v2 came into force, if the dates span it."""
    v2 = pd.Timestamp(params.VERSIONS["v2"].in_force_from)
    if not len(dates) or not (pd.Timestamp(dates.min()) <= v2 <= pd.Timestamp(dates.max())):
        return [], []
    line = {"type": "line", "xref": "x", "x0": v2, "x1": v2, "yref": "y domain", "y0": 0, "y1": 1,
            "line": {"dash": "dash", "color": "#666", "width": 1}}  # fmt: skip
    label = {"xref": "x", "x": v2, "yref": "y", "y": 100, "xanchor": "left", "yanchor": "bottom",
             "text": _("Methodology v2 in force ({date})").format(date=f"{v2:%Y-%m-%d}"), "showarrow": False,
             "font": {"size": 11, "color": "#444"}}  # fmt: skip
    return [line], [label]


def _x_range(*dates: pd.Series) -> list[pd.Timestamp] | None:
    """An explicit date range around the data (a few weeks either side): without one, Plotly
    stretches a narrow chart's axis far beyond the last quarter (to 2043 at 1280 px)."""
    values = pd.concat([pd.to_datetime(pd.Series(d)) for d in dates if d is not None and len(d)])
    values = values.dropna() if len(values) else values
    if not len(values):
        return None
    pad = pd.Timedelta(days=30)
    return [values.min() - pad, values.max() + pad]


def _decorate(fig: go.Figure, dates: pd.Series) -> None:
    shapes, labels = _band_shading()
    line, label = _methodology_change(dates)
    fig.update_layout(shapes=shapes + line, annotations=labels + label)


def trajectory(
    series: pd.DataFrame, title: str, events: pd.DataFrame | None = None, height: int = 480
) -> go.Figure:
    """One company's scores per quarter end (`score()` rows), n/a left as gaps, never 0.

    `events` (optional): columns `date`, `kind` (keys of EVENT_STYLE), `label`; drawn as markers
    in a strip under the scores.
    """
    data = series.sort_values("as_of")
    x = pd.to_datetime(data["as_of"])
    with_events = events is not None and not events.empty
    fig = make_subplots(
        rows=2 if with_events else 1, cols=1, shared_xaxes=True, vertical_spacing=0.06,
        row_heights=[0.8, 0.2] if with_events else [1.0],
    )  # fmt: skip
    for key in ("sct", "fi", "overall"):
        fig.add_trace(
            go.Scatter(
                x=x, y=data[key], name=_(SCORE_LABELS[key]), mode="lines+markers", connectgaps=False,
                line={"color": SCORE_COLOURS[key], "width": 3 if key == "overall" else 2,
                      "dash": "solid" if key == "overall" else "dot"},
                customdata=data[["methodology"]],
                hovertemplate="%{x|%Y-%m-%d}<br>" + _(SCORE_LABELS[key]) + ": %{y:.1f}<br>"
                + _("methodology {version}").format(version="%{customdata[0]}") + "<extra></extra>",
            ),
            row=1, col=1,
        )  # fmt: skip
    _decorate(fig, x)
    if with_events:
        for kind, (label, symbol, colour) in EVENT_STYLE.items():
            label = _(label)
            part = events[events["kind"] == kind]
            if part.empty:
                continue
            fig.add_trace(
                go.Scatter(
                    x=pd.to_datetime(part["date"]), y=[label] * len(part), mode="markers", name=label,
                    marker={"symbol": symbol, "color": colour, "size": 9}, text=event_labels(part).map(plain),
                    hovertemplate="%{x|%Y-%m-%d}: %{text}<extra></extra>",
                ),
                row=2, col=1,
            )  # fmt: skip
        fig.update_yaxes(title_text=_("Evidence"), row=2, col=1, showgrid=False)
    fig.update_yaxes(title_text=_("Score (0–100)"), range=[0, 105], row=1, col=1)
    fig.update_yaxes(automargin=True)  # event labels and axis titles get the room they need (kaleido too)
    fig.update_xaxes(title_text=_("Quarter end"), row=2 if with_events else 1, col=1)
    span = _x_range(x, events["date"] if with_events else None)
    if span is not None:
        fig.update_xaxes(range=span, autorange=False)
    fig.update_layout(
        title=plain(title, TITLE_LIMIT), height=height, font={"family": FONT}, hovermode="closest",
        # The legend below the x-axis title, placed in pixels (a fraction of the plot height
        # would fall on the title in a short chart): the plot is height - 60 - 120 px high.
        legend={"orientation": "h", "yanchor": "top", "y": -62 / max(height - 180, 100), "x": 0, "title": None},
        margin={"t": 60, "r": 80, "b": 120},
    )  # fmt: skip
    return localise(fig)


def compare(
    series: pd.DataFrame,
    names: dict[str, str],
    order: list[str],
    score: str = "overall",
    title: str | None = None,
) -> go.Figure:
    """Several companies' trajectories of one score on one chart, one trace per company in `order`
    (a company with no score yet keeps its legend entry, with no line)."""
    fig = go.Figure()
    data = series.sort_values("as_of")
    colours = company_colours(order)
    for company_id in order:
        part = data[data["company_id"] == company_id]
        fig.add_trace(
            go.Scatter(
                x=pd.to_datetime(part["as_of"]), y=part[score], mode="lines+markers", connectgaps=False,
                name=plain(names.get(company_id, company_id), NAME_LIMIT),
                line={"color": colours[company_id], "width": 2.5}, marker={"color": colours[company_id]},
                hovertemplate="%{x|%Y-%m-%d}: %{y:.1f}<extra>%{fullData.name}</extra>",
            )
        )  # fmt: skip
    _decorate(fig, pd.to_datetime(series["as_of"]))
    fig.update_layout(
        title=plain(title, TITLE_LIMIT) if title else _("{score} per quarter").format(score=_(SCORE_LABELS[score])),
        height=460, font={"family": FONT},
        yaxis={"title": _("{score} score (0–100)").format(score=_(SCORE_LABELS[score])), "range": [0, 105]},
        xaxis={"title": _("Quarter end")}, margin={"t": 60, "r": 80, "b": 130},
        # below the plot (on the right it covered the band labels), under the axis title
        legend={"title": _("Company"), "orientation": "h", "yanchor": "top", "y": -75 / (460 - 60 - 130), "x": 0},
    )  # fmt: skip
    span = _x_range(data["as_of"])
    if span is not None:
        fig.update_xaxes(range=span, autorange=False)
    return localise(fig)


def band_shares(shares: dict[str, float], title: str | None = None) -> go.Figure:
    """A single stacked horizontal bar: the share of scored companies in each band."""
    fig = go.Figure()
    for band in params.BANDS:
        value = shares.get(band.name, 0.0)
        name = _(band.name)
        fig.add_trace(
            go.Bar(
                x=[value], y=[_("Companies")], orientation="h", name=name, marker_color=BAND_COLOURS[band.name],
                text=[f"{value:.0f}%"], textposition="inside", hovertemplate=name + ": %{x:.0f}%<extra></extra>",
            )
        )  # fmt: skip
    fig.update_layout(
        barmode="stack", title=title if title is not None else _("Companies per band (%)"), height=170,
        font={"family": FONT}, margin={"t": 40, "b": 30, "l": 10},
        xaxis={"title": _("Share of scored companies (%)"), "range": [0, 100]}, yaxis={"visible": False},
        legend={"orientation": "h", "y": -0.6, "title": _("Band"), "traceorder": "normal"},
    )  # fmt: skip
    return localise(fig)


TARGET_SYMBOL = "star-diamond"


def target_points(targets: pd.DataFrame) -> pd.DataFrame:
    """Score and band expectations as points: due date, the score line they concern (a band
    target sits on the overall line at the band's lower bound), the target value, a label."""
    rows = []
    lower = {b.name: b.lower for b in params.BANDS}
    for t in targets.itertuples(index=False):
        if t.what in SCORE_LABELS:
            key, y, what = t.what, float(t.target), f"{_(SCORE_LABELS[t.what])} {float(t.target):.1f}"
        elif t.what == "band" and t.target in lower:
            key, y, what = "overall", float(lower[t.target]), _("band {band}").format(band=_(t.target))
        else:
            continue  # an action expectation has no place on a score axis
        rows.append({"date": pd.Timestamp(t.due_on), "key": key, "y": y,
                     "label": _("Target: {what} by {date} ({affiliate})").format(
                         what=what, date=f"{pd.Timestamp(t.due_on):%Y-%m-%d}", affiliate=t.affiliate)})  # fmt: skip
    return pd.DataFrame(rows, columns=["date", "key", "y", "label"])


def add_targets(fig: go.Figure, targets: pd.DataFrame | None) -> go.Figure:
    """Expectations (data.queries.expectations rows: what, target, due_on, affiliate) as target markers
    on a `trajectory` figure, in the colour of the score they concern."""
    if targets is None or targets.empty:
        return fig
    points = target_points(targets)
    for key, part in points.groupby("key", sort=False):
        fig.add_trace(
            go.Scatter(
                x=part["date"], y=part["y"], mode="markers", name=_("Target ({score})").format(score=_(SCORE_LABELS[key])),
                marker={"symbol": TARGET_SYMBOL, "size": 14, "color": SCORE_COLOURS[key],
                        "line": {"color": "white", "width": 1}},
                text=[_plain(v) for v in part["label"]], hovertemplate="%{text}<extra></extra>",
            ),
            row=1, col=1,
        )  # fmt: skip
    return fig


def _plain(text: str) -> str:
    """Plotly reads a few HTML tags in hover text: show data as text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
