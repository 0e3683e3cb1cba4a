"""Browser tests: start the dashboard on a free port and drive Debian's Chromium with Playwright.

Without a browser these tests skip locally, but fail under CI=true (a missing
browser must not pass silently). The fixtures are here; the helpers they use, and that
test modules import, are in drive.py.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from data import demo
from data.store import writes
from tests.browser.drive import CHROMIUM, running_server, sign_in


@pytest.fixture(scope="session")
def browser_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("browser") / "demo.duckdb"
    writes.create(path, demo.fill_demo)
    return path


@pytest.fixture(scope="session")
def server(browser_db: Path) -> Iterator[str]:
    with running_server(browser_db) as url:
        yield url


@pytest.fixture(scope="session")
def hostile_browser_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hostile world (tests/hostile_world.py): names full of punctuation, Markdown, HTML,
    URLs, formulas and control characters; one per session, its server shared by the hostile
    checks and the presentation checks (both only sign in and read)."""
    from tests.hostile_world import build_hostile_db

    return build_hostile_db(tmp_path_factory.mktemp("hostile-browser") / "hostile.duckdb")


@pytest.fixture(scope="session")
def hostile_server(hostile_browser_db: Path) -> Iterator[str]:
    with running_server(hostile_browser_db) as url:
        yield url


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
