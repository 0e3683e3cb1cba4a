"""Scoring reports and briefings: PDF (fpdf2) and self-contained HTML. No Streamlit.

The trajectory chart goes into the PDF as an image rendered by kaleido through the
system Chromium when one is present; without a browser the PDF still renders, with a
table of the quarterly scores in its place and a line saying why.
"""

from __future__ import annotations

import io
import logging
import os
import re
import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date

import pandas as pd
import plotly.graph_objects as go
from fpdf import FPDF

from charts.theme import company_colours
from data.exports.spreadsheet import CONFIDENTIAL, one_line
from wording import i18n, labels, narrative
from wording.i18n import N_, _

log = logging.getLogger("cpt.report")

# Helvetica covers Latin-1 only: map the few other characters the texts use.
_LATIN = str.maketrans({"\u202f": "\u00a0", "−": "-", "–": "-", "—": "-", "≤": "<=", "≥": ">=", "▲": "+", "▼": "-", "→": "->", "“": '"', "”": '"', "’": "'", "…": "..."})  # fmt: skip


# Text from the data is cut to fit (issue 11, item 10): a table row taller than a page makes
# fpdf2 raise, and a 4,000-character name would fill pages. Cut with "...", wrapped by fpdf2.
CELL_LIMIT = 120  # one table cell
LINE_LIMIT = 160  # a heading, the page footer
TEXT_LIMIT = 1000  # a paragraph


def latin(text: object) -> str:
    """Text for the PDF: one line without control characters (`exports.one_line`: line breaks
    become spaces; bare CR, NEL, U+2028/U+2029, C0/C1 controls and bidi formatting are dropped),
    in the PDF core fonts' Windows-1252 (Latin-1 with "€"; a narrow no-break space, as French
    groups digits, as a no-break space)."""
    text = one_line(text).translate(_LATIN)
    return text.encode("cp1252", "replace").decode("cp1252")


def fit(text: object, limit: int) -> str:
    """`latin(text)` of at most `limit` characters, cut with "..."."""
    out = latin(text)
    return out if len(out) <= limit else out[: limit - 3].rstrip() + "..."


def fmt(value: object) -> str:
    """A table cell or score in the current language ("61.3"; "61,3" in Spanish)."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return _("n/a")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if not isinstance(value, float):
        return str(value)
    return narrative.one_decimal(value) if i18n.current() == i18n.SOURCE else i18n.score(value)


# The column headers of the report's tables (wording.narrative's tables, the series table): said in
# the report's language where shown; the cells are data or sentences and stay as built.
COLUMNS = (
    N_("Product model"), N_("Asked for"), N_("Due"), N_("By the deadline"), N_("Now"), N_("Credit"),
    N_("Weight"), N_("Points"), N_("Factory"), N_("Opened"), N_("Status"), N_("Age (days)"),
    N_("Most severe finding"), N_("Score"), N_("Findings verified"), N_("Quarter end"), N_("Version"),
    N_("Why"), N_("Evidence"), N_("Company"), N_("Trend"), N_("SCT"), N_("FI"), N_("Code area"), N_("Severity"),
    N_("Evidence submitted"), N_("Source"), N_("Disputed"), N_("Expectation"), N_("Target"),
    N_("Value at the date"), N_("Note"),
)  # fmt: skip
N_("Confidential: for affiliates and the company concerned.")  # data.exports.spreadsheet.CONFIDENTIAL


_OF = re.compile(r"(.+) \(of ([0-9.]+)\)")  # a case's points header: "Acknowledged (of 10)"


def _header(column: object) -> object:
    """A column header in the current language ("Acknowledged (of 10)" -> "Acuse de recibo (de 10)")."""
    if not isinstance(column, str):
        return column
    points = _OF.fullmatch(column)
    if points:
        return _("{header} (of {maximum})").format(header=_(points[1]), maximum=points[2])
    return _(column)


def _columns(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with its column headers in the current language."""
    return frame.rename(columns=_header)


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
    # wording.disputes.report_lines: the points the company disputes, under review (right of
    # reply; those this account may see, none in presentation mode)
    disputed: list[str] = field(default_factory=list)
    language: str = field(default_factory=i18n.current)  # the language it was built in and is drawn in


def disputed_note() -> str:
    """What the report says above the disputed points (in the report's language)."""
    return _(
        "The company disputes these points (right of reply). Staff are reviewing them; until they decide, "
        "the score counts the evidence as recorded."
    )


def build_company_report(company: str, company_id: str, why, series: pd.DataFrame, open_findings: pd.DataFrame,
                         methodology_label: str, fictional: bool, peer: str = "", *, evidence,
                         names: narrative.Names | None = None, changes: list[str] | None = None,
                         actions: pd.DataFrame | None = None, plan=None,
                         expectations: pd.DataFrame | None = None,
                         sources: list[str] | None = None,
                         disputed: list[str] | None = None) -> CompanyReport:  # fmt: skip
    """A CompanyReport from the scoring explanation (`scoring.explain`), the company's evidence
    and series, and optionally the change sentences and the improvement actions and plan
    (`scoring.actions`, `scoring.next_band`)."""
    names = names or narrative.Names({}, {})
    requests, _left = narrative.request_table(why, evidence, names)
    cases, _left = narrative.case_table(why, evidence, names)
    improve: list[str] = []
    if plan is not None:
        steps = narrative.next_band_sentences(plan, why.overall, names)
        improve += [steps[0]] + [f"{i}. {line}" for i, line in enumerate(steps[1:], start=1)]
    if actions is not None and not actions.empty:
        improve += [_("The largest gains, one action at a time:")]
        improve += [f"- {line}" for line in narrative.action_sentences(actions.head(5), names)]
    return CompanyReport(
        company=company, company_id=company_id, as_of=why.as_of, methodology=why.methodology,
        methodology_label=methodology_label, sct=why.sct, fi=why.fi, overall=why.overall, band=why.band,
        series=series, requests=requests, cases=cases,
        open_findings=narrative.open_findings_table(open_findings),
        overdue_requests=narrative.overdue_table(why, names), fictional=fictional, peer=peer,
        why=narrative.why_summary(why, evidence), changes=list(changes or []), improve=improve,
        expectations=expectations, sources=list(sources or []), disputed=list(disputed or []),
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
            _("no Chromium on this server to draw the chart, so the quarterly scores are shown as a table"),
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
            _("the chart could not be drawn ({}), so the quarterly scores are shown as a table").format(
                type(exc).__name__
            ),
        )
    finally:
        # Not `with`: leaving a `with` block waits for the thread, so a hung browser would
        # hold the download forever; the timeout above is the longest a user waits.
        pool.shutdown(wait=False, cancel_futures=True)


class _Pdf(FPDF):
    def __init__(self, title: str, fictional: bool) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.core_fonts_encoding = "windows-1252"  # Latin-1 and "€" (latin() above)
        self.doc_title = title
        self.fictional = fictional
        self.set_auto_page_break(auto=True, margin=18)
        self.set_title(fit(title, LINE_LIMIT))

    def header(self) -> None:
        self.set_font("Helvetica", "B", 9)
        self.set_text_color(150, 0, 0)
        self.cell(0, 5, latin(_(CONFIDENTIAL)), new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(0, 0, 0)
        self.ln(2)

    def footer(self) -> None:
        self.set_y(-13)
        self.set_font("Helvetica", "", 8)
        note = " " + _("Fictional demo data.") if self.fictional else ""
        title = fit(self.doc_title, 60)
        page = _("{} - page {}.").format(title, self.page_no())
        self.cell(0, 5, latin(f"{page}{note} {_(CONFIDENTIAL)}"), align="C")

    def heading(self, text: str, size: int = 13) -> None:
        self.set_font("Helvetica", "B", size)
        self.multi_cell(0, 7, fit(text, LINE_LIMIT), new_x="LMARGIN", new_y="NEXT")
        self.set_font("Helvetica", "", 10)

    def para(self, text: str) -> None:
        self.set_font("Helvetica", "", 10)
        self.multi_cell(0, 5, fit(text, TEXT_LIMIT), new_x="LMARGIN", new_y="NEXT")

    def frame(self, frame: pd.DataFrame, widths: tuple[int, ...] | None = None, size: int = 8) -> None:
        if frame.empty:
            self.para(_("None."))
            return
        frame = _columns(frame)
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
    out["as_of"] = [i18n.day(d) for d in pd.to_datetime(out["as_of"])]
    out["band"] = [_(b) if isinstance(b, str) else _("n/a") for b in out["band"]]
    return out.rename(columns={"as_of": "Quarter end", "methodology": "Version", "sct": "SCT", "fi": "FI",
                               "overall": "Overall", "band": "Band"})  # fmt: skip


def company_report_pdf(report: CompanyReport, fig: go.Figure) -> bytes:
    """The scoring report of one company at one date (A4, several pages), in the report's language."""
    with i18n.use(report.language):
        return _company_report_pdf(report, fig)


def _company_report_pdf(report: CompanyReport, fig: go.Figure) -> bytes:
    title = _("CPT scoring report: {}").format(report.company)
    pdf = _Pdf(title, report.fictional)
    pdf.add_page()
    pdf.heading(title, 16)
    pdf.para(
        _("As of {}. Methodology {} ({}). Generated {}.").format(
            i18n.day(report.as_of), report.methodology, report.methodology_label, i18n.day(report.generated)
        )
    )
    pdf.ln(2)
    scores = pd.DataFrame([{_(labels.SCORE_LABELS["sct"]): report.sct, _(labels.SCORE_LABELS["fi"]): report.fi,
                            _(labels.SCORE_LABELS["overall"]): report.overall,
                            _("Band"): _(report.band) if report.band else _("n/a")}])  # fmt: skip
    pdf.frame(scores, size=11)
    if report.peer:
        pdf.para(report.peer)
        pdf.ln(2)
    if report.why or report.changes:
        pdf.heading(_("Why this score"))
        for line in report.why:
            pdf.para(line)
        if report.changes:
            pdf.ln(1)
            for line in report.changes:
                pdf.para(line)
        pdf.ln(2)
    pdf.heading(_("Trajectory"))
    png, reason = chart_image(fig)
    if png is not None:
        pdf.image(io.BytesIO(png), w=pdf.epw)
    else:
        pdf.para(_("Note: {}.").format(reason))
        pdf.frame(_series_table(report.series))
    if report.improve:
        pdf.heading(_("How to improve"))
        for line in report.improve:
            pdf.para(line)
        pdf.ln(2)
    if report.expectations is not None:
        pdf.heading(_("What affiliates expect, by when"))
        if report.expectations.empty:
            pdf.para(_("None recorded that this account may see."))
        else:
            pdf.para(
                _(
                    "Status as of {}: scores and bands at quarter ends under the methodology "
                    "in force; actions by their evidence to date."
                ).format(i18n.day(report.as_of))
            )
            pdf.frame(report.expectations, widths=(30, 22, 50, 18, 16, 16, 38))
    pdf.heading(_("Disclosure requests that count (SCT)"))
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
    pdf.heading(_("Monitoring cases that count (FI)"))
    case_columns = ["Factory", "Opened", "Status", "Age (days)", "Most severe finding", "Weight", "Score",
                    "Findings verified"]  # fmt: skip
    pdf.frame(
        report.cases[[c for c in case_columns if c in report.cases]], widths=(50, 20, 28, 16, 22, 14, 14, 20)
    )
    if report.disputed:
        pdf.heading(_("Disputed by the company"))
        pdf.para(disputed_note())
        for line in report.disputed:
            pdf.para(f"- {line}")
    if report.sources:
        pdf.heading(_("Source documents"))
        pdf.para(_("The documents the evidence above rests on (in the dashboard: a link on each row)."))
        for line in report.sources:
            pdf.para(f"- {line}")
    pdf.heading(_("Open findings (not verified as remedied)"))
    pdf.frame(report.open_findings)
    pdf.heading(_("Overdue disclosure requests (no response by now)"))
    pdf.frame(report.overdue_requests)
    return bytes(pdf.output())


def report_tables(report: CompanyReport) -> dict[str, pd.DataFrame]:
    """The report's tables for the HTML version, headed in the report's language."""
    with i18n.use(report.language):
        tables = {
            _("Why this score: disclosure requests (SCT)"): report.requests,
            _("Why this score: monitoring cases (FI)"): report.cases,
        }
        if report.expectations is not None:
            tables[_("What affiliates expect, by when (status as of {})").format(i18n.day(report.as_of))] = (
                report.expectations
            )
        return tables | {
            _("Open findings"): report.open_findings,
            _("Overdue disclosure requests"): report.overdue_requests,
            _("Scores per quarter end"): _series_table(report.series),
        }


def company_report_html(report: CompanyReport, fig: go.Figure, tables: dict[str, pd.DataFrame]) -> str:
    """The same report as one self-contained HTML file (plotly.js inlined: opens offline), in the
    report's language."""
    with i18n.use(report.language):
        return _company_report_html(report, fig, tables)


def _company_report_html(report: CompanyReport, fig: go.Figure, tables: dict[str, pd.DataFrame]) -> str:
    import html

    title = html.escape(_("CPT scoring report: {}").format(report.company))
    lang = "" if report.language == i18n.SOURCE else f" lang='{report.language}'"
    parts = [
        f"<!doctype html><html{lang}><head><meta charset='utf-8'>",
        f"<title>{title}</title>",
        "<style>body{font-family:Arial,sans-serif;margin:2em;max-width:1100px}"
        "table{border-collapse:collapse;font-size:13px;margin-bottom:1.5em}td,th{border:1px solid #ccc;"
        "padding:3px 6px}.conf{color:#900;font-weight:bold}</style></head><body>",
        f"<p class='conf'>{html.escape(_(CONFIDENTIAL))}</p>",
        f"<h1>{title}</h1>",
        "<p>"
        + html.escape(
            _("As of {}. Methodology {} ({}). Generated {}.").format(
                i18n.day(report.as_of),
                report.methodology,
                report.methodology_label,
                i18n.day(report.generated),
            )
        )
        + (html.escape(" " + _("Fictional demo data.")) if report.fictional else "")
        + "</p>",
        f"<p><b>{html.escape(_('SCT'))}</b> {fmt(report.sct)} &middot; <b>{html.escape(_('FI'))}</b> {fmt(report.fi)} "
        f"&middot; <b>{html.escape(_('Overall'))}</b> {fmt(report.overall)} &middot; <b>{html.escape(_('Band'))}</b> "
        f"{html.escape(_(report.band) if report.band else _('n/a'))}</p>",
        f"<p>{html.escape(report.peer)}</p>" if report.peer else "",
    ]
    for heading, lines in (
        (_("Why this score"), report.why + report.changes),
        (_("How to improve"), report.improve),
        (_("Disputed by the company"), [disputed_note()] + report.disputed if report.disputed else []),
        (_("Source documents"), report.sources),
    ):
        if lines:
            parts.append(f"<h2>{html.escape(heading)}</h2>")
            parts += [f"<p>{html.escape(line)}</p>" for line in lines]
    parts += [
        fig.to_html(full_html=False, include_plotlyjs=True),
    ]
    for heading, frame in tables.items():
        parts.append(f"<h2>{html.escape(heading)}</h2>")
        parts.append(
            _columns(frame).to_html(index=False, na_rep=_("n/a"), escape=True)
            if not frame.empty
            else f"<p>{html.escape(_('None.'))}</p>"
        )
    parts.append(f"<p class='conf'>{html.escape(_(CONFIDENTIAL))}</p></body></html>")
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
    sources: list[str] = field(default_factory=list)  # as CompanyReport.sources (none when presenting)
    disputed: list[str] = field(default_factory=list)  # as CompanyReport.disputed (none when presenting)


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

    shown = _columns(table.drop(columns=[c for c in ("company_id", "Trend") if c in table.columns]))
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
        _("SCT {} - FI {} - Overall {} - Band {}.").format(
            fmt(company.sct),
            fmt(company.fi),
            fmt(company.overall),
            _(company.band) if company.band else _("n/a"),
        )
    )
    if company.peer:
        pdf.para(company.peer)
    if company.strongest or company.weakest:
        pdf.para(
            _("Strongest component: {}. Weakest: {}.").format(
                _(company.strongest) if company.strongest else _("n/a"),
                _(company.weakest) if company.weakest else _("n/a"),
            )
        )
    pdf.ln(2)
    if company.why:
        pdf.heading(_("Why this score"), 12)
        for line in company.why:
            pdf.para(line)
        pdf.ln(2)
    for heading, note, lines in ((_("Disputed by the company"), disputed_note(), company.disputed),
                                 (_("Source documents"), _("The documents the evidence above rests on (in the dashboard: a link on each row)."), company.sources)):  # fmt: skip
        if lines:
            pdf.heading(heading, 12)
            pdf.para(note)
            for line in lines:
                pdf.para(f"- {line}")
            pdf.ln(2)
    if company.expectations:
        pdf.heading(_("What affiliates expect, by when"), 12)
        for line in company.expectations:
            pdf.para(line)
        pdf.ln(2)
    pdf.heading(_("Talking points for the meeting"), 12)
    points = company.points if company.points is not None else pd.DataFrame(columns=["Topic", "Point"])
    if points.empty:
        pdf.para(_("Nothing outstanding on record: ask how the company keeps it that way."))
    for i, (topic, point) in enumerate(points.itertuples(index=False), start=1):
        pdf.set_font("Helvetica", "B", 10)
        pdf.multi_cell(0, 5, fit(f"{i}. {topic}", LINE_LIMIT), new_x="LMARGIN", new_y="NEXT")
        pdf.para(point)
        pdf.ln(1)


def briefing_pdf(table: pd.DataFrame, as_of: date, methodology: str, fig: go.Figure | None = None,
                 fictional: bool = False, generated: date | None = None,
                 companies: list[BriefingCompany] | None = None, language: str | None = None) -> bytes:  # fmt: skip
    """The market engagement briefing: a summary page (the compared companies side by side,
    each in its chart colour, and the chart), then one page per company with its scores, why
    and the talking points for the meeting.

    `table` holds full-precision scores (they are shown with one decimal, half-up, as on
    screen) and company_id, whose order gives the colours (`theme.company_colours`). In `language`
    (default the current one): headings, scores and dates; the companies' sentences as built."""
    with i18n.use(language or i18n.current()):
        return _briefing_pdf(table, as_of, methodology, fig, fictional, generated or date.today(), companies)


def _briefing_pdf(table: pd.DataFrame, as_of: date, methodology: str, fig: go.Figure | None, fictional: bool,
                  generated: date, companies: list[BriefingCompany] | None) -> bytes:  # fmt: skip
    colours = company_colours(list(table["company_id"])) if "company_id" in table.columns else {}
    pdf = _Pdf(_("CPT market engagement briefing"), fictional)
    pdf.set_auto_page_break(auto=False)
    pdf.add_page(orientation="L")
    pdf.heading(_("Market engagement briefing"), 16)
    pdf.para(
        _("As of {}. Methodology {}. Generated {}.").format(i18n.day(as_of), methodology, i18n.day(generated))
    )
    pdf.ln(2)
    _summary_table(pdf, table, colours)
    if fig is not None:
        png, reason = chart_image(fig, width=1300, height=420)
        if png is not None:
            room = pdf.eph - pdf.get_y() + pdf.t_margin - 8
            pdf.image(io.BytesIO(png), h=max(40, room), keep_aspect_ratio=True, w=pdf.epw)
        else:
            pdf.para(_("Note: {}.").format(reason))
    pdf.set_auto_page_break(auto=True, margin=18)
    for company in companies or []:
        _company_page(pdf, company, colours.get(company.company_id))
    return bytes(pdf.output())


def notice_pdf(text: str) -> bytes:
    """A one-page PDF that says `text` (a download refused or postponed: ui/downloads.py)."""
    pdf = _Pdf(_("CPT download"), False)
    pdf.add_page()
    pdf.heading(_("CPT download"), 14)
    pdf.para(text)
    return bytes(pdf.output())
