"""Run the dashboard with the session cookie set by the server: `streamlit run serve.py`.

A Streamlit script run answers over the websocket, so it cannot send a Set-Cookie header
(and JavaScript cannot set an HttpOnly cookie). Streamlit 1.67 serves apps with Starlette
and `st.App` mounts extra routes beside the app, so after a sign-in the page loads
`/cpt/cookie?t=<one-time token>` in an invisible frame and this route answers with
`Set-Cookie: cpt_session=<random id>; HttpOnly; SameSite=Strict; Path=/` (plus `Secure` over
HTTPS). `/cpt/signout` clears it. `streamlit run app.py` still works, but then the cookie
is written by JavaScript (still only a random id that the server can end). README, "Security".

`/cpt/document/<id>` sends a source document (issue 23; data/documents/serving.py) after
checking the session cookie and the document's visibility for that account at the request, as
an attachment with its sniffed type; refused in presentation mode (`present=1` in the request
or in the page that links it) and to a cross-site request.

`Guard`, an ASGI middleware around every route (Streamlit's own too), adds to every HTTP
response `Content-Security-Policy: frame-ancestors 'self'`, `X-Frame-Options: SAMEORIGIN`
(no other site may frame the app; the cookie frame above is the app's own) and
`X-Content-Type-Options: nosniff`; gives a browser without one the random `cpt_browser`
cookie with the page, so a hand-off token redeems only in the browser that signed in (no
login CSRF); and refuses uploads (`/_stcore/upload_file/<Streamlit session>/...`) unless that
connection is signed in as staff. The `/cpt/` routes refuse cross-site requests
(`Sec-Fetch-Site` other than same-origin or none).
"""

from __future__ import annotations

import re
import secrets
from datetime import date
from urllib.parse import parse_qs, urlsplit

import streamlit as st
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from data import settings
from data.access import sessions
from data.documents import serving
from data.queries import deadlines
from ui import auth, db, warmup
from ui.present import PARAM as present_param

COOKIE_PATH = "/"
SECURITY_HEADERS = {
    "Content-Security-Policy": "frame-ancestors 'self'",
    "X-Frame-Options": "SAMEORIGIN",
    "X-Content-Type-Options": "nosniff",
}
SAME_SITE_FETCHES = frozenset({"same-origin", "none"})  # Sec-Fetch-Site values the /cpt/ routes accept
UPLOAD_PATH = re.compile(r"/_stcore/upload_file/([^/]+)/")
STAFF = frozenset({"admin"})  # who may upload (the Data page's imports)


def _secure(request: Request) -> bool:
    return request.url.scheme == "https" or settings.value("CPT_SECURE_COOKIE") == 1


def _answer(status: int = 200) -> Response:
    return Response(
        "<!doctype html><title>cpt</title>",
        status_code=status,
        media_type="text/html",
        headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"},
    )


def _cross_site(request: Request) -> bool:
    """A request another site started (a link, a form, a frame): browsers say so in
    Sec-Fetch-Site. Without the header (an old browser, a script) the cookie binding decides."""
    site = request.headers.get("sec-fetch-site")
    return site is not None and site not in SAME_SITE_FETCHES


async def set_cookie(request: Request) -> Response:
    """Exchange a one-time hand-off token (valid 60 s) for the HttpOnly session cookie, only in
    the browser that signed in (its `cpt_browser` cookie) and never for another site's link."""
    if _cross_site(request):
        return _answer(403)
    session_id = sessions.STORE.redeem(
        request.query_params.get("t"), request.cookies.get(sessions.BROWSER_COOKIE)
    )
    if session_id is None:
        return _answer(403)
    response = _answer()
    response.set_cookie(
        sessions.COOKIE, session_id, max_age=sessions.max_seconds(), path=COOKIE_PATH,
        httponly=True, samesite="strict", secure=_secure(request),
    )  # fmt: skip
    return response


async def clear_cookie(request: Request) -> Response:
    """Remove the cookie if it holds the session that was just ended (`s`: its hash), not the
    cookie of a newer sign-in in another tab. The sign-out itself ended the session."""
    if _cross_site(request):
        return _answer(403)
    held = request.cookies.get(sessions.COOKIE)
    if not held or sessions.key(held) != request.query_params.get("s"):
        return _answer()
    response = _answer()
    response.delete_cookie(sessions.COOKIE, path=COOKIE_PATH, httponly=True, samesite="strict",
                           secure=_secure(request))  # fmt: skip
    return response


def _calendar(token: str) -> bytes | None:
    return deadlines.feed(db.reader().cursor(), token, date.today())


async def calendar_feed(request: Request) -> Response:
    """A calendar subscription link (data/access/calendar_links.py): the account's deadlines as
    text/calendar, built for its current role and organisation at each request; 404 for an
    unknown or revoked token or a removed account (the same answer, so nothing is learnt).
    Calendar programs fetch it from their own servers: no cookie, no Sec-Fetch-Site check."""
    body = await run_in_threadpool(_calendar, request.path_params["token"])
    headers = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
    if body is None:
        return PlainTextResponse("No such calendar.", status_code=404, headers=headers)
    return Response(body, media_type="text/calendar", headers=headers)


def _presenting(request: Request) -> bool:
    """Presentation mode is a page's state (`present=1` in its URL): a request that carries it,
    or comes from such a page (its Referer), is answered as in presentation mode."""
    if request.query_params.get(present_param) == "1":
        return True
    referer = urlsplit(request.headers.get("referer", ""))
    return "1" in parse_qs(referer.query).get(present_param, [])


def _document(document_id: str, session_id: str | None, presenting: bool) -> serving.Answer:
    cur = db.reader().cursor()
    user = auth._valid(session_id, cur)[0] if session_id else None  # the check every script run makes
    return serving.answer(cur, db.reader().path, document_id, user, presenting)


async def document(request: Request) -> Response:
    """A source document (data/documents/serving.py): the session cookie and the document's
    visibility are checked at this request; sent as an attachment with its sniffed type."""
    if _cross_site(request):
        return _answer(403)
    found = await run_in_threadpool(
        _document,
        request.path_params["document_id"],
        request.cookies.get(sessions.COOKIE),
        _presenting(request),
    )
    return Response(
        found.body, status_code=found.status, media_type=found.media_type, headers=found.headers()
    )


def staff_connection(client_id: str) -> bool:
    """Whether the Streamlit connection `client_id` runs under a live staff session now (the
    record ui/auth.py binds at every run; signing out, expiry and revocation end it)."""
    found = sessions.STORE.signed_in_on(client_id, sessions.idle_seconds(), sessions.max_seconds())
    return found is not None and found.user.role in STAFF


class Guard:
    """ASGI middleware around every route (README, "Security"): framing and sniffing headers
    on every response, the `cpt_browser` cookie for a browser without one, staff-only uploads."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        send = self._with_headers(request, send)
        upload = UPLOAD_PATH.search(scope["path"])
        if upload and scope["method"] != "OPTIONS" and not staff_connection(upload.group(1)):
            auth.log.warning("refused an upload from a connection not signed in as staff")
            await PlainTextResponse("Uploads need a staff sign-in.", status_code=403)(scope, receive, send)
            return
        await self.app(scope, receive, send)

    @staticmethod
    def _with_headers(request: Request, send: Send) -> Send:
        # Pages only (not the /cpt/ routes, which a cross-site request reaches without it).
        give_browser_cookie = (
            sessions.BROWSER_COOKIE not in request.cookies and not request.url.path.startswith("/cpt/")
        )
        flags = "; HttpOnly; Path=/; SameSite=Strict" + ("; Secure" if _secure(request) else "")

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers[name] = value
                if give_browser_cookie and headers.get("content-type", "").startswith("text/html"):
                    headers.append(
                        "Set-Cookie", f"{sessions.BROWSER_COOKIE}={secrets.token_urlsafe(32)}{flags}"
                    )
            await send(message)

        return sending


sessions.HTTP_COOKIE_ROUTES = True
auth.refuse_client_cache_clearing()  # also done when app.py imports ui.auth; before any client
warmup.start()  # imports and Plotly's first figure, before the first visitor asks for them
app = st.App(
    "app.py",
    routes=[
        Route("/cpt/cookie", set_cookie, methods=["GET"]),
        Route("/cpt/signout", clear_cookie, methods=["GET"]),
        Route("/cpt/calendar/{token}", calendar_feed, methods=["GET"]),
        Route("/cpt/document/{document_id}", document, methods=["GET"]),
    ],
    middleware=[Middleware(Guard)],
)
