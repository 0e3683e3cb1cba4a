"""Browser tests: start the dashboard on a free port and drive Debian's Chromium with Playwright.

Without a browser these tests skip locally, but fail under CI=true (a missing
browser must not pass silently).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from data import demo, store

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def browser_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("browser") / "demo.duckdb"
    store.create_database(path, demo.fill_demo)
    return path


@pytest.fixture(scope="session")
def server(browser_db: Path) -> Iterator[str]:
    port = _free_port()
    env = {**os.environ, "CPT_DB": str(browser_db), "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "serve.py", "--server.headless=true",
         f"--server.port={port}", "--server.address=127.0.0.1"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                if resp.status == 200:
                    break
        except OSError:
            time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail("the dashboard did not start within 60 s: " + proc.stderr.read().decode()[-2000:])
    yield url
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="session")
def browser(tmp_path_factory: pytest.TempPathFactory):
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI") == "true":
            pytest.fail(f"no Chromium at {CHROMIUM}: CI must install Debian's chromium")
        pytest.skip("no system Chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run", "--disable-sync"],
        )  # fmt: skip
        yield b
        b.close()


@pytest.fixture
def context(browser, server: str):
    """A fresh browser profile (no cookies): one person's browser session."""
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context, server: str):
    """A page signed in as demo-affiliate."""
    pg = context.new_page()
    sign_in(pg, server, "demo-affiliate")
    return pg


def sign_in(pg, server: str, username: str, password: str = "cpt-demo", path: str = "/") -> None:
    """Open `path` signed out, fill the sign-in form and wait for the page it lands on."""
    pg.goto(f"{server}{path}")
    wait_for_app(pg)
    pg.get_by_role("textbox", name="Username").fill(username)
    pg.get_by_role("textbox", name="Password").fill(password)
    pg.get_by_role("button", name="Sign in").click()
    pg.get_by_text(f"Signed in as {username}").wait_for(timeout=30_000)
    wait_for_app(pg)
    # The session cookie is set (HttpOnly, by serve.py's route) when a small frame loads.
    assert session_cookie(pg, wait=True) is not None, "no session cookie after signing in"


def session_cookie(pg, wait: bool = False, timeout: float = 30.0) -> dict | None:
    """The cpt_session cookie of the page's browser context (HttpOnly: not in document.cookie)."""
    deadline = time.monotonic() + timeout
    while True:
        found = [c for c in pg.context.cookies() if c["name"] == "cpt_session"]
        if found or not wait or time.monotonic() > deadline:
            return found[0] if found else None
        pg.wait_for_timeout(200)


def wait_for_app(pg, timeout: float = 30_000) -> None:
    """Wait until Streamlit has drawn the page and finished running the script: something in
    the main area, and no 'Running...' status for two looks in a row (a redirect between
    pages starts a second run)."""
    pg.wait_for_selector("[data-testid='stApp']", timeout=timeout)
    pg.wait_for_function(
        "() => (document.querySelector('[data-testid=\"stMain\"]')?.innerText || '').trim().length > 0",
        timeout=timeout,
    )
    quiet = 0
    deadline = time.monotonic() + timeout / 1000
    while quiet < 2 and time.monotonic() < deadline:
        pg.wait_for_timeout(300)
        busy = pg.locator("[data-testid='stStatusWidget']").count() > 0
        quiet = 0 if busy else quiet + 1
