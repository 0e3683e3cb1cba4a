"""A procurement officer in the browser: open a company, switch methodology, compare and download."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import duckdb
import pytest

from tests.browser.drive import click_download, wait_for_app
from wording import labels

pytestmark = pytest.mark.browser

# That every page opens by its URL without an exception, on the demo data, is checked on the
# accessibility visit of every page per role (test_a11y_browser.py), which opens them all anyway.


def test_company_link_then_methodology_switch(page, server: str, tmp_path: Path) -> None:
    page.goto(f"{server}/company?company=CO0010")
    wait_for_app(page)
    page.get_by_role("heading", name="Jovance Micro").wait_for(timeout=30_000)
    before = page.locator("[data-testid='stMetricValue']").all_inner_texts()[:3]
    page.get_by_text("v1 for all dates", exact=True).first.click()
    page.wait_for_function("() => location.search.includes('methodology=v1')", timeout=30_000)
    # The rerun finishes a moment after the URL changes: wait until the shown figures change.
    page.wait_for_function(
        "(before) => JSON.stringify([...document.querySelectorAll('[data-testid=\"stMetricValue\"]')]"
        ".slice(0, 3).map(e => e.innerText)) !== JSON.stringify(before)",
        arg=before,
        timeout=30_000,
        polling=100,
    )
    wait_for_app(page)
    after = page.locator("[data-testid='stMetricValue']").all_inner_texts()[:3]
    page.screenshot(path=str(tmp_path / "company-v1.png"))
    assert after != before
    assert page.locator("[data-testid='stException']").count() == 0


def test_compare_three_companies_and_download_csv(page, server: str, tmp_path: Path) -> None:
    page.goto(f"{server}/compare?company=CO0001,CO0007,CO0010")
    wait_for_app(page)
    page.get_by_text("Download comparison (CSV)").wait_for(timeout=30_000)
    download = click_download(page, page.get_by_text("Download comparison (CSV)"), server)
    content = Path(download.path()).read_text(encoding="utf-8")
    page.screenshot(path=str(tmp_path / "compare.png"))
    assert content.startswith("# CPT comparison as of") and "Confidential" in content
    rows = list(csv.DictReader(io.StringIO(content.split("\n", 1)[1])))
    assert [r[labels.download_header("company_id")] for r in rows] == ["CO0001", "CO0007", "CO0010"]
    assert page.locator("[data-testid='stException']").count() == 0


def test_click_a_leaderboard_row_to_open_the_company(page, server: str, browser_db: Path) -> None:
    page.goto(f"{server}/overview")
    wait_for_app(page)
    grid = page.locator("[data-testid='stDataFrame']").first
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    page.mouse.click(
        box["x"] + 16, box["y"] + 35 + 17
    )  # the first row's selection box (the grid is a canvas)
    page.wait_for_url("**/company?**", timeout=30_000)
    wait_for_app(page)
    company_id = parse_qs(urlparse(page.url).query)["company"][0]
    with duckdb.connect(str(browser_db), read_only=True) as con:
        name = con.execute("SELECT name FROM companies WHERE company_id = ?", [company_id]).fetchone()[0]
    page.get_by_role("heading", name=name).wait_for(timeout=30_000)
