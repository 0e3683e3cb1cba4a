"""The company scoring report (PDF/HTML) and the briefing PDF say what the scores say."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from pypdf import PdfReader

from charts import trajectory
from data.exports import spreadsheet
from reports import report
from tests.report_build import COMPANY, build

ROOT = Path(__file__).resolve().parent.parent


def cli_row(db: Path, as_of: date, methodology: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "scoring", "--db", str(db), "--as-of", as_of.isoformat(), "--company", COMPANY,
         "--methodology", methodology, "--format", "json"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(done.stdout)[0]


def pdf_pages(payload: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(payload)).pages]


@pytest.fixture
def no_browser(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BROWSER_PATH", raising=False)
    monkeypatch.setattr(report.shutil, "which", lambda name: None)


@pytest.mark.parametrize(
    ("as_of", "methodology"), [(date(2024, 12, 31), "in-force"), (date(2021, 12, 31), "v2")]
)
def test_pdf_report_carries_name_version_date_scores_and_confidentiality(
    demo_db: Path, no_browser: None, as_of: date, methodology: str
) -> None:
    data, fig = build(demo_db, as_of, methodology)
    pages = pdf_pages(report.company_report_pdf(data, fig))
    text = "\n".join(pages)
    row = cli_row(demo_db, as_of, methodology)
    assert "Kelvaro Networks" in text
    assert f"As of {as_of:%Y-%m-%d}" in text and f"Methodology {row['methodology']}" in text
    for key in ("sct", "fi", "overall"):
        assert f"{float(row[key]):.1f}" in text, key
    assert row["band"] in text
    assert len(pages) >= 2
    assert all(spreadsheet.CONFIDENTIAL in page for page in pages)
    assert "no Chromium on this server" in text  # said why the chart is a table
    assert "Open findings" in text and "Overdue disclosure requests" in text


def test_pdf_report_under_a_pseudonym(demo_db: Path, no_browser: None) -> None:
    data, fig = build(demo_db, date(2024, 12, 31), "in-force", name="Company K")
    text = "\n".join(pdf_pages(report.company_report_pdf(data, fig)))
    assert "Company K" in text and "Kelvaro" not in text


def test_pdf_report_with_the_chart_image(demo_db: Path) -> None:
    if not shutil.which("chromium"):
        if os.environ.get("CI") == "true":
            pytest.fail("CI must install Debian's chromium: the report's chart is drawn with it")
        pytest.skip("no system Chromium to draw the chart")
    data, fig = build(demo_db, date(2024, 12, 31), "in-force")
    payload = report.company_report_pdf(data, fig)
    reader = PdfReader(io.BytesIO(payload))
    assert any(page.images for page in reader.pages)
    assert "no Chromium" not in "\n".join(p.extract_text() for p in reader.pages)


def test_a_hung_chart_drawing_costs_the_pdf_its_image_not_the_download(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A browser that never answers: the report falls back to the table after the timeout
    instead of holding the download (leaving a `with` pool would wait for the thread)."""
    import threading
    import time

    import plotly.graph_objects as go

    release = threading.Event()
    monkeypatch.setenv("BROWSER_PATH", sys.executable)  # "a browser" is there
    monkeypatch.setattr(report, "CHART_IMAGE_TIMEOUT_S", 0.5)
    monkeypatch.setattr(go.Figure, "to_image", lambda self, **kw: release.wait(30) and b"")
    started = time.monotonic()
    try:
        png, reason = report.chart_image(go.Figure())
        waited = time.monotonic() - started
    finally:
        release.set()
    assert png is None and "could not be drawn (TimeoutError)" in reason
    assert "shown as a table" in reason
    assert waited < 10, waited  # the timeout, not the hung drawing (30 s)


def test_html_report_is_self_contained(demo_db: Path) -> None:
    data, fig = build(demo_db, date(2024, 12, 31), "in-force")
    html = report.company_report_html(data, fig, report.report_tables(data))
    assert spreadsheet.CONFIDENTIAL in html and "Kelvaro Networks" in html
    assert "<script src=" not in html  # nothing fetched from the network
    assert len(html) > 3_000_000 and "Plotly.newPlot" in html  # plotly.js inlined: opens offline
    assert "Open findings" in html


def test_briefing_is_one_page(demo_db: Path, no_browser: None) -> None:
    import pandas as pd

    table = pd.DataFrame({"company_id": ["CO0001", "CO0011"], "Company": ["Auroline Systems", "Kelvaro Networks"],
                          "SCT": [88.16, 30.66], "FI": [58.27, 19.39], "Overall": [70.22, 23.89],
                          "Band": ["Good", "Insufficient"]})  # fmt: skip
    pages = pdf_pages(report.briefing_pdf(table, date(2026, 9, 30), "v2", None, fictional=True))
    assert len(pages) == 1
    text = pages[0]
    assert "Market engagement briefing" in text and "As of 2026-09-30" in text and "Methodology v2" in text
    assert spreadsheet.CONFIDENTIAL in text and "Kelvaro Networks" in text and "70.2" in text


RAW = re.compile(
    r"\b(?:CO\d{4}|FA\d{5}|PM\d{4}-\d+|RQ\d{6}|CS\d{5}|FN\d{6}|EV\d{7})\b|final_assembly|compliance_findings"
    r"|\bPARTIAL\b|DUE_DILIGENCE|\bNone\b|\bnan\b|00:00:00"
)


def test_pdf_report_speaks_in_words(demo_db: Path, no_browser: None) -> None:
    data, fig = build(demo_db, date(2024, 12, 31), "in-force")
    text = "\n".join(pdf_pages(report.company_report_pdf(data, fig)))
    assert "Why this score" in text and "disclosure requests counted" in text
    assert not RAW.findall(text), RAW.findall(text)[:5]


BRIEFING = pd.DataFrame(
    {"company_id": ["CO0001", "CO0011", "CO0007"], "Company": ["Auroline Systems", "Kelvaro Networks", "Galvotek"],
     "SCT": [84.15, 84.14999, 62.25], "FI": [58.27, 19.39, float("nan")], "Overall": [70.22, 23.89, 62.25],
     "Band": ["Good", "Insufficient", "Good"]}
)  # fmt: skip


def briefing_pages(no_browser: None) -> list[str]:
    companies = [
        report.BriefingCompany(company_id=c, name=n, sct=s, fi=f, overall=o, band=b,
                               why=[f"Why {n}"], points=pd.DataFrame({"Topic": ["Retaliation"], "Point": [f"Ask {n}"]}))
        for c, n, s, f, o, b in BRIEFING.itertuples(index=False)
    ]  # fmt: skip
    return report.briefing_pdf(BRIEFING, date(2026, 9, 30), "v2", None, fictional=True, companies=companies)


def test_briefing_has_a_summary_then_one_page_per_company(no_browser: None) -> None:
    pages = pdf_pages(briefing_pages(no_browser))
    assert len(pages) == 4
    assert "Market engagement briefing" in pages[0] and all(n in pages[0] for n in BRIEFING["Company"])
    for page, name in zip(pages[1:], BRIEFING["Company"], strict=True):
        assert (
            name in page and f"Ask {name}" in page and "Talking points" in page and "Why this score" in page
        )
        assert spreadsheet.CONFIDENTIAL in page


def test_briefing_rounds_as_the_screen_does(no_browser: None) -> None:
    from ui import controls

    summary_page = pdf_pages(briefing_pages(no_browser))[0]
    for value in (84.15, 84.14999, 62.25, 58.27, 19.39):
        assert controls.fmt_score(value) in summary_page
    assert controls.fmt_score(84.14999) == "84.1" and controls.fmt_score(84.15) == "84.2"
    assert controls.fmt_score(62.25) == "62.3"  # half-up on an exact tie, on screen and in the PDF
    assert "n/a" in summary_page  # Galvotek's FI


def _fill_colours(payload: bytes) -> set[str]:
    """The fill colours (PDF 'r g b rg' operators) drawn on the first page, as #rrggbb."""
    page = PdfReader(io.BytesIO(payload)).pages[0]
    stream = page.get_contents().get_data().decode("latin-1")
    return {
        "#{:02X}{:02X}{:02X}".format(*(round(float(v) * 255) for v in m.groups()))
        for m in re.finditer(r"([\d.]+) ([\d.]+) ([\d.]+) rg", stream)
    }


def test_briefing_marks_each_company_with_its_chart_colour(no_browser: None) -> None:
    from charts import theme

    colours = theme.company_colours(list(BRIEFING["company_id"]))
    assert len(set(colours.values())) == 3
    assert set(colours.values()) <= _fill_colours(briefing_pages(no_browser))
    fig = trajectory.compare(
        pd.DataFrame({"company_id": list(BRIEFING["company_id"]), "as_of": [pd.Timestamp("2026-09-30")] * 3,
                      "overall": [70.2, 23.9, 62.3]}),
        dict(zip(BRIEFING["company_id"], BRIEFING["Company"], strict=True)), list(BRIEFING["company_id"]),
    )  # fmt: skip
    assert [t.line.color for t in fig.data] == [colours[c] for c in BRIEFING["company_id"]]
