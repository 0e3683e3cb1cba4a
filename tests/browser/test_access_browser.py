"""Signing in, once per browser session, and what a company account can reach by typing links."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.browser.drive import ROOT, session_cookie, sign_in, wait_for_app

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
        pg.get_by_text("not available to your account").first.wait_for(timeout=30_000)
        wait_for_app(pg)
        text = pg.inner_text("body")
        assert "not available to your account" in text, path
        foreign = [n for cid, n in names.items() if cid != "CO0010" and n in text]
        assert foreign == [], (path, foreign)
    pg.screenshot(path=str(tmp_path / "company-refused.png"))


# ---------------------------------------------------------------- sessions that really end


def _cli(db: Path, *args: str, stdin: str = "") -> None:
    done = subprocess.run([sys.executable, "-m", "data", *args, "--db", str(db)], cwd=ROOT, input=stdin,
                          capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 0, done.stderr


def _on_sign_in_form(pg, server: str, path: str) -> None:
    pg.goto(f"{server}{path}")
    wait_for_app(pg)
    pg.get_by_role("button", name="Sign in").wait_for(timeout=30_000)
    assert pg.get_by_text("Signed in as").count() == 0


def test_the_session_cookie_is_http_only_strict_and_random(context, server: str) -> None:
    pg = context.new_page()
    sign_in(pg, server, "demo-affiliate")
    cookie = session_cookie(pg)
    assert cookie["httpOnly"] is True and cookie["sameSite"] == "Strict" and cookie["path"] == "/"
    assert len(cookie["value"]) >= 40 and "demo" not in cookie["value"]
    assert "cpt_session" not in pg.evaluate("() => document.cookie")  # scripts cannot read it


def test_a_cookie_copied_before_sign_out_does_not_sign_in_afterwards(browser, context, server: str) -> None:
    pg = context.new_page()
    sign_in(pg, server, "demo-affiliate", path="/company?company=CO0003")
    copied = session_cookie(pg)
    thief = browser.new_context()
    try:
        thief.add_cookies([copied])
        stolen = thief.new_page()
        stolen.goto(f"{server}/company?company=CO0005")
        wait_for_app(stolen)
        stolen.get_by_role("heading", name="Elstrand Digital").wait_for(
            timeout=30_000
        )  # valid until sign-out
        pg.get_by_role("button", name="Sign out").click()
        pg.get_by_role("button", name="Sign in").wait_for(timeout=30_000)
        replay = browser.new_context()  # a fresh browser with the cookie copied before sign-out
        try:
            replay.add_cookies([copied])
            _on_sign_in_form(replay.new_page(), server, "/company?company=CO0005")
        finally:
            replay.close()
        _on_sign_in_form(stolen, server, "/company?company=CO0005")  # and the copy already open
    finally:
        thief.close()
    assert session_cookie(pg) is None  # the sign-out also removed the cookie from this browser


def _open_tab_of(context, server: str, browser_db: Path, username: str):
    _cli(browser_db, "users", "add", username, "--role", "affiliate", "--affiliate", "AF001",
         stdin="a-long-password\n")  # fmt: skip
    pg = context.new_page()
    sign_in(pg, server, username, password="a-long-password")
    pg.get_by_role("heading", name="Company leaderboard").wait_for(timeout=30_000)
    return pg


def _next_run_lands_on_sign_in(pg) -> None:
    pg.get_by_role("link", name="Supplier transparency").click()  # any interaction runs the script
    pg.get_by_role("button", name="Sign in").wait_for(timeout=30_000)
    assert pg.get_by_text("Signed in as").count() == 0
    assert pg.get_by_text("session has ended").count() == 1


def test_removing_the_account_by_the_cli_ends_its_open_tab(context, server: str, browser_db: Path) -> None:
    pg = _open_tab_of(context, server, browser_db, "temp.removed")
    _cli(browser_db, "users", "remove", "temp.removed")
    _next_run_lands_on_sign_in(pg)


def test_a_password_change_by_the_cli_ends_the_open_tab(context, server: str, browser_db: Path) -> None:
    pg = _open_tab_of(context, server, browser_db, "temp.passwd")
    _cli(browser_db, "users", "passwd", "temp.passwd", stdin="another-long-password\n")
    _next_run_lands_on_sign_in(pg)
    _cli(browser_db, "users", "remove", "temp.passwd")
