"""Where a point under open dispute shows outside the Company page (issue 23, right of reply):
the factory page's cases and the scoring report (PDF and HTML) and the briefing say "disputed by
the company since <date>", never in presentation mode, never to another company. And where a
change rests on a document: What changed links it, the briefing names it."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from data import demo
from data.access import accounts, sessions
from data.importing.importer import apply_import
from data.queries import disputes
from reports import report
from tests import apptest

COMPANY = demo.DEMO_COMPANY
REASON = "The finding concerns a line closed before the audit."
MARK = re.compile(r"disputed by the company since \d{4}-\d\d-\d\d \(finding\)")
PDF = b"%PDF-1.4\n% fictional monitoring report\n%%EOF\n"
SINCE = date(2024, 12, 31)  # What changed since: a window with new cases for AF039's companies


def _ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def _pdf_text(payload: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(payload)).pages).split())


def _cells(at: AppTest) -> str:
    return "\n".join(df.value.astype(str).to_csv() for df in at.dataframe)


@pytest.fixture
def disputed(writable_demo_app: Path) -> tuple[Path, str, str]:
    """The demo company disputes a finding: (db, the finding's case, its factory)."""
    db = writable_demo_app
    with duckdb.connect(str(db), read_only=True) as con:
        points = disputes.points(con.cursor(), COMPANY)
    finding = points[points["kind"] == "finding"].iloc[0]
    disputes.open_dispute(db, company_id=COMPANY, kind="finding", key=finding["point_key"], reason=REASON,
                          who="demo-company")  # fmt: skip
    return db, str(finding["case_id"]), str(finding["factory_id"])


@pytest.mark.parametrize("role", ["admin", "affiliate"])
def test_the_factory_page_marks_the_disputed_case(disputed, role: str) -> None:
    _db, case_id, factory = disputed
    at = _ok(apptest.open_page("factory", role=role, factory=factory))
    (cases,) = [df.value for df in at.dataframe if "case_id" in df.value.columns]
    marked = cases[cases["disputed"] != ""]
    assert list(marked["case_id"]) == [case_id]
    assert MARK.fullmatch(marked["disputed"].iloc[0])
    assert REASON not in _cells(at)  # the mark, not the company's words


def test_the_factory_page_shows_no_dispute_when_presenting_or_to_another_company(disputed) -> None:
    db, _case_id, factory = disputed
    accounts.add_user(
        db, "other-company", "a-long-enough-password-1", "company", company_id="CO0001", who="t"
    )
    with duckdb.connect(str(db), read_only=True) as con:
        other = accounts.find_user(con.cursor(), "other-company")
    at = AppTest.from_file(str(apptest.ROOT / "app.py"), default_timeout=120)
    at.session_state[apptest.auth.SESSION_ID] = sessions.STORE.create(other)
    at.query_params[apptest.nav.TARGET_PARAM] = "factory"
    at.query_params["factory"] = factory
    _ok(at.run())
    assert "disputed" not in _cells(at).lower()
    at = _ok(apptest.open_page("factory", role="affiliate", factory=factory, present="1"))
    assert at.dataframe and "disputed" not in _cells(at).lower()


def test_the_report_lists_the_disputed_points_never_when_presenting(disputed) -> None:
    at = _ok(apptest.open_page("company", role="affiliate", company=COMPANY))
    text = _pdf_text(apptest.download(at, "download_report_pdf"))
    assert "Disputed by the company" in text and "Staff are reviewing them" in text
    assert re.search(r"Finding: [^:]+ case opened \d{4}-\d\d-\d\d: disputed by the company since \d{4}-\d\d-\d\d\.", text)  # fmt: skip
    html = apptest.download(at, "download_report_html").decode()
    assert re.search(r"disputed by the company since \d{4}-\d\d-\d\d\.</p>", html)
    presenting = _ok(apptest.open_page("company", role="affiliate", company=COMPANY, present="1"))
    assert "disputed" not in _pdf_text(apptest.download(presenting, "download_report_pdf")).lower()
    html = apptest.download(presenting, "download_report_html").decode().lower()
    assert (
        "disputed by the company" not in html and "dispute" not in html.split("<script")[0]
    )  # (Plotly's own code names disputed borders)


def test_the_briefing_names_the_disputed_points_and_the_documents() -> None:
    table = pd.DataFrame({"company_id": ["CO0010"], "Company": ["Jovance Micro"], "SCT": [50.0], "FI": [40.0],
                          "Overall": [45.0], "Band": ["Developing"]})  # fmt: skip
    page = report.BriefingCompany(
        company_id="CO0010", name="Jovance Micro", sct=50.0, fi=40.0, overall=45.0, band="Developing",
        why=["Why it scores so."], disputed=["Finding: wages (major) at X, case opened 2025-01-02: disputed by the company since 2026-12-01."],
        sources=["Monitoring report, 2025-03-14: Audit of the assembly line"],
    )  # fmt: skip
    text = _pdf_text(
        report.briefing_pdf(table, date(2026, 9, 30), "v2", None, fictional=True, companies=[page])
    )
    assert "Disputed by the company" in text and "disputed by the company since 2026-12-01." in text
    assert "Source documents" in text and "Monitoring report, 2025-03-14: Audit of the assembly line" in text
    plain = report.BriefingCompany(company_id="CO0010", name="Jovance Micro", sct=50.0, fi=40.0, overall=45.0,
                                   band="Developing")  # fmt: skip
    text = _pdf_text(
        report.briefing_pdf(table, date(2026, 9, 30), "v2", None, fictional=True, companies=[plain])
    )
    assert "Disputed by the company" not in text and "Source documents" not in text


def test_what_changed_links_the_document_a_change_rests_on(writable_demo_app: Path) -> None:
    db = writable_demo_app
    at = _ok(apptest.open_page("changes", role="admin"))
    _ok(at.selectbox(key="changes_affiliate").set_value("AF039").run())
    _ok(at.selectbox(key="changes_since").set_value(SINCE).run())
    (table,) = [df.value for df in at.dataframe if "change" in df.value.columns]
    # the demo's documents: a new case links its own monitoring report (not a later verification
    # report of one of its findings); a verified remediation links its verification report
    rows = dict(zip(table["item_id"], table["source"], strict=True))
    assert rows["CS00057"].startswith("/cpt/document/DOC-002#Monitoring report, ")
    assert rows["EV0000240"].startswith("/cpt/document/DOC-004#Verification report, ")
    verified = table[(table["kind"] == "remediation verified") & (table["source"] == "")]
    event_id = str(verified["item_id"].iloc[0])
    with duckdb.connect(str(db), read_only=True) as con:
        (company,) = con.execute(
            "SELECT c.company_id FROM events e JOIN cases c USING (case_id) WHERE e.event_id = ?", [event_id]
        ).fetchone()
    docs = ("document_id,file,title,kind,date,visibility,company_id\n"
            f"T-NEW,report.pdf,Verification of the remediation,verification_report,2025-03-14,affiliates,{company}\n")  # fmt: skip
    plan = apply_import(db, [("documents.csv", docs.encode()), ("report.pdf", PDF),
                             ("document_links.csv", f"document_id,evidence,event_id\nT-NEW,events,{event_id}\n".encode())],
                        who="test")  # fmt: skip
    assert plan.applied, [str(e) for e in plan.errors]
    at = _ok(apptest.open_page("changes", role="admin"))
    _ok(at.selectbox(key="changes_affiliate").set_value("AF039").run())
    _ok(at.selectbox(key="changes_since").set_value(SINCE).run())
    (shown,) = [df for df in at.dataframe if "change" in df.value.columns]
    table = shown.value
    after = dict(zip(table["item_id"], table["source"], strict=True))
    assert after[event_id] == "/cpt/document/T-NEW#Verification report, 2025-03-14"
    assert {k: v for k, v in after.items() if k != event_id} == {
        k: v for k, v in rows.items() if k != event_id
    }
    assert set(table.loc[table["kind"].isin(["score change", "band change", "newly overdue"]), "source"]) <= {
        ""
    }
    assert '"source"' in shown.proto.columns and "link" in shown.proto.columns
    presenting = _ok(apptest.open_page("changes", role="admin", present="1"))
    assert "/cpt/document" not in _cells(presenting)
