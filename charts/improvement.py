"""Figures of the Factory improvement page: DataFrame in (from data.queries.evidence), Figure out."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from charts import theme, transparency
from charts.transparency import style_figure
from wording.i18n import _

# case_progress column -> engagement stage (theme.STAGE_LABELS / STAGE_COLOURS), in order.
STAGE_COLUMNS = {
    "opened": "opened_on",
    "acknowledged": "acknowledged_on",
    "access_granted": "access_granted_on",
    "plan_submitted": "plan_submitted_on",
    "evidence_submitted": "evidence_on",
    "verified": "verified_on",
    "retaliation_confirmed": "retaliation_on",
}
STAGE_SYMBOLS = {"retaliation_confirmed": "x", "verified": "star", "opened": "circle-open"}


def _case_label(label: str) -> str:
    """ "company · case id", escaped for Plotly; a long company name is cut, never the case id
    (labels are the categories of the y axis, so they must stay distinct)."""
    name, sep, case_id = str(label).rpartition(" · ")
    return theme.plain(name, theme.NAME_LIMIT) + sep + theme.plain(case_id) if sep else theme.plain(label)


def case_timeline(cases: pd.DataFrame) -> go.Figure:
    """One row per case (from `case_progress`): a grey line from the report's opening to
    its latest engagement event, and a marker at the first date of each stage."""
    labels = cases["case_label"].map(_case_label)
    stage_dates = cases[list(STAGE_COLUMNS.values())]
    last = stage_dates.max(axis=1)
    # One line trace for every case: segments separated by gaps (None), so the legend
    # stays about stages, not about 100 cases.
    xs: list[object] = []
    ys: list[object] = []
    for label, start, end in zip(labels, cases["opened_on"], last, strict=True):
        xs += [start, end, None]
        ys += [label, label, None]
    fig = go.Figure(
        go.Scatter(
            x=xs,
            y=ys,
            mode="lines",
            line={"color": theme.CASE_LINE_COLOUR, "width": 3},
            name=_("Case open (report → latest event)"),
            hoverinfo="skip",
        )
    )
    of = _("{verified} of {findings}")
    progress = pd.Series(
        [of.format(verified=a, findings=b) for a, b in zip(cases["findings_evidenced"], cases["findings"], strict=True)],
        index=cases.index, dtype=object,
    )  # fmt: skip
    verified = pd.Series(
        [of.format(verified=a, findings=b) for a, b in zip(cases["findings_verified"], cases["findings"], strict=True)],
        index=cases.index, dtype=object,
    )  # fmt: skip
    for stage, column in STAGE_COLUMNS.items():
        mask = cases[column].notna()
        if stage == "evidence_submitted":
            extra = progress[mask].map(lambda v: "<br>" + _("findings with evidence: {n}").format(n=v))
        elif stage == "verified":
            extra = verified[mask].map(lambda v: "<br>" + _("findings verified: {n}").format(n=v))
        else:
            extra = pd.Series("", index=cases.index[mask])
        fig.add_trace(
            go.Scatter(
                x=cases.loc[mask, column],
                y=labels[mask],
                mode="markers",
                name=_(theme.STAGE_LABELS[stage]),
                marker={
                    "color": theme.STAGE_COLOURS[stage],
                    "size": 13 if stage == "retaliation_confirmed" else 9,
                    "symbol": STAGE_SYMBOLS.get(stage, "circle"),
                    "line": {"width": 2 if stage == "opened" else 0, "color": theme.STAGE_COLOURS[stage]},
                },
                customdata=(
                    cases.loc[mask, "factory"].map(lambda s: theme.plain(s, theme.NAME_LIMIT)) + extra
                ).to_numpy(),
                hovertemplate="%{y}<br>%{x|%Y-%m-%d}: " + _(theme.STAGE_LABELS[stage]) + "<br>%{customdata}"
                "<extra></extra>",
            )
        )
    fig = style_figure(
        fig,
        _("Monitoring cases: engagement stages over time"),
        _("Date of the stage (first event)"),
        _("Case (company · case id)"),
        _("Stage"),
        height=max(360, 26 * len(cases) + 200),
    )
    fig.update_yaxes(categoryorder="array", categoryarray=list(labels)[::-1], gridcolor="#f3f3f3")
    span = transparency.date_range(cases["opened_on"], last)
    if span is not None:
        fig.update_xaxes(range=span, autorange=False)
    return fig


def findings_by_area(df: pd.DataFrame) -> go.Figure:
    """Findings per code area, stacked by severity, as horizontal bars with the area with
    most findings on top (from `findings_by_area`)."""
    areas = [_(theme.CODE_AREA_LABELS[a]) for a in dict.fromkeys(df["code_area"])]  # most findings first
    fig = go.Figure()
    for severity in ("critical", "major", "minor"):
        part = df[df["severity"] == severity]
        fig.add_trace(
            go.Bar(
                y=part["code_area"].map(lambda a: _(theme.CODE_AREA_LABELS[a])),
                x=part["findings"],
                orientation="h",
                name=_(theme.SEVERITY_LABELS[severity]),
                marker_color=theme.SEVERITY_COLOURS[severity],
                hovertemplate="%{y}: "
                + _("{n} findings").format(n="%{x}")
                + "<extra>"
                + _(theme.SEVERITY_LABELS[severity])
                + "</extra>",
            )
        )
    fig = style_figure(
        fig,
        _("Findings by code area and severity"),
        _("Findings (count)"),
        _("Code area"),
        _("Severity"),
        barmode="stack",
        legend_traceorder="normal",
    )
    fig.update_yaxes(categoryorder="array", categoryarray=areas[::-1], gridcolor=None)
    fig.update_xaxes(gridcolor="#eeeeee", **whole_counts(df.groupby("code_area")["findings"].sum()))
    return fig


def whole_counts(totals: pd.Series) -> dict[str, object]:
    """Axis settings for a count: a tick per whole number when the largest bar is small (Plotly's
    automatic ticks said "0.5 findings"), else its own ticks, never with decimals."""
    top = float(totals.max()) if len(totals) else 0.0
    return {"tick0": 0, "dtick": 1, "tickformat": ",d"} if top <= 8 else {"tickformat": ",d"}


def findings_status(df: pd.DataFrame) -> go.Figure:
    """Findings reported so far at each quarter end: verified vs not yet verified (stacked),
    from `findings_status_by_quarter`."""
    fig = go.Figure()
    for status in ("verified", "open"):
        part = df[df["status"] == status]
        fig.add_trace(
            go.Bar(
                x=part["quarter_end"],
                y=part["findings"],
                name=_(theme.FINDING_STATUS_LABELS[status]),
                marker_color=theme.FINDING_STATUS_COLOURS[status],
                hovertemplate="%{x|%Y-%m-%d}: "
                + _("{n} findings").format(n="%{y}")
                + "<extra>"
                + _(theme.FINDING_STATUS_LABELS[status])
                + "</extra>",
            )
        )
    fig = style_figure(
        fig,
        _("Findings reported so far: verified vs not yet verified"),
        _("Quarter end"),
        _("Findings (count)"),
        _("Status at the quarter end"),
        barmode="stack",
        bargap=0.15,
    )
    return fig.update_yaxes(**whole_counts(df.groupby("quarter_end")["findings"].sum()))
