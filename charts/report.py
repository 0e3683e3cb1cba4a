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

from data.exports import CONFIDENTIAL

log = logging.getLogger("cpt.report")

# Helvetica covers Latin-1 only: map the few other characters the texts use.
_LATIN = str.maketrans({"–": "-", "—": "-", "≤": "<=", "≥": ">=", "▲": "+", "▼": "-", "→": "->", "“": '"', "”": '"', "’": "'", "…": "..."})  # fmt: skip


def latin(text: object) -> str:
    return str(text).translate(_LATIN).encode("latin-1", "replace").decode("latin-1")


def fmt(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "n/a"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return f"{value:.1f}" if isinstance(value, float) else str(value)


@dataclass
class CompanyReport:
    """What a company scoring report says; names are already pseudonyms in presentation mode."""

    company: str
    company_id: str
    as_of: date
    methodology: str  # the version applied at as_of
    methodology_label: str  # "Version in force", "v1 for all dates", ...
    sct: float
    fi: float
    overall: float
    band: str | None
    series: pd.DataFrame  # score() rows of the company up to as_of
    requests: pd.DataFrame  # explanation rows that are scored
    cases: pd.DataFrame
    open_findings: pd.DataFrame
    overdue_requests: pd.DataFrame
    fictional: bool = False
    generated: date = field(default_factory=date.today)
    peer: str = ""  # rank and medians in one sentence (scoring.summary.peer_sentence)


def build_company_report(company: str, company_id: str, why, series: pd.DataFrame, open_findings: pd.DataFrame,
                         methodology_label: str, fictional: bool, peer: str = "") -> CompanyReport:  # fmt: skip
    """A CompanyReport from the scoring explanation (`scoring.explain`) and the company's series."""
    from scoring import summary

    scored_requests, _ = summary.split_scored(why.requests)
    scored_cases, _ = summary.split_scored(why.cases)
    findings = open_findings.copy()
    if "Opened" in findings:
        findings["Opened"] = pd.to_datetime(findings["Opened"]).dt.strftime("%Y-%m-%d")
    return CompanyReport(
        company=company, company_id=company_id, as_of=why.as_of, methodology=why.methodology,
        methodology_label=methodology_label, sct=why.sct, fi=why.fi, overall=why.overall, band=why.band,
        series=series, requests=scored_requests, cases=scored_cases,
        open_findings=findings.rename(columns={"factory": "Factory"}),
        overdue_requests=summary.overdue_requests(why.requests, why.as_of), fictional=fictional, peer=peer,
    )  # fmt: skip


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
    try:
        with ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(fig.to_image, format="png", width=width, height=height).result(
                timeout=120
            ), None
    except Exception as exc:  # kaleido/browser trouble must not cost the user the report
        log.warning("chart image failed: %r", exc)
        return (
            None,
            f"the chart could not be drawn ({type(exc).__name__}), so the quarterly scores are shown as a table",
        )


class _Pdf(FPDF):
    def __init__(self, title: str, fictional: bool) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.doc_title = title
        self.fictional = fictional
        self.set_auto_page_break(auto=True, margin=18)
        self.set_title(latin(title))

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
        self.cell(0, 5, latin(f"{self.doc_title} - page {self.page_no()}.{note} {CONFIDENTIAL}"), align="C")

    def heading(self, text: str, size: int = 13) -> None:
        self.set_font("Helvetica", "B", size)
        self.multi_cell(0, 7, latin(text), new_x="LMARGIN", new_y="NEXT")
        self.set_font("Helvetica", "", 10)

    def para(self, text: str) -> None:
        self.set_font("Helvetica", "", 10)
        self.multi_cell(0, 5, latin(text), new_x="LMARGIN", new_y="NEXT")

    def frame(self, frame: pd.DataFrame, widths: tuple[int, ...] | None = None, size: int = 8) -> None:
        if frame.empty:
            self.para("None.")
            return
        self.set_font("Helvetica", "", size)
        with self.table(
            col_widths=widths, text_align="LEFT", line_height=4.5, first_row_as_headings=True
        ) as table:
            table.row([latin(c) for c in frame.columns])
            for values in frame.itertuples(index=False):
                table.row([latin(fmt(v)) for v in values])
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
        f"Company id {report.company_id}. Generated {report.generated:%Y-%m-%d}."
    )
    pdf.ln(2)
    scores = pd.DataFrame([{"Supply Chain Transparency": report.sct, "Factory Improvement": report.fi,
                            "Overall": report.overall, "Band": report.band or "n/a"}])  # fmt: skip
    pdf.frame(scores, size=11)
    if report.peer:
        pdf.para(report.peer)
        pdf.ln(2)
    pdf.heading("Trajectory")
    png, reason = chart_image(fig)
    if png is not None:
        pdf.image(io.BytesIO(png), w=pdf.epw)
    else:
        pdf.para(f"Note: {reason}.")
        pdf.frame(_series_table(report.series))
    pdf.heading("Why this score: disclosure requests (SCT)")
    req = report.requests[["request_id", "scope", "due_on", "level_by_deadline", "level_now", "credit", "weight",
                           "points"]].copy()  # fmt: skip
    req["due_on"] = pd.to_datetime(req["due_on"]).dt.strftime("%Y-%m-%d")
    pdf.frame(req.rename(columns={"request_id": "Request", "scope": "Scope", "due_on": "Due",
                                  "level_by_deadline": "By deadline", "level_now": "Now", "credit": "Credit",
                                  "weight": "Weight", "points": "Points"}))  # fmt: skip
    pdf.heading("Why this score: monitoring cases (FI)")
    cases = report.cases[["case_id", "opened_on", "ack_points", "access_points", "plan_points", "evidence_points",
                          "verified_points", "retaliation", "case_score", "case_weight"]].copy()  # fmt: skip
    cases["opened_on"] = pd.to_datetime(cases["opened_on"]).dt.strftime("%Y-%m-%d")
    pdf.frame(cases.rename(columns={"case_id": "Case", "opened_on": "Opened", "ack_points": "Ack.",
                                    "access_points": "Access", "plan_points": "Plan", "evidence_points": "Evidence",
                                    "verified_points": "Verified", "retaliation": "Retaliation",
                                    "case_score": "Score", "case_weight": "Weight"}))  # fmt: skip
    pdf.heading("Open findings (not verified as remedied)")
    pdf.frame(report.open_findings)
    pdf.heading("Overdue disclosure requests (no response by now)")
    pdf.frame(report.overdue_requests)
    return bytes(pdf.output())


def report_tables(report: CompanyReport) -> dict[str, pd.DataFrame]:
    """The report's tables for the HTML version."""
    return {
        "Why this score: disclosure requests (SCT)": report.requests,
        "Why this score: monitoring cases (FI)": report.cases,
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
        fig.to_html(full_html=False, include_plotlyjs=True),
    ]
    for heading, frame in tables.items():
        parts.append(f"<h2>{html.escape(heading)}</h2>")
        parts.append(
            frame.to_html(index=False, na_rep="n/a", escape=True) if not frame.empty else "<p>None.</p>"
        )
    parts.append(f"<p class='conf'>{html.escape(CONFIDENTIAL)}</p></body></html>")
    return "\n".join(parts)


def briefing_pdf(table: pd.DataFrame, as_of: date, methodology: str, fig: go.Figure | None = None,
                 fictional: bool = False, generated: date | None = None) -> bytes:  # fmt: skip
    """A one-page market engagement briefing: the compared companies side by side."""
    generated = generated or date.today()
    pdf = _Pdf("CPT market engagement briefing", fictional)
    pdf.set_auto_page_break(auto=False)
    pdf.add_page(orientation="L")
    pdf.heading("Market engagement briefing", 16)
    pdf.para(f"As of {as_of:%Y-%m-%d}. Methodology {methodology}. Generated {generated:%Y-%m-%d}.")
    pdf.ln(2)
    shown = table.drop(columns=[c for c in ("company_id",) if c in table.columns])
    pdf.frame(shown, size=9)
    if fig is not None:
        png, reason = chart_image(fig, width=1300, height=420)
        if png is not None:
            room = pdf.eph - pdf.get_y() + pdf.t_margin - 8
            pdf.image(io.BytesIO(png), h=max(40, room), keep_aspect_ratio=True, w=pdf.epw)
        else:
            pdf.para(f"Note: {reason}.")
    return bytes(pdf.output())
