"""Source documents shown where the evidence is (issue 23): a document attached by import is a
link ("Monitoring report, 2025-03-14") on the Company page's Why row and on the factory page's
case, for the accounts that may open it; never in presentation mode; named in the report."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from data import demo
from data.importing.importer import apply_import
from tests import apptest

PDF = b"%PDF-1.4\n% fictional monitoring report\n%%EOF\n"
LABEL = "Monitoring report, 2025-03-14"


@pytest.fixture
def attached(writable_demo_app: Path) -> tuple[Path, str]:
    """Two documents about every case of the demo company: one shared with the company, one
    for staff only (a later date, so it would be the newest link if it were shown)."""
    db = writable_demo_app
    with duckdb.connect(str(db), read_only=True) as con:
        cases = [c for (c,) in con.execute("SELECT case_id FROM cases WHERE company_id = ? ORDER BY 1", [demo.DEMO_COMPANY]).fetchall()]  # fmt: skip
        factory = con.execute("SELECT factory_id FROM cases WHERE case_id = ?", [cases[0]]).fetchone()[0]
    docs = (
        "document_id,file,title,kind,date,visibility,company_id\n"
        f"T-MR,report.pdf,Audit of the assembly line,monitoring_report,2025-03-14,affiliates_and_company,{demo.DEMO_COMPANY}\n"
        f'T-STAFF,report.pdf,"Internal note [x](javascript:alert(1)) <img src=x>",other,2025-04-01,staff,{demo.DEMO_COMPANY}\n'
    )
    links = "document_id,evidence,case_id\n" + "".join(f"T-MR,cases,{c}\nT-STAFF,cases,{c}\n" for c in cases)
    files = [("documents.csv", docs.encode()), ("document_links.csv", links.encode()), ("report.pdf", PDF)]
    plan = apply_import(db, files, who="test")
    assert plan.applied, [str(e) for e in plan.errors]
    return db, factory


def _cells(at, column: str) -> list[str]:
    out = []
    for df in at.dataframe:
        if column in df.value.columns:
            out += [str(v) for v in df.value[column]]
    return out


def _everything(at) -> str:
    text = [str(m.value) for m in at.markdown] + [df.value.to_csv() for df in at.dataframe]
    return "\n".join(text)


@pytest.mark.parametrize("role", ["admin", "affiliate", "company"])
def test_the_why_row_links_its_document(attached, role: str) -> None:
    at = apptest.open_page("company", role=role, company=demo.DEMO_COMPANY)
    assert not at.exception, [e.value for e in at.exception]
    sources = [s for s in _cells(at, "Source") if s]
    assert sources, "no Why row shows its source"
    shared = f"/cpt/document/T-MR#{LABEL}"
    if role == "admin":  # staff see the newer staff-only note first, the other below
        assert "/cpt/document/T-STAFF#Other document, 2025-04-01 (+1 more below)" in sources
    else:  # (some demo documents are newer on some cases)
        assert shared in sources
        assert "T-STAFF" not in _everything(at)
    listing = "\n".join(str(m.value) for m in at.markdown)
    assert "(/cpt/document/T-MR)" in listing and "Audit of the assembly line" in listing
    if role == "admin":  # a title is text: escaped, never a link or HTML
        assert r"Internal note \[x\]\(javascript" in listing and r"\<img src=x\>" in listing
        assert not re.search(r"(?<!\\)\[x(?<!\\)\]|(?<!\\)<img", listing)


def test_presentation_mode_links_no_document(attached) -> None:
    at = apptest.open_page("company", role="affiliate", company=demo.DEMO_COMPANY, present="1")
    assert not at.exception, [e.value for e in at.exception]
    assert not _cells(at, "Source")
    assert "/cpt/document" not in _everything(at)


def test_the_factory_page_links_the_cases_document(attached) -> None:
    db, factory = attached
    at = apptest.open_page("factory", role="affiliate", factory=factory)
    assert not at.exception, [e.value for e in at.exception]
    assert f"/cpt/document/T-MR#{LABEL}" in _cells(at, "source")
    presenting = apptest.open_page("factory", role="affiliate", factory=factory, present="1")
    assert not presenting.exception
    assert "/cpt/document" not in _everything(presenting)


def _pdf_text(payload: bytes) -> str:
    import io

    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(payload)).pages)


def test_the_report_names_the_documents_the_account_may_open(attached) -> None:
    at = apptest.open_page("company", role="company", company=demo.DEMO_COMPANY)
    assert not at.exception, [e.value for e in at.exception]
    text = " ".join(_pdf_text(apptest.download(at, "download_report_pdf")).split())
    assert "Source documents" in text
    assert f"{LABEL}: Audit of the assembly line" in text
    assert "Internal note" not in text  # staff only
    html = apptest.download(at, "download_report_html").decode()
    assert f"{LABEL}: Audit of the assembly line" in html
