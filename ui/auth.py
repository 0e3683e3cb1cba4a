"""Sign-in, sessions and what each role may see (DESIGN.md, "Access control").

* A sign-in creates a server-side session record (data/access/sessions.py) in this process; the
  browser's cookie `cpt_session` holds only its random id. Every run checks the record
  (idle expiry CPT_SESSION_IDLE_MINUTES, default 60; absolute CPT_SESSION_MAX_HOURS,
  default 12) and the account's current row in the database: removed, or a changed
  password/role/link (also by the CLI in another process, which publishes a new file),
  ends the session. Sign-out ends the record, so a copied cookie is worthless afterwards.
* The cookie: under `streamlit run serve.py` an HTTP route sets it HttpOnly and
  SameSite=Strict (Secure over HTTPS) from a one-time hand-off token; under plain
  `streamlit run app.py` there is no such route and JavaScript writes it (SameSite=Strict,
  readable by scripts, but still only a revocable random id). README, "Security".
* Failed sign-ins are counted per username in the server process
  (`data.access.accounts.LoginThrottle`: CPT_MAX_FAILURES, default 5, then locked for
  CPT_LOCK_MINUTES, default 15); the lock and a reserved failure slot come before the
  password hash, so parallel attempts cannot pass the limit. Logged without the password.
  A rate limit per client address and for the whole server (`data.access.accounts.SignInLimiter`)
  refuses floods of fresh usernames before hashing. Both are module-level objects in
  data/access/accounts.py, not Streamlit caches, and the server refuses a browser's clear_cache
  message altogether (`refuse_client_cache_clearing`).
* `restrict()` is the data-layer scope: every cached query in ui/cache.py passes its
  company ids through it, so a company account never receives another company's rows,
  whatever the URL or the widgets say.
"""

from __future__ import annotations

import logging

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from data.access import accounts, sessions
from data.access.accounts import User
from ui.text import md, md_escape
from wording.i18n import N_, _


def _server_log() -> None:
    """Sign-ins and failures go to the server's log (stderr), never into the database file."""
    logger = logging.getLogger("cpt")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)


_server_log()
log = logging.getLogger("cpt.auth")

SESSION_ID = "cpt_session_id"  # this tab's session id (server-side session state)
SESSION_USER = "cpt_user"  # the account of this run, as checked at its start
COOKIE_STATE = "cpt_cookie"
SIGNED_OUT = "cpt_signed_out"
REASON = "cpt_signed_out_reason"
COOKIE = sessions.COOKIE

EXPIRED = {
    "idle": N_("Your session expired after a period of inactivity. Please sign in again."),
    "max": N_("Your session reached its maximum length. Please sign in again."),
    "revoked": N_("Your session has ended: the account was changed or removed. Please sign in again."),
    "ended": N_(
        "Your session has ended (signed out in another tab, or the server restarted). Please sign in again."
    ),
}

# My contracts and Factory: every signed-in role; what each sees is scoped in data/queries/contracts/.
CONTRACT_PAGES = frozenset({"contracts", "factory"})
PAGES_BY_ROLE: dict[str | None, frozenset[str]] = {
    None: frozenset({"methodology"}),
    "admin": frozenset(
        {
            "overview",
            "company",
            "compare",
            "transparency",
            "improvement",
            "methodology",
            "data",
            "accounts",
            "disputes",
        }
    )
    | CONTRACT_PAGES
    | {"changes"},
    "affiliate": frozenset({"overview", "company", "compare", "transparency", "improvement", "methodology"})
    | CONTRACT_PAGES
    | {"changes"},
    "company": frozenset({"company", "transparency", "improvement", "methodology"}) | CONTRACT_PAGES,
}


def idle_seconds() -> float:
    return sessions.idle_seconds()


def refuse_client_cache_clearing() -> None:
    """Make the server ignore the `clear_cache` message a browser may send.

    Streamlit 1.67 (`runtime/app_session.py`, `AppSession.handle_backmsg`) answers a
    `clear_cache` BackMsg from any connected client, signed in or not, by emptying every
    st.cache_data and st.cache_resource of the process: every user's caches (an easy way to
    make the server slow) and whatever else lives there. The menu item that sends it is
    hidden (`client.toolbarMode = "minimal"`), but a hand-made websocket message is not, so
    the handler is wrapped: a clear_cache message is logged and dropped, every other message
    goes on as before. Caches are cleared by the server itself after an import (ui/cache.py).
    Idempotent; applied when this module is imported (app.py) and by serve.py at start.
    """
    from streamlit.runtime.app_session import AppSession

    original = AppSession.handle_backmsg
    if getattr(original, "_cpt_refuses_clear_cache", False):
        return

    def handle_backmsg(self, msg) -> None:
        if msg.WhichOneof("type") == "clear_cache":
            log.warning("refused a clear_cache message from a browser (Streamlit session %s)", self.id)
            return
        original(self, msg)

    handle_backmsg._cpt_refuses_clear_cache = True  # type: ignore[attr-defined]
    AppSession.handle_backmsg = handle_backmsg  # type: ignore[method-assign]


refuse_client_cache_clearing()


def throttle() -> accounts.LoginThrottle:
    """The failed-sign-in throttle: a module-level object in data/access/accounts.py (not a
    Streamlit cache, which a browser message could once clear)."""
    return accounts.throttle()


def client_address() -> str:
    """The address this tab connected from (the rate limit's "client"); "local" without one."""
    try:
        address = st.context.ip_address
    except Exception:  # noqa: BLE001 - no connection (a test run): one shared client
        address = None
    return address if isinstance(address, str) and address else "local"


def _client_id() -> str | None:
    """This tab's Streamlit session id (the one in its upload URLs)."""
    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else None


def cookie_value() -> str | None:
    """The session cookie the browser sent when this tab connected (None without one)."""
    cookies = st.context.cookies
    return cookies.get(COOKIE) if cookies else None


def _queue_cookie(action: str, session_id: str) -> None:
    """("set", id) after a sign-in; ("clear", id) after a sign-out: the browser drops its
    cookie only if it still holds that (now ended) id, not a newer sign-in's from another tab."""
    if action == "set" and sessions.HTTP_COOKIE_ROUTES:
        # The id itself never reaches the page; the token only redeems in this browser.
        cookies = st.context.cookies
        value = sessions.STORE.handoff(session_id, cookies.get(sessions.BROWSER_COOKIE) if cookies else None)
    elif action == "clear" and sessions.HTTP_COOKIE_ROUTES:
        value = sessions.key(session_id)
    else:
        value = session_id
    st.session_state[COOKIE_STATE] = (action, value)


def write_cookie() -> None:
    """Set (or clear) the session cookie in the browser.

    With serve.py's routes: an invisible same-origin frame loads /cpt/cookie with a one-time
    token and the response sets the cookie HttpOnly; otherwise a script in the frame writes
    it. Drawn on every run until done, not once: a run that switches page at once (the
    root's redirect) would drop the element before it loaded.
    """
    pending = st.session_state.get(COOKIE_STATE)
    if pending is None:
        return
    action, value = pending
    if sessions.HTTP_COOKIE_ROUTES:
        if action == "set" and sessions.STORE.redeemed(value):
            st.session_state.pop(COOKIE_STATE, None)
            return
        src = f"/cpt/cookie?t={value}" if action == "set" else f"/cpt/signout?s={value}"
        with st.sidebar:
            st.iframe(src, height=1)
        return
    # Session ids are URL-safe base64 (letters, digits, '-', '_'): nothing to escape in the script.
    if action == "set":
        script = f"parent.document.cookie = '{COOKIE}={value}; path=/; max-age={int(sessions.max_seconds())}; SameSite=Strict';"
    else:
        script = (f"if (parent.document.cookie.split('; ').includes('{COOKIE}={value}')) "
                  f"parent.document.cookie = '{COOKIE}=; path=/; max-age=0; SameSite=Strict';")  # fmt: skip
    with st.sidebar:  # an HTML iframe of the app's own origin may set the app's cookie
        st.iframe(f"<script>{script}</script>", height=1)


def _start(user: User) -> None:
    """A new server-side session for `user` (fresh from the database) in this tab."""
    sessions.STORE.sweep(sessions.idle_seconds(), sessions.max_seconds())
    session_id = sessions.STORE.create(user)
    st.session_state.pop(SIGNED_OUT, None)
    st.session_state[SESSION_ID] = session_id
    st.session_state[SESSION_USER] = user
    _queue_cookie("set", session_id)


def sign_out(reason: str | None = None) -> None:
    """End this tab's session on the server (every tab and cookie with its id) and forget it here."""
    session_id = st.session_state.pop(SESSION_ID, None)
    sessions.STORE.end(session_id)
    sessions.STORE.bind_client(_client_id(), None)
    st.session_state.pop(SESSION_USER, None)
    # The cookie this tab connected with stays in st.context.cookies: ignore it from now on.
    st.session_state[SIGNED_OUT] = True
    if session_id:
        _queue_cookie("clear", session_id)
    if reason:
        st.session_state[REASON] = reason


def renew(cur) -> None:
    """After changing one's own password here: a new session from the account as now published
    (every older session of it has been ended)."""
    sessions.STORE.end(st.session_state.pop(SESSION_ID, None))
    me = user()
    fresh = accounts.find_user(cur, me.username) if me is not None else None
    if fresh is not None:
        _start(fresh)


def _valid(session_id: str, cur) -> tuple[User | None, str | None]:
    """The account of a live session whose credentials still match the database, or why not."""
    found, reason = sessions.STORE.check(session_id, sessions.idle_seconds(), sessions.max_seconds())
    if found is None:
        return None, reason
    now = accounts.find_user(cur, found.user.username)  # the database as published now
    if now is None or now.fingerprint != found.fingerprint:
        sessions.STORE.end(session_id)
        log.info("session of user=%r ended: the account was changed or removed", found.user.username)
        return None, "revoked"
    return now, None


def current_user(cur) -> User | None:
    """The signed-in account of this browser tab, or None; checked on every run. Also records
    which session this tab's connection runs under (serve.py's upload check asks)."""
    found = _current_user(cur)
    sessions.STORE.bind_client(_client_id(), st.session_state.get(SESSION_ID) if found is not None else None)
    return found


def _current_user(cur) -> User | None:
    session_id = st.session_state.get(SESSION_ID)
    if session_id is not None:
        found, reason = _valid(session_id, cur)
        if found is None:
            sign_out(EXPIRED[reason or "ended"])
            return None
        st.session_state[SESSION_USER] = found
        return found
    st.session_state.pop(SESSION_USER, None)
    token = cookie_value()
    if not token or st.session_state.get(SIGNED_OUT):
        return None
    found, reason = _valid(token, cur)  # a reload or a new tab of a signed-in browser
    if found is None:
        if reason:
            st.session_state[REASON] = EXPIRED[reason]
        st.session_state[SIGNED_OUT] = True  # this tab's cookie is dead: do not ask again
        return None
    st.session_state[SESSION_ID] = token
    st.session_state[SESSION_USER] = found
    return found


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
    st.title(_("Sign in"))
    reason = st.session_state.pop(REASON, None)
    if reason:
        st.info(md_escape(_(reason)))  # one of EXPIRED, said in the current language
    if accounts.count_users(cur) == 0:
        st.warning(
            _(
                "This database has no accounts yet. An administrator adds the first one with "
                "`python -m data users add NAME --role admin` (the password is asked for, not typed on the command line)."
            )
        )
    st.write(_("Scores are confidential: available to affiliates and to the company concerned."))
    if demo:
        st.caption(
            _(
                "Demo database: sign in as `demo-admin`, `demo-affiliate` or `demo-company` with the password `{}`."
            ).format(accounts.DEMO_PASSWORD)  # a constant of the code
        )
    with st.columns([2, 3])[0], st.form("login", clear_on_submit=False):
        username = st.text_input(_("Username"), key="login_username", autocomplete="username")
        password = st.text_input(
            _("Password"), type="password", key="login_password", autocomplete="current-password"
        )
        submitted = st.form_submit_button(_("Sign in"), key="login_submit", type="primary")
    if not submitted:
        return
    result = accounts.sign_in(cur, throttle(), username, password, accounts.limiter(), client_address())
    if result.busy_for > 0:
        st.error(
            _("Too many sign-in attempts just now. Please try again in {} seconds.").format(
                max(1, round(result.busy_for))
            )
        )
        return
    if result.locked_for > 0:
        st.error(
            md(
                _("Too many failed attempts: the account “{}” is locked for {} more minute(s)."),
                username,
                max(1, round(result.locked_for / 60)),
            )  # fmt: skip
        )
        return
    if result.user is None:
        guard = throttle()
        left = guard.max_failures - result.failures
        msg = _("Wrong username or password.")
        if left <= 0:
            msg += " " + _("The account is now locked for {} minutes.").format(round(guard.lock_seconds / 60))
        elif left <= 2:
            msg += " " + _("{} attempt(s) left before the account is locked.").format(left)
        st.error(msg)
        return
    _start(result.user)
    st.rerun()
