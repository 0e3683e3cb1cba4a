"""`/cpt/document/<id>` (issue 23): served by the app after checking the session and the
document's visibility at the request; an attachment with its sniffed type, nosniff, no-store;
refused signed out, to a company that does not own it, to an affiliate when staff-only, and in
presentation mode."""

from __future__ import annotations

import asyncio
from pathlib import Path

import duckdb
import pytest

from data.access import sessions
from data.importing.importer import apply_import
from tests import apptest

PDF = b"%PDF-1.4\n% fictional verification report\n%%EOF\n"


def fetch(path: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """GET `path` from serve.py's document route behind its Guard middleware (an ASGI call)."""
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.routing import Route

    import serve

    app = Starlette(
        routes=[Route("/cpt/document/{document_id}", serve.document)], middleware=[Middleware(serve.Guard)]
    )
    raw = [(b"host", b"testserver")] + [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    path_only, _, query = path.partition("?")
    scope = {"type": "http", "method": "GET", "path": path_only, "raw_path": path_only.encode(),
             "query_string": query.encode(), "headers": raw, "scheme": "http", "server": ("testserver", 80),
             "client": ("127.0.0.1", 1), "http_version": "1.1", "root_path": ""}  # fmt: skip
    sent: list[dict] = []

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    got = {k.decode().lower(): v.decode() for k, v in start["headers"]}
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], got, body


def cookie(db: Path, role: str) -> dict[str, str]:
    session_id = sessions.STORE.create(apptest.demo_user(db, role))
    return {"cookie": f"{sessions.COOKIE}={session_id}"}


@pytest.fixture
def with_documents(writable_demo_app: Path) -> tuple[Path, str, str]:
    """The demo world with three documents about the demo company's case: shared with the
    company, affiliates only, staff only; and one about another company, shared with its company."""
    db = writable_demo_app
    own = apptest.demo_user(db, "company").company_id
    with duckdb.connect(str(db), read_only=True) as con:
        case = con.execute(
            "SELECT case_id FROM cases WHERE company_id = ? ORDER BY 1 LIMIT 1", [own]
        ).fetchone()[0]
        other, other_case = con.execute(
            "SELECT company_id, case_id FROM cases WHERE company_id <> ? ORDER BY 2 LIMIT 1", [own]
        ).fetchone()
    docs = (
        "document_id,file,title,kind,date,visibility,company_id\n"
        f"T-SHARED,a.pdf,Shared report,verification_report,2025-03-14,affiliates_and_company,{own}\n"
        f"T-AFF,a.pdf,Affiliates report,monitoring_report,2025-03-14,affiliates,{own}\n"
        f"T-STAFF,a.pdf,Staff note,other,2025-03-14,staff,{own}\n"
        f"T-OTHER,a.pdf,Other company,monitoring_report,2025-03-14,affiliates_and_company,{other}\n"
    )
    links = f"document_id,evidence,case_id\nT-SHARED,cases,{case}\nT-OTHER,cases,{other_case}\n"
    plan = apply_import(db, [("documents.csv", docs.encode()), ("document_links.csv", links.encode()), ("a.pdf", PDF)], who="test")  # fmt: skip
    assert plan.applied, [str(e) for e in plan.errors]
    return db, own, other


def test_the_document_is_sent_as_an_attachment_with_its_sniffed_type(with_documents) -> None:
    db, _, _ = with_documents
    status, headers, body = fetch("/cpt/document/T-SHARED", cookie(db, "company"))
    assert status == 200 and body == PDF
    assert headers["content-type"] == "application/pdf"
    assert headers["content-disposition"] == 'attachment; filename="verification_report-2025-03-14.pdf"'
    assert headers["x-content-type-options"] == "nosniff" and headers["cache-control"] == "no-store"


@pytest.mark.parametrize(
    ("role", "document", "status"),
    [
        ("admin", "T-STAFF", 200),
        ("admin", "T-OTHER", 200),
        ("affiliate", "T-STAFF", 404),  # staff only
        ("affiliate", "T-AFF", 200),
        ("affiliate", "T-SHARED", 200),
        ("company", "T-SHARED", 200),
        ("company", "T-AFF", 404),  # not shared with the company
        ("company", "T-STAFF", 404),
        ("company", "T-OTHER", 404),  # another company's document
        ("company", "NO-SUCH", 404),
    ],
)
def test_visibility_is_checked_for_the_account(with_documents, role: str, document: str, status: int) -> None:
    db, _, _ = with_documents
    got, _, body = fetch(f"/cpt/document/{document}", cookie(db, role))
    assert got == status
    if status != 200:
        assert body != PDF and b"No such document" in body


def test_refused_signed_out_after_sign_out_and_in_presentation_mode(with_documents) -> None:
    db, _, _ = with_documents
    assert fetch("/cpt/document/T-SHARED")[0] == 403  # no cookie
    assert fetch("/cpt/document/T-SHARED", {"cookie": f"{sessions.COOKIE}=forged"})[0] == 403
    signed_in = cookie(db, "admin")
    assert fetch("/cpt/document/T-SHARED", signed_in)[0] == 200
    status, _, body = fetch("/cpt/document/T-SHARED?present=1", signed_in)
    assert status == 403 and b"presentation mode" in body
    from_presenting_page = signed_in | {"referer": "http://testserver/company?company=X&present=1"}
    assert fetch("/cpt/document/T-SHARED", from_presenting_page)[0] == 403
    assert fetch("/cpt/document/T-SHARED", signed_in | {"sec-fetch-site": "cross-site"})[0] == 403
    sessions.STORE.end(signed_in["cookie"].split("=", 1)[1])
    assert fetch("/cpt/document/T-SHARED", signed_in)[0] == 403  # the session ended: refused at once
