"""No control character from the data reaches a calendar, CSV, Excel or PDF file (issue 20, item 8).

The icalendar library escapes only CRLF and LF: a bare carriage return in a company or
product name started a new content line inside SUMMARY (`END:VEVENT`, `ATTENDEE:`, `URL:`).
Every text a download writes goes through `data.exports.spreadsheet.one_line`."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pandas as pd
import pytest
from icalendar import Calendar
from openpyxl import load_workbook
from pypdf import PdfReader

from data.exports import ical, spreadsheet
from reports import report

# Bare CR, CRLF-free breaks, VT, FF, NEL, LINE/PARAGRAPH SEPARATOR, ESC, BEL, C1, RLO.
INJECTION = "Evil Co\rEND:VEVENT\rATTENDEE:mailto:boss@example.org\rURL:https://evil.example\rX"
NASTY = (
    "Alpha\rBeta\x0bGamma\x0cDelta\x85Eps\u2028Zeta\u2029Eta\x1b[31mTheta\x07\x9bIota\u202eKappa\nLambda\tMu"
)
CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e]")


def deadline(company: str, model: str) -> pd.DataFrame:
    return pd.DataFrame(
        [{"due_on": date(2026, 12, 31), "state": "overdue", "company": company, "product_model": model,
          "scope": "final_assembly", "request_id": "RQ1", "contracts": "K1"}]
    )  # fmt: skip


def content_lines(payload: bytes) -> list[str]:
    """The calendar's content lines, unfolded (RFC 5545 3.1)."""
    text = payload.decode("utf-8").replace("\r\n ", "").replace("\r\n\t", "")
    return text.split("\r\n")


@pytest.mark.parametrize("name", [INJECTION, NASTY])
def test_ics_summary_holds_no_injected_line(name: str) -> None:
    payload = ical.deadlines_ics(deadline(name, name), date(2026, 12, 1))
    lines = content_lines(payload)
    assert sum(line == "END:VEVENT" for line in lines) == 1
    assert not any(line.startswith(("ATTENDEE", "URL")) for line in lines)
    assert "\r" not in payload.decode("utf-8").replace("\r\n", "")  # only CRLF line ends
    events = [c for c in Calendar.from_ical(payload).walk() if c.name == "VEVENT"]
    assert len(events) == 1
    summary = str(events[0]["SUMMARY"])
    assert not CONTROLS.search(summary) and "\n" not in summary
    if name == INJECTION:
        assert "Evil Co END:VEVENT ATTENDEE:mailto:boss@example.org" in summary  # shown as text, on one line


def test_csv_cells_hold_no_control_character() -> None:
    frame = pd.DataFrame({"company": [NASTY, "\r=1+1"], "n": [1, 2]})
    payload = spreadsheet.to_csv(frame, "a header\rwith a break\x85")
    text = payload.decode("utf-8")
    header, body = text.split("\n", 1)
    assert not CONTROLS.search(text)
    assert header == "# a header with a break "
    rows = list(csv.reader(io.StringIO(body)))
    assert len(rows) == 3  # column names and two rows: nothing added
    assert rows[1][0].startswith("Alpha Beta Gamma Delta Eps Zeta Eta")
    assert rows[2][0] == "' =1+1"  # still guarded as a formula


def test_excel_cells_hold_no_control_character() -> None:
    frame = pd.DataFrame({"company": [NASTY], "n": [1]})
    book = load_workbook(io.BytesIO(spreadsheet.to_xlsx(frame, "header\u2028line", "S")))
    values = [c.value for row in book.active.iter_rows() for c in row if isinstance(c.value, str)]
    assert values and not any(CONTROLS.search(v) or "\n" in v or "\ufffd" in v for v in values)


def test_pdf_text_holds_no_control_character(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BROWSER_PATH", raising=False)
    monkeypatch.setattr(report.shutil, "which", lambda name: None)
    table = pd.DataFrame({"company_id": ["CO1", "CO2"], "Company": [NASTY, "Plain"], "SCT": [50.0, 40.0],
                          "FI": [50.0, 40.0], "Overall": [50.0, 40.0], "Band": ["Developing", "Developing"]})  # fmt: skip
    payload = report.briefing_pdf(table, date(2026, 9, 30), "v2", None, fictional=True)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(payload)).pages)
    assert not CONTROLS.search(text)
    assert "Delta Eps Zeta Eta" in " ".join(text.split())  # breaks became spaces, not "?" or nothing
    assert "?" not in text
    assert report.latin(NASTY) == "Alpha Beta Gamma Delta Eps Zeta Eta[31mThetaIotaKappa Lambda Mu"
