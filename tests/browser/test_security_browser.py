"""Issue 20 against a running server (`streamlit run serve.py`, as `make run`): headers that
forbid framing on every response, the cookie hand-off bound to the browser that signed in,
a browser's clear_cache message refused, staff-only uploads, the cookie's Max-Age."""

from __future__ import annotations

import http.server
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from tests.browser.drive import ROOT, server_log, session_cookie, sign_in, wait_for_app

pytestmark = pytest.mark.browser

ATTACKER_PAGES: dict[str, bytes] = {}


class _AttackerSite(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        body = ATTACKER_PAGES.get(self.path, b"")
        self.send_response(200 if body else 404)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def attacker() -> Iterator[str]:
    """Another site on this machine: `localhost` on another port (the app is 127.0.0.1), so
    the browser treats it as cross-site but lets it reach the loopback address."""
    site = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _AttackerSite)
    thread = threading.Thread(target=site.serve_forever, daemon=True)
    thread.start()
    yield f"http://localhost:{site.server_address[1]}"
    site.shutdown()


def _cli(db: Path, *args: str, stdin: str = "") -> None:
    done = subprocess.run([sys.executable, "-m", "data", *args, "--db", str(db)], cwd=ROOT, input=stdin,
                          capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 0, done.stderr


def _get(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as resp:
            return resp.status, {k.lower(): v for k, v in resp.headers.items()}, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, {k.lower(): v for k, v in err.headers.items()}, err.read()


def _attacker_page(pg, attacker: str, body: str) -> None:
    path = f"/{len(ATTACKER_PAGES)}.html"
    ATTACKER_PAGES[path] = f"<!doctype html><title>elsewhere</title><body>{body}</body>".encode()
    pg.goto(f"{attacker}{path}")


# ---------------------------------------------------------------- item 6: clickjacking


def test_every_response_forbids_framing_by_other_sites_and_sniffing(server: str) -> None:
    status, _, index = _get(f"{server}/")
    assert status == 200
    script = re.search(rb'src="\.?/?(static/js/[^"]+\.js)"', index)
    assert script, index[:500]
    paths = ["/", "/overview", "/company?company=CO0003", "/_stcore/health", "/_stcore/host-config",
             "/" + script.group(1).decode(), "/app/static/topojson/world_110m.json", "/cpt/cookie?t=nothing",
             "/cpt/signout", "/no-such-page"]  # fmt: skip
    for path in paths:
        status, headers, _ = _get(f"{server}{path}")
        assert status < 500, (path, status)
        assert headers.get("content-security-policy") == "frame-ancestors 'self'", (path, headers)
        assert headers.get("x-frame-options") == "SAMEORIGIN", (path, headers)
        assert headers.get("x-content-type-options") == "nosniff", (path, headers)


def test_another_site_cannot_frame_the_app(context, server: str, attacker: str) -> None:
    pg = context.new_page()
    _attacker_page(
        pg, attacker, f'<iframe id="app" src="{server}/overview" width="900" height="600"></iframe>'
    )
    pg.wait_for_load_state("load")  # the frame has loaded (or been refused) by then
    framed = [f for f in pg.frames if f is not pg.main_frame]
    assert framed, "no frame"
    assert all(f.locator("[data-testid='stApp']").count() == 0 for f in framed)
    assert all(not f.url.startswith(server) or f.url == "about:blank" for f in framed), [
        f.url for f in framed
    ]


# ---------------------------------------------------------------- item 5: login CSRF through /cpt/cookie


def _token_of_sign_in(pg, server: str, username: str) -> str:
    """Sign in on `pg` but keep its one-time cookie token unredeemed (the frame's load is aborted)."""
    tokens: list[str] = []

    def keep(route) -> None:
        tokens.append(route.request.url)
        route.abort()

    pg.route("**/cpt/cookie?*", keep)
    pg.goto(f"{server}/")
    wait_for_app(pg)
    pg.get_by_role("textbox", name="Username").fill(username)
    pg.get_by_role("textbox", name="Password").fill("cpt-demo")
    pg.get_by_role("button", name="Sign in").click()
    pg.get_by_text(f"Signed in as {username}").wait_for(timeout=30_000)
    deadline = time.monotonic() + 30
    while not tokens and time.monotonic() < deadline:
        pg.wait_for_timeout(200)
    assert tokens, "no cookie hand-off after signing in"
    return tokens[0]


def test_a_token_from_another_browser_signs_nobody_in(browser, server: str, attacker: str) -> None:
    mallory, victim = browser.new_context(), browser.new_context()
    try:
        first = _token_of_sign_in(mallory.new_page(), server, "demo-company")
        second = _token_of_sign_in(mallory.new_page(), server, "demo-company")
        vpg = victim.new_page()
        vpg.goto(f"{server}/methodology")  # the victim has used the app (its own browser cookie)
        wait_for_app(vpg)
        # A link on another site: a cross-site navigation, refused before the token is looked at.
        _attacker_page(vpg, attacker, f'<a id="go" href="{first}">win a prize</a>')
        with vpg.expect_response(lambda r: "/cpt/cookie" in r.url) as answer:
            vpg.click("#go")
        assert answer.value.status == 403
        assert session_cookie(vpg) is None
        assert any(c["name"] == "cpt_browser" and c["httpOnly"] for c in victim.cookies())
        # The same token fetched without Sec-Fetch-Site (a script, an old browser): not this browser's.
        refused = victim.request.get(first)
        assert refused.status == 403 and "cpt_session" not in refused.headers.get("set-cookie", "")
        assert session_cookie(vpg) is None
        vpg.goto(f"{server}/overview")
        wait_for_app(vpg)
        assert vpg.get_by_text("Signed in as").count() == 0
        # The browser that signed in: refused when another site started the request ...
        cross = mallory.request.get(second, headers={"Sec-Fetch-Site": "cross-site"})
        assert cross.status == 403
        # ... and given its cookie when it asks itself (the token was not used up by that).
        mine = mallory.request.get(second)
        assert mine.status == 200, server_log(server)
        assert any(c["name"] == "cpt_session" for c in mallory.cookies())
    finally:
        mallory.close()
        victim.close()


# ---------------------------------------------------------------- item 13


def test_the_session_cookie_max_age_is_an_integer(context, server: str) -> None:
    pg = context.new_page()
    set_cookies: list[str] = []
    pg.on(
        "response",
        lambda r: "/cpt/cookie" in r.url and set_cookies.append(r.header_value("set-cookie") or ""),
    )
    sign_in(pg, server, "demo-affiliate")
    found = [c for c in set_cookies if c.startswith("cpt_session=")]
    assert found, set_cookies
    assert re.search(r"(?i)max-age=43200(;|$)", found[0]), found[0]


# ---------------------------------------------------------------- item 1: clear_cache from a browser


def _socket_route(pg) -> dict:
    """Route the page's Streamlit websocket through Playwright, to send messages of our own on it."""
    held: dict = {}

    def route(ws) -> None:
        held["server"] = ws.connect_to_server()

    pg.route_web_socket(re.compile(r"/_stcore/stream"), route)
    return held


def test_a_browser_clear_cache_message_does_not_lift_a_lock(context, server: str, browser_db: Path) -> None:
    _cli(browser_db, "users", "add", "temp.locked", "--role", "affiliate", "--affiliate", "AF001",
         stdin="a-long-password\n")  # fmt: skip
    try:
        pg = context.new_page()
        held = _socket_route(pg)
        pg.goto(f"{server}/")
        wait_for_app(pg)
        for attempt in range(5):
            pg.get_by_role("textbox", name="Username").fill("temp.locked")
            pg.get_by_role("textbox", name="Password").fill(f"wrong-password-{attempt}")
            pg.get_by_role("button", name="Sign in").click()
            pg.get_by_text("Wrong username or password").wait_for(timeout=30_000)
            wait_for_app(pg)
        assert pg.get_by_text("locked for 15 minutes").count() == 1
        held["server"].send(BackMsg(clear_cache=True).SerializeToString())  # signed out, by hand
        deadline = time.monotonic() + 30  # until the server has answered the message
        while (
            "refused a clear_cache message" not in server_log(server, 20_000) and time.monotonic() < deadline
        ):
            pg.wait_for_timeout(100)
        other = context.new_page()  # a fresh tab (the message may also have reset this one)
        other.goto(f"{server}/")
        wait_for_app(other)
        other.get_by_role("textbox", name="Username").fill("temp.locked")
        other.get_by_role("textbox", name="Password").fill("a-long-password")  # the right one
        other.get_by_role("button", name="Sign in").click()
        other.get_by_text("is locked for").or_(other.get_by_text("Signed in as")).first.wait_for(
            timeout=30_000
        )
        assert other.get_by_text("Signed in as").count() == 0
        assert other.get_by_text("is locked for").count() == 1
        assert "refused a clear_cache message" in server_log(server, 20_000)
    finally:
        _cli(browser_db, "users", "remove", "temp.locked")


# ---------------------------------------------------------------- item 7: uploads need staff


UPLOAD_JS = """
async (sid) => {
  const xsrf = (document.cookie.split('; ').find(c => c.startsWith('_streamlit_xsrf=')) || '=').split('=')[1];
  const form = new FormData();
  form.append('file', new Blob(['x'.repeat(1024 * 1024)], {type: 'text/csv'}), 'big.csv');
  const r = await fetch(`/_stcore/upload_file/${sid}/cpt-probe`, {method: 'PUT', body: form,
                        headers: {'X-Xsrftoken': xsrf}, credentials: 'same-origin'});
  return r.status;
}
"""


def _page_with_session_id(context) -> tuple[object, list[str]]:
    pg = context.new_page()
    ids: list[str] = []

    def frame(payload) -> None:
        if isinstance(payload, bytes | bytearray):
            msg = ForwardMsg()
            try:
                msg.ParseFromString(bytes(payload))
            except Exception:  # noqa: BLE001 - not a ForwardMsg
                return
            if msg.HasField("new_session") and msg.new_session.initialize.session_id:
                ids.append(msg.new_session.initialize.session_id)

    pg.on("websocket", lambda ws: ws.on("framereceived", frame))
    return pg, ids


def test_uploads_are_refused_unless_signed_in_as_staff(browser, server: str) -> None:
    statuses = {}
    for who in (None, "demo-affiliate", "demo-admin"):
        ctx = browser.new_context()
        try:
            pg, ids = _page_with_session_id(ctx)
            if who is None:
                pg.goto(f"{server}/")
                wait_for_app(pg)
            else:
                sign_in(pg, server, who)
            assert ids, "no Streamlit session id seen"
            statuses[who] = pg.evaluate(UPLOAD_JS, ids[-1])
        finally:
            ctx.close()
    assert statuses == {None: 403, "demo-affiliate": 403, "demo-admin": 204}, statuses
