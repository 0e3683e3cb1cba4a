"""Sign-in, sessions and what each role may see (DESIGN.md, "Access control").

* One sign-in per browser session: after a successful sign-in a signed, timestamped
  token (itsdangerous) is stored in a cookie; a reload or a shared link in a new tab
  reads it from `st.context.cookies` and does not ask again while it is valid. It
  expires after CPT_SESSION_IDLE_MINUTES (default 60) without activity: the token is
  re-issued on activity, and a live session checks its own idle time too.
* Failed sign-ins are counted per username in the server process
  (`data.accounts.LoginThrottle`: CPT_MAX_FAILURES, default 5, then locked for
  CPT_LOCK_MINUTES, default 15); they are logged without the password.
* `restrict()` is the data-layer scope: every cached query in ui/cache.py passes its
  company ids through it, so a company account never receives another company's rows,
  whatever the URL or the widgets say.
"""

from __future__ import annotations

import logging
import os
import secrets
import time
from pathlib import Path

import streamlit as st
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from data import accounts, store
from data.accounts import User
from ui.text import md, md_escape


def _server_log() -> None:
    """Sign-ins and failures go to the server's log (stderr), never into the database file."""
    logger = logging.getLogger("cpt")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)


_server_log()

SESSION_USER = "cpt_user"
SEEN = "cpt_last_seen"
ISSUED = "cpt_token_issued"
COOKIE_STATE = "cpt_cookie"
SIGNED_OUT = "cpt_signed_out"
COOKIE = "cpt_session"
REISSUE_SECONDS = 300

PAGES_BY_ROLE: dict[str | None, frozenset[str]] = {
    None: frozenset({"methodology"}),
    "admin": frozenset(
        {"overview", "company", "compare", "transparency", "improvement", "methodology", "data", "accounts"}
    ),
    "affiliate": frozenset({"overview", "company", "compare", "transparency", "improvement", "methodology"}),
    "company": frozenset({"company", "transparency", "improvement", "methodology"}),
}


def idle_seconds() -> int:
    return int(float(os.environ.get("CPT_SESSION_IDLE_MINUTES", "60")) * 60)


@st.cache_resource(show_spinner=False)
def throttle() -> accounts.LoginThrottle:
    return accounts.LoginThrottle(
        max_failures=int(os.environ.get("CPT_MAX_FAILURES", "5")),
        lock_seconds=float(os.environ.get("CPT_LOCK_MINUTES", "15")) * 60,
        delay_per_failure=float(os.environ.get("CPT_LOGIN_DELAY", "0.25")),
    )


def _secret() -> str:
    """CPT_SECRET, or a random key kept beside the database file (created once)."""
    if os.environ.get("CPT_SECRET"):
        return os.environ["CPT_SECRET"]
    path = store.db_path().with_name(".cpt-secret")
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return Path(path).read_text().strip()


@st.cache_resource(show_spinner=False)
def _serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt="cpt-session")


def _token(username: str) -> str:
    return _serializer(_secret()).dumps(username)


def _queue_cookie(value: str, max_age: int) -> None:
    st.session_state[COOKIE_STATE] = (value, max_age)


def write_cookie() -> None:
    """Set (or clear) the session cookie in the browser; the value is URL-safe text.

    Drawn on every run while there is something to write, not once: a run that switches
    page at once (the root's redirect) would drop the element before its script ran.
    """
    pending = st.session_state.get(COOKIE_STATE)
    if pending is None:
        return
    value, max_age = pending
    with st.sidebar:  # an HTML iframe of the app's own origin may set the app's cookie
        st.iframe(
            f"<script>parent.document.cookie = '{COOKIE}={value}; path=/; max-age={max_age}; SameSite=Strict';"
            "</script>",
            height=1,
        )


def _start(user: User) -> None:
    now = time.time()
    st.session_state.pop(SIGNED_OUT, None)
    st.session_state[SESSION_USER] = user
    st.session_state[SEEN] = now
    st.session_state[ISSUED] = now
    _queue_cookie(_token(user.username), idle_seconds())


def sign_out(reason: str | None = None) -> None:
    for key in (SESSION_USER, SEEN, ISSUED):
        st.session_state.pop(key, None)
    # The cookie this session started with stays in st.context.cookies: ignore it from now on.
    st.session_state[SIGNED_OUT] = True
    _queue_cookie("", 0)
    if reason:
        st.session_state["cpt_signed_out_reason"] = reason


def current_user(cur) -> User | None:
    """The signed-in account of this browser session, or None."""
    now = time.time()
    user = st.session_state.get(SESSION_USER)
    if user is not None:
        if now - st.session_state.get(SEEN, now) > idle_seconds():
            sign_out("Your session expired after a period of inactivity. Please sign in again.")
            return None
        st.session_state[SEEN] = now
        if now - st.session_state.get(ISSUED, now) > REISSUE_SECONDS:  # keep the cookie's idle window sliding
            st.session_state[ISSUED] = now
            _queue_cookie(_token(user.username), idle_seconds())
        return user
    token = st.context.cookies.get(COOKIE) if st.context.cookies else None
    if not token or st.session_state.get(SIGNED_OUT):
        return None
    try:
        username = _serializer(_secret()).loads(token, max_age=idle_seconds())
    except SignatureExpired:
        sign_out("Your session expired after a period of inactivity. Please sign in again.")
        return None
    except BadSignature:
        return None
    user = accounts.find_user(cur, username)  # the account may have been removed meanwhile
    if user is not None:
        _start(user)
    return user


def user() -> User | None:
    """The signed-in account as set by app.py for this run (pages and cache wrappers)."""
    return st.session_state.get(SESSION_USER)


def may_open(u: User | None, url_path: str) -> bool:
    return url_path in PAGES_BY_ROLE[u.role if u else None]


def restrict(company_ids: tuple[str, ...] | list[str] | None) -> tuple[str, ...] | None:
    """The company ids a query may return for this session: a company account only ever its
    own; a signed-out session nothing; staff and affiliates what they asked for (None = all)."""
    u = user()
    if u is None:
        return ()
    if u.role == "company":
        own = (u.company_id,)
        return own if company_ids is None else tuple(c for c in company_ids if c in own)
    return None if company_ids is None else tuple(company_ids)


def login_form(cur, demo: bool = False) -> None:
    """The sign-in form; on success the same URL reruns, so a deep link lands where it pointed."""
    st.title("Sign in")
    reason = st.session_state.pop("cpt_signed_out_reason", None)
    if reason:
        st.info(md_escape(reason))
    if accounts.count_users(cur) == 0:
        st.warning(
            "This database has no accounts yet. An administrator adds the first one with "
            "`python -m data users add NAME --role admin` (the password is asked for, not typed on the command line)."
        )
    st.write("Scores are confidential: available to affiliates and to the company concerned.")
    if demo:
        st.caption(
            "Demo database: sign in as `demo-admin`, `demo-affiliate` or `demo-company` with the password "
            f"`{accounts.DEMO_PASSWORD}`."  # a constant of the code
        )
    with st.columns([2, 3])[0], st.form("login", clear_on_submit=False):
        username = st.text_input("Username", key="login_username", autocomplete="username")
        password = st.text_input(
            "Password", type="password", key="login_password", autocomplete="current-password"
        )
        submitted = st.form_submit_button("Sign in", key="login_submit", type="primary")
    if not submitted:
        return
    guard = throttle()
    wait = guard.locked_for(username)
    if wait > 0:
        st.error(
            md(
                "Too many failed attempts: the account “{}” is locked for {} more minute(s).",
                username,
                max(1, round(wait / 60)),
            )  # fmt: skip
        )
        return
    found = accounts.authenticate(cur, username, password)
    if found is None:
        count = guard.failed(username)
        left = guard.max_failures - count
        msg = "Wrong username or password."
        if left <= 0:
            msg += f" The account is now locked for {round(guard.lock_seconds / 60)} minutes."
        elif left <= 2:
            msg += f" {left} attempt(s) left before the account is locked."
        st.error(msg)
        return
    guard.succeeded(username)
    _start(found)
    st.rerun()
