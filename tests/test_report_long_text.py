"""Long text in the PDF report and briefing is wrapped and cut to fit (issue 11, item 10):
a 4,000-character company or factory name or note must not break the PDF."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from pypdf import PdfReader

from data.exports import spreadsheet
from reports import report
from tests.hostile_world import CONTROL, HTML_LINK, LONG_RUN, LONG_WORDS
from tests.report_build import build


@pytest.fixture
def no_browser(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BROWSER_PATH", raising=False)
    monkeypatch.setattr(report.shutil, "which", lambda name: None)


def pdf_text(payload: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(payload)).pages]


@pytest.mark.parametrize("name", [LONG_RUN, LONG_WORDS])
def test_company_report_with_4000_character_names(demo_db: Path, no_browser: None, name: str) -> None:
    data, fig = build(demo_db, date(2024, 12, 31), "in-force", name=name)
    findings = data.open_findings
    assert not findings.empty
    findings["Factory"] = [LONG_RUN if i % 2 else LONG_WORDS for i in range(len(findings))]
    data.cases = data.cases.assign(case_id=LONG_RUN[:64])
    pages = pdf_text(report.company_report_pdf(data, fig))
    text = "\n".join(pages)
    assert all(spreadsheet.CONFIDENTIAL in page for page in pages)
    assert name[:40] in text.replace("\n", "") and "..." in text  # the name starts the title, cut
    assert "Open findings" in text
    assert len(pages) < 12


def test_company_report_html_escapes_the_name_in_text_and_chart(demo_db: Path, no_browser: None) -> None:
    for name in ("Corvella " + HTML_LINK, LONG_WORDS + HTML_LINK):
        data, fig = build(demo_db, date(2024, 12, 31), "in-force", name=name)
        html = report.company_report_html(data, fig, report.report_tables(data))
        assert "<a href=https://evil.example" not in html
        assert "&lt;a href=https://evil.example&gt;" in html  # the heading shows the characters
        assert "<a " not in fig.layout.title.text  # so does the chart (Plotly reads its titles as HTML)
    data, fig = build(demo_db, date(2024, 12, 31), "in-force", name="Corvella " + HTML_LINK)
    assert fig.layout.title.text.startswith("Corvella &lt;a href=https://evil.example&gt;")


def test_briefing_with_4000_character_names_stays_one_page(no_browser: None) -> None:
    table = pd.DataFrame({"company_id": ["CO1", "CO2", "CO3"], "Company": [LONG_RUN, LONG_WORDS, CONTROL],
                          "SCT": [88.16, 30.66, None], "FI": [58.27, 19.39, 1.0], "Overall": [70.22, 23.89, 1.0],
                          "Band": ["Good", "Insufficient", "Insufficient"]})  # fmt: skip
    pages = pdf_text(report.briefing_pdf(table, date(2026, 9, 30), "v2", None, fictional=True))
    assert len(pages) == 1
    assert "Market engagement briefing" in pages[0] and spreadsheet.CONFIDENTIAL in pages[0]
    assert "70.2" in pages[0]
