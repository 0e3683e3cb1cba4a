"""Switching the language from the sidebar on the Company page (issue 25): the page speaks Dutch
and keeps the company, the date and the methodology; the choice is stored on the account."""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import duckdb
import pytest

from data.access import languages
from tests.browser.drive import running_server, sign_in, wait_for_app

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]


def test_switching_language_on_the_company_page_keeps_company_date_and_methodology(
    browser, browser_db: Path, tmp_path: Path
) -> None:
    if not (ROOT / "locales" / "nl" / "LC_MESSAGES" / "messages.mo").exists():
        pytest.fail("no compiled catalogs: run make compile-messages (make test does)")
    db = tmp_path / "language.duckdb"  # its own copy: the choice is written to the account
    shutil.copyfile(browser_db, db)
    with running_server(db) as server:
        ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-GB")
        try:
            pg = ctx.new_page()
            sign_in(pg, server, "demo-affiliate")
            pg.goto(f"{server}/company?company=CO0011&as_of=2023-06-30&methodology=v1")
            wait_for_app(pg)
            pg.get_by_role("heading", name="Why this score").wait_for(timeout=30_000)
            pg.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").filter(
                has_text="Language"
            ).click()
            pg.get_by_role("option", name="Nederlands").click()
            pg.get_by_role("heading", name="Waarom deze score").wait_for(timeout=30_000)
            wait_for_app(pg)
            params = parse_qs(urlsplit(pg.url).query)
            assert params["company"] == ["CO0011"] and params["as_of"] == ["2023-06-30"]
            assert params["methodology"] == ["v1"]
            assert pg.get_by_role("heading", name="Kelvaro Networks").count() == 1  # data as it is
            assert pg.get_by_text("Why this score").count() == 0
            assert pg.locator("[data-testid='stException']").count() == 0
        finally:
            ctx.close()
    with duckdb.connect(str(db), read_only=True) as con:
        assert languages.stored(con.cursor(), "demo-affiliate") == "nl"
