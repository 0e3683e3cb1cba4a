"""Run the dashboard with the session cookie set by the server: `streamlit run serve.py`.

A Streamlit script run answers over the websocket, so it cannot send a Set-Cookie header
(and JavaScript cannot set an HttpOnly cookie). Streamlit 1.67 serves apps with Starlette
and `st.App` mounts extra routes beside the app, so after a sign-in the page loads
`/cpt/cookie?t=<one-time token>` in an invisible frame and this route answers with
`Set-Cookie: cpt_session=<random id>; HttpOnly; SameSite=Strict; Path=/` (plus `Secure` over
HTTPS). `/cpt/signout` clears it. `streamlit run app.py` still works, but then the cookie
is written by JavaScript (still only a random id that the server can end). README, "Security".
"""

from __future__ import annotations

import os

import streamlit as st
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from data import sessions
from ui import warmup

COOKIE_PATH = "/"


def _secure(request: Request) -> bool:
    return request.url.scheme == "https" or os.environ.get("CPT_SECURE_COOKIE", "") == "1"


def _answer(status: int = 200) -> Response:
    return Response(
        "<!doctype html><title>cpt</title>",
        status_code=status,
        media_type="text/html",
        headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"},
    )


async def set_cookie(request: Request) -> Response:
    """Exchange a one-time hand-off token (valid 60 s) for the HttpOnly session cookie."""
    session_id = sessions.STORE.redeem(request.query_params.get("t"))
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
    held = request.cookies.get(sessions.COOKIE)
    if not held or sessions.key(held) != request.query_params.get("s"):
        return _answer()
    response = _answer()
    response.delete_cookie(sessions.COOKIE, path=COOKIE_PATH, httponly=True, samesite="strict",
                           secure=_secure(request))  # fmt: skip
    return response


sessions.HTTP_COOKIE_ROUTES = True
warmup.start()  # imports and Plotly's first figure, before the first visitor asks for them
app = st.App(
    "app.py",
    routes=[
        Route("/cpt/cookie", set_cookie, methods=["GET"]),
        Route("/cpt/signout", clear_cookie, methods=["GET"]),
    ],
)
