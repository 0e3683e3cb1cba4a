"""Driving the dashboard in a browser: start it on a free port (`running_server`), sign in,
wait until a page has settled, click a download. The fixtures that use these are in
conftest.py; test modules import these helpers from here (never from conftest)."""

from __future__ import annotations

import contextlib
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

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


SERVER_LOGS: dict[str, Path] = {}


def server_log(url: str, chars: int = 3000) -> str:
    """The end of the log of the test server at `url` (for a failure message)."""
    path = SERVER_LOGS.get(url)
    return path.read_text(errors="replace")[-chars:] if path and path.exists() else "(no server log)"


def click_download(pg, button, server: str, timeout_ms: int = 180_000):
    """Click a download button and return the Download; when none comes, fail with what
    the user saw (the button's error) and the end of the server's log."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    label = button.inner_text()
    try:
        with pg.expect_download(timeout=timeout_ms) as info:
            button.click()
        return info.value
    except PlaywrightTimeout:
        errors = pg.locator("[data-testid='stDownloadButtonError']").all_inner_texts()
        pytest.fail(f"no download from {label!r} on {pg.url} in {timeout_ms / 1000:.0f} s; "
                    f"the page says {errors}; server log:\n{server_log(server)}")  # fmt: skip


@contextlib.contextmanager
def running_server(db: Path) -> Iterator[str]:
    """The dashboard on `db` on a free port, as `make run` starts it; its log beside `db`
    (a file: a pipe nobody reads would stall the server once full)."""
    port = _free_port()
    env = {**os.environ, "CPT_DB": str(db), "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
    url = f"http://127.0.0.1:{port}"
    SERVER_LOGS[url] = db.with_suffix(".server.log")
    with open(SERVER_LOGS[url], "wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "serve.py", "--server.headless=true",
             f"--server.port={port}", "--server.address=127.0.0.1"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                try:
                    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                        if resp.status == 200:
                            break
                except OSError:
                    time.sleep(0.3)
            else:
                pytest.fail("the dashboard did not start within 60 s: " + server_log(url))
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()


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


# Settled: the app root says the script is not running, the main area has content, every
# Plotly chart is drawn and the DOM has not changed for `quietMs` (the observer is installed
# on the first look, so a click's rerun, which starts a moment later, resets the quiet time).
SETTLED_JS = """
(quietMs) => {
  if (!window.__cptWatch) {
    window.__cptWatch = true;
    window.__cptLast = performance.now();
    new MutationObserver(() => { window.__cptLast = performance.now(); })
      .observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
  }
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (!(document.querySelector('[data-testid="stMain"]')?.innerText || '').trim()) return false;
  for (const p of document.querySelectorAll('.js-plotly-plot')) {
    if (!p._fullLayout || !p.querySelector('.main-svg')) return false;
  }
  // Quiet since the last change and since the wait began: a click's rerun starts a moment later.
  return performance.now() - Math.max(window.__cptLast, window.__cptWaitFrom || 0) >= quietMs;
}
"""


def wait_for_app(pg, timeout: float = 30_000, quiet_ms: int = 300) -> None:
    """Wait until Streamlit has drawn the page and finished running the script: the app root's
    `data-test-script-state` is "notRunning", the main area shows something, every chart is
    drawn, and the page has been quiet (no DOM change) for `quiet_ms`, so a rerun that starts a
    moment later (a redirect between pages, a click) is waited for too."""
    pg.wait_for_selector("[data-testid='stApp']", timeout=timeout)
    with contextlib.suppress(Exception):  # a navigation under way: the new document starts afresh
        pg.evaluate("() => { window.__cptWaitFrom = performance.now(); }")
    pg.wait_for_function(SETTLED_JS, arg=quiet_ms, timeout=timeout, polling=100)
