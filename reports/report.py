"""Scoring reports and briefings: PDF (fpdf2) and self-contained HTML. No Streamlit.

The trajectory chart goes into the PDF as an image rendered by kaleido through the
system Chromium when one is present; without a browser the PDF still renders, with a
table of the quarterly scores in its place and a line saying why.
"""

from __future__ import annotations

import io
import logging
import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date

import pandas as pd
import plotly.graph_objects as go
from fpdf import FPDF

from charts.theme import company_colours
from data.exports.spreadsheet import CONFIDENTIAL, one_line
from wording import narrative

log = logging.getLogger("cpt.report")

# Helvetica covers Latin-1 only: map the few other characters the texts use.
_LATIN = str.maketrans({"−": "-", "–": "-", "—": "-", "≤": "<=", "≥": ">=", "▲": "+", "▼": "-", "→": "->", "“": '"', "”": '"', "’": "'", "…": "..."})  # fmt: skip


# Text from the data is cut to fit (issue 11, item 10): a table row taller than a page makes
# fpdf2 raise, and a 4,000-character name would fill pages. Cut with "...", wrapped by fpdf2.
CELL_LIMIT = 120  # one table cell
LINE_LIMIT = 160  # a heading, the page footer
TEXT_LIMIT = 1000  # a paragraph


def latin(text: object) -> str:
    """Text for the PDF: one line without control characters (`exports.one_line`: line breaks
    become spaces; bare CR, NEL, U+2028/U+2029, C0/C1 controls and bidi formatting are dropped),
    in Latin-1."""
    text = one_line(text).translate(_LATIN)
    return text.encode("latin-1", "replace").decode("latin-1")


def fit(text: object, limit: int) -> str:
    """`latin(text)` of at most `limit` characters, cut with "..."."""
    out = latin(text)
    return out if len(out) <= limit else out[: limit - 3].rstrip() + "..."


def fmt(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "n/a"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return narrative.one_decimal(value) if isinstance(value, float) else str(value)


@dataclass
class CompanyReport:
    """What a company scoring report says, in words and names (pseudonyms in presentation
    mode): no ids, codes or raw numbers."""

    company: str
    company_id: str | None  # None in presentation mode (no id in the report)
    as_of: date
    methodology: str  # the version applied at as_of
    methodology_label: str  # "Version in force", "v1 for all dates", ...
    sct: float
    fi: float
    overall: float
    band: str | None
    series: pd.DataFrame  # score() rows of the company up to as_of
    requests: pd.DataFrame  # narrative.request_table: the scored requests, as text
    cases: pd.DataFrame  # narrative.case_table: the scored cases, as text
    open_findings: pd.DataFrame
    overdue_requests: pd.DataFrame
    fictional: bool = False
    generated: date = field(default_factory=date.today)
    peer: str = ""  # rank and medians in one sentence (wording.summary.peer_sentence)
    why: list[str] = field(default_factory=list)  # narrative.why_summary
    changes: list[str] = field(default_factory=list)  # narrative.change_sentences
    improve: list[str] = field(default_factory=list)  # the next band and the largest gains
    # data.queries.expectations.report_table: what affiliates expect of the company, judged at as_of
    expectations: pd.DataFrame | None = None
    # data.queries.documents.report_lines: the source documents behind the evidence that this
    # account may open, "Monitoring report, 2025-03-14: <title>" (none in presentation mode)
    sources: list[str] = field(default_factory=list)


def build_company_report(company: str, company_id: str, why, series: pd.DataFrame, open_findings: pd.DataFrame,
                         methodology_label: str, fictional: bool, peer: str = "", *, evidence,
                         names: narrative.Names | None = None, changes: list[str] | None = None,
                         actions: pd.DataFrame | None = None, plan=None,
                         expectations: pd.DataFrame | None = None,
                         sources: list[str] | None = None) -> CompanyReport:  # fmt: skip
    """A CompanyReport from the scoring explanation (`scoring.explain`), the company's evidence
    and series, and optionally the change sentences and the improvement actions and plan
    (`scoring.actions`, `scoring.next_band`)."""
    names = names or narrative.Names({}, {})
    requests, _ = narrative.request_table(why, evidence, names)
    cases, _ = narrative.case_table(why, evidence, names)
    improve: list[str] = []
    if plan is not None:
        steps = narrative.next_band_sentences(plan, why.overall, names)
        improve += [steps[0]] + [f"{i}. {line}" for i, line in enumerate(steps[1:], start=1)]
    if actions is not None and not actions.empty:
        improve += ["The largest gains, one action at a time:"]
        improve += [f"- {line}" for line in narrative.action_sentences(actions.head(5), names)]
    return CompanyReport(
        company=company, company_id=company_id, as_of=why.as_of, methodology=why.methodology,
        methodology_label=methodology_label, sct=why.sct, fi=why.fi, overall=why.overall, band=why.band,
        series=series, requests=requests, cases=cases,
        open_findings=narrative.open_findings_table(open_findings),
        overdue_requests=narrative.overdue_table(why, names), fictional=fictional, peer=peer,
        why=narrative.why_summary(why, evidence), changes=list(changes or []), improve=improve,
        expectations=expectations, sources=list(sources or []),
    )  # fmt: skip


CHART_IMAGE_TIMEOUT_S = 60  # drawing the chart for a PDF; past this the PDF shows the table


def chart_image(fig: go.Figure, width: int = 1000, height: int = 480) -> tuple[bytes | None, str | None]:
    """PNG of a figure through kaleido and the system Chromium; (None, reason) without one.

    kaleido drives the browser with asyncio, so it runs in a worker thread of its own: the
    caller may already have an event loop running (a server, a browser-automation test).
    """
    browser = os.environ.get("BROWSER_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not browser:
        return (
            None,
            "no Chromium on this server to draw the chart, so the quarterly scores are shown as a table",
        )
    os.environ.setdefault("BROWSER_PATH", browser)
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cpt-chart-image")
    try:
        return pool.submit(fig.to_image, format="png", width=width, height=height).result(
            timeout=CHART_IMAGE_TIMEOUT_S
        ), None
    except Exception as exc:  # kaleido/browser trouble must not cost the user the report
        log.warning("chart image failed: %r", exc)
        return (
            None,
            f"the chart could not be drawn ({type(exc).__name__}), so the quarterly scores are shown as a table",
        )
    finally:
        # Not `with`: leaving a `with` block waits for the thread, so a hung browser would
        # hold the download forever; the timeout above is the longest a user waits.
        pool.shutdown(wait=False, cancel_futures=True)


class _Pdf(FPDF):
    def __init__(self, title: str, fictional: bool) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.doc_title = title
        self.fictional = fictional
        self.set_auto_page_break(auto=True, margin=18)
        self.set_title(fit(title, LINE_LIMIT))

    def header(self) -> None:
        self.set_font("Helvetica", "B", 9)
        self.set_text_color(150, 0, 0)
        self.cell(0, 5, latin(CONFIDENTIAL), new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(0, 0, 0)
        self.ln(2)

    def footer(self) -> None:
        self.set_y(-13)
        self.set_font("Helvetica", "", 8)
        note = " Fictional demo data." if self.fictional else ""
        title = fit(self.doc_title, 60)
        self.cell(0, 5, latin(f"{title} - page {self.page_no()}.{note} {CONFIDENTIAL}"), align="C")

    def heading(self, text: str, size: int = 13) -> None:
        self.set_font("Helvetica", "B", size)
        self.multi_cell(0, 7, fit(text, LINE_LIMIT), new_x="LMARGIN", new_y="NEXT")
        self.set_font("Helvetica", "", 10)

    def para(self, text: str) -> None:
        self.set_font("Helvetica", "", 10)
        self.multi_cell(0, 5, fit(text, TEXT_LIMIT), new_x="LMARGIN", new_y="NEXT")

    def frame(self, frame: pd.DataFrame, widths: tuple[int, ...] | None = None, size: int = 8) -> None:
        if frame.empty:
            self.para("None.")
            return
        self.set_font("Helvetica", "", size)
        with self.table(
            col_widths=widths, text_align="LEFT", line_height=4.5, first_row_as_headings=True
        ) as table:
            table.row([fit(c, CELL_LIMIT) for c in frame.columns])
            for values in frame.itertuples(index=False):
                table.row([fit(fmt(v), CELL_LIMIT) for v in values])
        self.ln(3)


def _series_table(series: pd.DataFrame) -> pd.DataFrame:
    out = series[["as_of", "methodology", "sct", "fi", "overall", "band"]].copy()
    out["as_of"] = pd.to_datetime(out["as_of"]).dt.strftime("%Y-%m-%d")
    out["band"] = out["band"].fillna("n/a")
    return out.rename(columns={"as_of": "Quarter end", "methodology": "Version", "sct": "SCT", "fi": "FI",
                               "overall": "Overall", "band": "Band"})  # fmt: skip


def company_report_pdf(report: CompanyReport, fig: go.Figure) -> bytes:
    """The scoring report of one company at one date (A4, several pages)."""
    title = f"CPT scoring report: {report.company}"
    pdf = _Pdf(title, report.fictional)
    pdf.add_page()
    pdf.heading(title, 16)
    pdf.para(
        f"As of {report.as_of:%Y-%m-%d}. Methodology {report.methodology} ({report.methodology_label}). "
        f"Generated {report.generated:%Y-%m-%d}."
    )
    pdf.ln(2)
    scores = pd.DataFrame([{"Supply Chain Transparency": report.sct, "Factory Improvement": report.fi,
                            "Overall": report.overall, "Band": report.band or "n/a"}])  # fmt: skip
    pdf.frame(scores, size=11)
    if report.peer:
        pdf.para(report.peer)
        pdf.ln(2)
    if report.why or report.changes:
        pdf.heading("Why this score")
        for line in report.why:
            pdf.para(line)
        if report.changes:
            pdf.ln(1)
            for line in report.changes:
                pdf.para(line)
        pdf.ln(2)
    pdf.heading("Trajectory")
    png, reason = chart_image(fig)
    if png is not None:
        pdf.image(io.BytesIO(png), w=pdf.epw)
    else:
        pdf.para(f"Note: {reason}.")
        pdf.frame(_series_table(report.series))
    if report.improve:
        pdf.heading("How to improve")
        for line in report.improve:
            pdf.para(line)
        pdf.ln(2)
    if report.expectations is not None:
        pdf.heading("What affiliates expect, by when")
        if report.expectations.empty:
            pdf.para("None recorded that this account may see.")
        else:
            pdf.para(
                f"Status as of {report.as_of:%Y-%m-%d}: scores and bands at quarter ends under the methodology "
                "in force; actions by their evidence to date."
            )
            pdf.frame(report.expectations, widths=(30, 22, 50, 18, 16, 16, 38))
    pdf.heading("Disclosure requests that count (SCT)")
    req_columns = [
        "Product model",
        "Asked for",
        "Due",
        "By the deadline",
        "Now",
        "Credit",
        "Weight",
        "Points",
    ]
    pdf.frame(
        report.requests[[c for c in req_columns if c in report.requests]],
        widths=(34, 26, 20, 28, 28, 16, 14, 16),
    )
    pdf.heading("Monitoring cases that count (FI)")
    case_columns = ["Factory", "Opened", "Status", "Age (days)", "Most severe finding", "Weight", "Score",
                    "Findings verified"]  # fmt: skip
    pdf.frame(
        report.cases[[c for c in case_columns if c in report.cases]], widths=(50, 20, 28, 16, 22, 14, 14, 20)
    )
    if report.sources:
        pdf.heading("Source documents")
        pdf.para("The documents the evidence above rests on (in the dashboard: a link on each row).")
        for line in report.sources:
            pdf.para(f"- {line}")
    pdf.heading("Open findings (not verified as remedied)")
    pdf.frame(report.open_findings)
    pdf.heading("Overdue disclosure requests (no response by now)")
    pdf.frame(report.overdue_requests)
    return bytes(pdf.output())


def report_tables(report: CompanyReport) -> dict[str, pd.DataFrame]:
    """The report's tables for the HTML version."""
    tables = {
        "Why this score: disclosure requests (SCT)": report.requests,
        "Why this score: monitoring cases (FI)": report.cases,
    }
    if report.expectations is not None:
        tables[f"What affiliates expect, by when (status as of {report.as_of:%Y-%m-%d})"] = (
            report.expectations
        )
    return tables | {
        "Open findings": report.open_findings,
        "Overdue disclosure requests": report.overdue_requests,
        "Scores per quarter end": _series_table(report.series),
    }


def company_report_html(report: CompanyReport, fig: go.Figure, tables: dict[str, pd.DataFrame]) -> str:
    """The same report as one self-contained HTML file (plotly.js inlined: opens offline)."""
    import html

    parts = [
        "<!doctype html><html><head><meta charset='utf-8'>",
        f"<title>{html.escape('CPT scoring report: ' + report.company)}</title>",
        "<style>body{font-family:Arial,sans-serif;margin:2em;max-width:1100px}"
        "table{border-collapse:collapse;font-size:13px;margin-bottom:1.5em}td,th{border:1px solid #ccc;"
        "padding:3px 6px}.conf{color:#900;font-weight:bold}</style></head><body>",
        f"<p class='conf'>{html.escape(CONFIDENTIAL)}</p>",
        f"<h1>{html.escape('CPT scoring report: ' + report.company)}</h1>",
        f"<p>As of {report.as_of:%Y-%m-%d}. Methodology {html.escape(report.methodology)} "
        f"({html.escape(report.methodology_label)}). Generated {report.generated:%Y-%m-%d}."
        + (" Fictional demo data." if report.fictional else "")
        + "</p>",
        f"<p><b>SCT</b> {fmt(report.sct)} &middot; <b>FI</b> {fmt(report.fi)} &middot; "
        f"<b>Overall</b> {fmt(report.overall)} &middot; <b>Band</b> {html.escape(report.band or 'n/a')}</p>",
        f"<p>{html.escape(report.peer)}</p>" if report.peer else "",
    ]
    for heading, lines in (
        ("Why this score", report.why + report.changes),
        ("How to improve", report.improve),
        ("Source documents", report.sources),
    ):
        if lines:
            parts.append(f"<h2>{heading}</h2>")
            parts += [f"<p>{html.escape(line)}</p>" for line in lines]
    parts += [
        fig.to_html(full_html=False, include_plotlyjs=True),
    ]
    for heading, frame in tables.items():
        parts.append(f"<h2>{html.escape(heading)}</h2>")
        parts.append(
            frame.to_html(index=False, na_rep="n/a", escape=True) if not frame.empty else "<p>None.</p>"
        )
    parts.append(f"<p class='conf'>{html.escape(CONFIDENTIAL)}</p></body></html>")
    return "\n".join(parts)


@dataclass
class BriefingCompany:
    """One company's page of the briefing (names are pseudonyms in presentation mode)."""

    company_id: str
    name: str
    sct: float
    fi: float
    overall: float
    band: str | None
    peer: str = ""
    strongest: str | None = None
    weakest: str | None = None
    why: list[str] = field(default_factory=list)  # narrative.why_summary
    points: pd.DataFrame | None = None  # wording.talking.talking_points: Topic, Point
    expectations: list[str] = field(default_factory=list)  # data.queries.expectations.briefing_lines


def _hex(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)


def _swatch(pdf: FPDF, colour: str, size: float = 4.0) -> None:
    """A filled square of the company's colour at the current position (the chart's line colour)."""
    x, y = pdf.get_x(), pdf.get_y()
    pdf.set_fill_color(*_hex(colour))
    pdf.rect(x, y + 1.2, size, size, style="F")
    pdf.set_x(x + size + 2)


def _summary_table(pdf: FPDF, table: pd.DataFrame, colours: dict[str, str]) -> None:
    """The compared companies, each row led by its colour; scores with one decimal, half-up."""
    from fpdf.fonts import FontFace

    shown = table.drop(columns=[c for c in ("company_id", "Trend") if c in table.columns])
    ids = list(table["company_id"]) if "company_id" in table.columns else [None] * len(table)
    pdf.set_font("Helvetica", "", 9)
    widths = (6, *(((pdf.epw - 6) / len(shown.columns),) * len(shown.columns)))
    with pdf.table(col_widths=widths, text_align="LEFT", line_height=5, first_row_as_headings=True) as grid:
        grid.row(["", *[fit(c, CELL_LIMIT) for c in shown.columns]])
        for company_id, values in zip(ids, shown.itertuples(index=False), strict=True):
            row = grid.row()
            colour = colours.get(company_id)
            row.cell("", style=FontFace(fill_color=_hex(colour)) if colour else None)
            for v in values:
                row.cell(fit(fmt(v), CELL_LIMIT))
    pdf.ln(3)


def _company_page(pdf: FPDF, company: BriefingCompany, colour: str | None) -> None:
    pdf.add_page(orientation="P")
    if colour:
        _swatch(pdf, colour, 5)
    pdf.set_font("Helvetica", "B", 15)
    pdf.multi_cell(0, 8, fit(company.name, LINE_LIMIT), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    pdf.para(
        f"SCT {fmt(company.sct)} - FI {fmt(company.fi)} - Overall {fmt(company.overall)} - "
        f"Band {company.band or 'n/a'}."
    )
    if company.peer:
        pdf.para(company.peer)
    if company.strongest or company.weakest:
        pdf.para(f"Strongest component: {company.strongest or 'n/a'}. Weakest: {company.weakest or 'n/a'}.")
    pdf.ln(2)
    if company.why:
        pdf.heading("Why this score", 12)
        for line in company.why:
            pdf.para(line)
        pdf.ln(2)
    if company.expectations:
        pdf.heading("What affiliates expect, by when", 12)
        for line in company.expectations:
            pdf.para(line)
        pdf.ln(2)
    pdf.heading("Talking points for the meeting", 12)
    points = company.points if company.points is not None else pd.DataFrame(columns=["Topic", "Point"])
    if points.empty:
        pdf.para("Nothing outstanding on record: ask how the company keeps it that way.")
    for i, (topic, point) in enumerate(points.itertuples(index=False), start=1):
        pdf.set_font("Helvetica", "B", 10)
        pdf.multi_cell(0, 5, fit(f"{i}. {topic}", LINE_LIMIT), new_x="LMARGIN", new_y="NEXT")
        pdf.para(point)
        pdf.ln(1)


def briefing_pdf(table: pd.DataFrame, as_of: date, methodology: str, fig: go.Figure | None = None,
                 fictional: bool = False, generated: date | None = None,
                 companies: list[BriefingCompany] | None = None) -> bytes:  # fmt: skip
    """The market engagement briefing: a summary page (the compared companies side by side,
    each in its chart colour, and the chart), then one page per company with its scores, why
    and the talking points for the meeting.

    `table` holds full-precision scores (they are shown with one decimal, half-up, as on
    screen) and company_id, whose order gives the colours (`theme.company_colours`)."""
    generated = generated or date.today()
    colours = company_colours(list(table["company_id"])) if "company_id" in table.columns else {}
    pdf = _Pdf("CPT market engagement briefing", fictional)
    pdf.set_auto_page_break(auto=False)
    pdf.add_page(orientation="L")
    pdf.heading("Market engagement briefing", 16)
    pdf.para(f"As of {as_of:%Y-%m-%d}. Methodology {methodology}. Generated {generated:%Y-%m-%d}.")
    pdf.ln(2)
    _summary_table(pdf, table, colours)
    if fig is not None:
        png, reason = chart_image(fig, width=1300, height=420)
        if png is not None:
            room = pdf.eph - pdf.get_y() + pdf.t_margin - 8
            pdf.image(io.BytesIO(png), h=max(40, room), keep_aspect_ratio=True, w=pdf.epw)
        else:
            pdf.para(f"Note: {reason}.")
    pdf.set_auto_page_break(auto=True, margin=18)
    for company in companies or []:
        _company_page(pdf, company, colours.get(company.company_id))
    return bytes(pdf.output())


def notice_pdf(text: str) -> bytes:
    """A one-page PDF that says `text` (a download refused or postponed: ui/downloads.py)."""
    pdf = _Pdf("CPT download", False)
    pdf.add_page()
    pdf.heading("CPT download", 14)
    pdf.para(text)
    return bytes(pdf.output())
