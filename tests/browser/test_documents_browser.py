"""Source documents in a real browser (issue 23): a company account finds the link under its
Why tables and gets the PDF through `/cpt/document/<id>` with its HttpOnly session cookie;
not another company's, not a staff-only one, not from a presenting page, not signed out."""

from __future__ import annotations

from pathlib import Path

import duckdb

from tests.browser.drive import sign_in, wait_for_app


def _ids(db: Path) -> dict[str, str]:
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute(
            "SELECT visibility, company_id, min(document_id) FROM documents GROUP BY ALL"
        ).fetchall()
    return {f"{v}:{c}": d for v, c, d in rows}


def test_a_company_downloads_its_document_and_nothing_else(context, server: str, browser_db: Path) -> None:
    ids = _ids(browser_db)
    pg = context.new_page()
    sign_in(pg, server, "demo-company", path="/company")
    wait_for_app(pg)
    pg.get_by_text("Source documents").first.click()
    link = pg.locator("a[href^='/cpt/document/']").first
    link.wait_for(timeout=30_000)
    href = link.get_attribute("href")
    assert link.inner_text().startswith(
        ("Monitoring report, ", "Verification report, ", "Disclosure letter, ")
    )
    with pg.expect_download(timeout=30_000) as info:  # a click downloads it (an attachment)
        link.click()
    assert info.value.suggested_filename.endswith(".pdf")
    assert Path(info.value.path()).read_bytes().startswith(b"%PDF-")
    got = context.request.get(f"{server}{href}")
    assert got.status == 200 and got.body().startswith(b"%PDF-")
    assert got.headers["content-disposition"].startswith("attachment; filename=")
    assert got.headers["x-content-type-options"] == "nosniff" and got.headers["cache-control"] == "no-store"

    staff_only = next(d for k, d in ids.items() if k.startswith("staff:"))
    other = next(d for k, d in ids.items() if not k.endswith(":CO0010"))
    assert context.request.get(f"{server}/cpt/document/{staff_only}").status == 404
    assert context.request.get(f"{server}/cpt/document/{other}").status == 404
    assert context.request.get(f"{server}{href}?present=1").status == 403
    signed_out = context.browser.new_context()
    try:
        assert signed_out.request.get(f"{server}{href}").status == 403
    finally:
        signed_out.close()


def test_presentation_mode_shows_no_document_link(context, server: str) -> None:
    pg = context.new_page()
    sign_in(pg, server, "demo-affiliate", path="/company?company=CO0010&present=1")
    wait_for_app(pg)
    assert pg.locator("a[href^='/cpt/document/']").count() == 0
    assert "Source documents" not in pg.locator("[data-testid='stMain']").inner_text()
