"""A webinar presenter: presentation mode on every page, no real name in the page; report and briefing."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from pypdf import PdfReader

from tests.browser.conftest import wait_for_app

pytestmark = pytest.mark.browser

PAGES = ["overview", "company?company=CO0011", "compare?company=CO0001,CO0011,CO0007", "transparency",
         "improvement", "methodology", "contracts", "factory", "changes?since=2024-12-31"]  # fmt: skip


@pytest.fixture(scope="module")
def real_names(browser_db: Path) -> list[str]:
    with duckdb.connect(str(browser_db), read_only=True) as con:
        return [n for (n,) in con.execute(
            "SELECT name FROM companies UNION ALL SELECT legal_name FROM factories "
            "UNION ALL SELECT name FROM affiliates UNION ALL SELECT name FROM product_models").fetchall()]  # fmt: skip


def test_presentation_mode_shows_no_real_name(
    page, server: str, real_names: list[str], tmp_path: Path
) -> None:
    for path in PAGES:
        sep = "&" if "?" in path else "?"
        page.goto(f"{server}/{path}{sep}present=1")
        wait_for_app(page)
        html = page.content()
        leaks = [n for n in real_names if n in html or n.replace("&", "&amp;") in html]
        page.screenshot(path=str(tmp_path / f"present-{path.split('?')[0]}.png"))
        assert leaks == [], (path, leaks[:5])
        assert page.locator("[data-testid='stException']").count() == 0, path


def test_download_report_and_briefing_in_presentation_mode(page, server: str, real_names: list[str]) -> None:
    page.goto(f"{server}/company?company=CO0011&present=1")
    wait_for_app(page)
    page.get_by_role("heading", name="Company K").wait_for(timeout=30_000)
    with page.expect_download(timeout=120_000) as download:
        page.get_by_text("Download report (PDF)").click()
    assert "Kelvaro" not in download.value.suggested_filename
    text = "\n".join(p.extract_text() for p in PdfReader(download.value.path()).pages)
    assert "Company K" in text and "Confidential" in text
    assert [n for n in real_names if n in text] == []

    page.goto(f"{server}/compare?company=CO0001,CO0011&present=1")
    wait_for_app(page)
    with page.expect_download(timeout=120_000) as download:
        page.get_by_text("Download one-page briefing (PDF)").click()
    reader = PdfReader(download.value.path())
    text = reader.pages[0].extract_text()
    assert len(reader.pages) == 1 and "Company A" in text and "Company K" in text
    assert [n for n in real_names if n in text] == []
