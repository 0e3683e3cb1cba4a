"""Signing in, once per browser session, and what a company account can reach by typing links."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from tests.browser.conftest import sign_in, wait_for_app

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    ("username", "lands_on"),
    [
        ("demo-admin", "Company leaderboard"),
        ("demo-affiliate", "Company leaderboard"),
        ("demo-company", "Jovance Micro"),
    ],
)
def test_each_demo_account_signs_in(
    context, server: str, username: str, lands_on: str, tmp_path: Path
) -> None:
    pg = context.new_page()
    sign_in(pg, server, username)
    pg.get_by_role("heading", name=lands_on).wait_for(timeout=30_000)
    pg.screenshot(path=str(tmp_path / f"{username}.png"))
    assert pg.locator("[data-testid='stException']").count() == 0


def test_shared_link_in_a_new_tab_needs_no_second_sign_in(context, server: str) -> None:
    first = context.new_page()
    sign_in(first, server, "demo-affiliate", path="/company?company=CO0003")
    first.get_by_role("heading", name="Corvella Technologies").wait_for(timeout=30_000)
    second = context.new_page()
    second.goto(f"{server}/company?company=CO0005")
    wait_for_app(second)
    second.get_by_role("heading", name="Elstrand Digital").wait_for(timeout=30_000)
    assert second.get_by_role("button", name="Sign in").count() == 0
    second.get_by_role("button", name="Sign out").click()
    second.get_by_role("button", name="Sign in").wait_for(timeout=30_000)
    third = context.new_page()  # signing out ended the browser session
    third.goto(f"{server}/company?company=CO0005")
    wait_for_app(third)
    third.get_by_role("button", name="Sign in").wait_for(timeout=30_000)


def test_company_account_cannot_reach_other_companies(
    context, server: str, browser_db: Path, tmp_path: Path
) -> None:
    with duckdb.connect(str(browser_db), read_only=True) as con:
        names = dict(con.execute("SELECT company_id, name FROM companies").fetchall())
    pg = context.new_page()
    sign_in(pg, server, "demo-company")
    for path in ("/company?company=CO0001", "/transparency?company=CO0011", "/improvement?company=CO0024",
                 "/overview", "/compare?company=CO0001,CO0002"):  # fmt: skip
        pg.goto(f"{server}{path}")
        wait_for_app(pg)
        pg.wait_for_timeout(1000)
        wait_for_app(pg)
        text = pg.inner_text("body")
        assert "not available to your account" in text, path
        foreign = [n for cid, n in names.items() if cid != "CO0010" and n in text]
        assert foreign == [], (path, foreign)
    pg.screenshot(path=str(tmp_path / "company-refused.png"))
