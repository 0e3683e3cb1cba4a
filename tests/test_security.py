"""Server-side security state (issue 20): the lockout and the rate limit survive cache
clearing, a browser's clear_cache message is refused, a flood of fresh usernames is refused
before hashing, the cookie hand-off is bound to the browser that signed in, the upload
route's session lookup, and the cookie's Max-Age. Browser-level checks of the same:
tests/browser/test_security_browser.py."""

from __future__ import annotations

import secrets
import time
import types
from pathlib import Path

import duckdb
import streamlit as st
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.runtime.app_session import AppSession

from data.access import accounts, sessions
from data.access.accounts import User
from tests import apptest
from ui import auth


def _sign_in(at, username: str, password: str):
    at.text_input(key="login_username").input(username)
    at.text_input(key="login_password").input(password)
    at.button(key="login_submit").click()
    return at.run()


def _errors(at) -> str:
    return "\n".join(e.value for e in at.error)


# ---------------------------------------------------------------- item 1: lockout under clear_cache


def test_a_locked_name_stays_locked_when_every_cache_is_cleared(demo_app: Path, monkeypatch) -> None:
    monkeypatch.setenv("CPT_LOGIN_DELAY", "0")
    at = apptest.open_page("overview", role=None)
    for attempt in range(5):
        at = _sign_in(at, "demo-admin", f"wrong-{attempt}")
    assert "locked for 15 minutes" in _errors(at)
    st.cache_resource.clear()  # what a browser's clear_cache message did
    st.cache_data.clear()
    at = _sign_in(at, "demo-admin", accounts.DEMO_PASSWORD)
    assert "is locked for" in _errors(at)
    assert not [c for c in at.sidebar.caption if "Signed in as" in c.value]


def test_guessing_with_cache_clearing_between_never_passes_the_limit(demo_app: Path, monkeypatch) -> None:
    """The issue's attack: 12 guesses with a clear every 4; only 5 passwords are ever checked."""
    monkeypatch.setenv("CPT_LOGIN_DELAY", "0")
    checked = []
    real = accounts.authenticate
    monkeypatch.setattr(accounts, "authenticate", lambda *a: checked.append(a[1]) or real(*a))
    at = apptest.open_page("overview", role=None)
    for attempt in range(12):
        if attempt % 4 == 0:
            st.cache_resource.clear()
        at = _sign_in(at, "demo-admin", f"guess-{attempt}")
    assert len(checked) == 5
    assert "is locked for" in _errors(at)


def test_the_server_refuses_a_clear_cache_message_from_a_browser() -> None:
    """AppSession.handle_backmsg (Streamlit 1.67) emptied every shared cache for any client."""
    runs = []

    @st.cache_resource
    def shared() -> int:
        runs.append(1)
        return len(runs)

    shared()
    cleared = []
    stand_in = types.SimpleNamespace(id="test-session")
    stand_in._handle_clear_cache_request = lambda: (cleared.append(1), AppSession._handle_clear_cache_request(
        types.SimpleNamespace(_session_state={})))  # fmt: skip
    AppSession.handle_backmsg(stand_in, BackMsg(clear_cache=True))
    assert cleared == []
    assert shared() == 1 and len(runs) == 1  # the cache still holds its value
    auth.refuse_client_cache_clearing()  # applying it twice wraps once
    assert AppSession.handle_backmsg._cpt_refuses_clear_cache  # type: ignore[attr-defined]


# ---------------------------------------------------------------- item 7: floods of fresh usernames


def _flood(limit: accounts.SignInLimiter, cur, clients: list[str], monkeypatch) -> tuple[int, list[float]]:
    """One wrong sign-in with a fresh random username from each of `clients`: how many
    passwords were hashed, and how long each refused attempt took."""
    hashed = []
    # Counted, not computed: every username is new, so a real check would hash (0.3 s of
    # argon2 each) and find nobody; what is asserted is how many attempts got that far.
    monkeypatch.setattr(accounts, "authenticate", lambda *a: hashed.append(1) and None)
    refused = []
    for client in clients:
        start = time.perf_counter()
        result = accounts.sign_in(
            cur, accounts.throttle(), f"x-{secrets.token_hex(6)}", "guess", limit, client
        )
        if result.busy_for > 0:
            refused.append(time.perf_counter() - start)
        else:
            assert result.user is None and result.failures == 1
    return len(hashed), refused


def test_a_flood_of_fresh_usernames_from_one_client_is_refused_before_hashing(
    demo_db: Path, monkeypatch
) -> None:
    monkeypatch.setenv("CPT_LOGIN_DELAY", "0")
    limit = accounts.limiter()  # the defaults: 30 a minute per client, 120 in all
    with duckdb.connect(str(demo_db), read_only=True) as con:
        hashed, refused = _flood(limit, con.cursor(), ["198.51.100.7"] * 200, monkeypatch)
    assert hashed == 30 and len(refused) == 170
    assert max(refused) < 0.01  # refused in microseconds, no argon2


def test_a_flood_from_many_addresses_meets_the_server_wide_limit(demo_db: Path, monkeypatch) -> None:
    monkeypatch.setenv("CPT_LOGIN_DELAY", "0")
    limit = accounts.limiter()
    with duckdb.connect(str(demo_db), read_only=True) as con:
        hashed, refused = _flood(
            limit, con.cursor(), [f"203.0.113.{n % 250}" for n in range(400)], monkeypatch
        )
    assert hashed == 120 and len(refused) == 280
    assert max(refused) < 0.01


def test_the_limits_lift_as_the_window_moves() -> None:
    clock = types.SimpleNamespace(now=100.0)
    limit = accounts.SignInLimiter(per_client=2, overall=3, window=60, clock=lambda: clock.now)
    assert [limit.admit("a") for _ in range(3)][:2] == [0.0, 0.0]
    assert limit.admit("a") > 0 and limit.admit("b") == 0.0  # a's limit, not b's
    assert limit.admit("c") > 0  # the server-wide limit (3 in the window)
    clock.now += 61
    assert limit.admit("a") == 0.0 and limit.admit("c") == 0.0


def test_the_sign_in_form_refuses_the_surplus_without_hashing(demo_app: Path, monkeypatch) -> None:
    monkeypatch.setenv("CPT_LOGIN_DELAY", "0")
    monkeypatch.setenv("CPT_SIGNIN_PER_CLIENT", "3")
    hashed = []
    real = accounts.authenticate
    monkeypatch.setattr(accounts, "authenticate", lambda *a: hashed.append(a[1]) or real(*a))
    at = apptest.open_page("overview", role=None)
    for n in range(3):
        at = _sign_in(at, f"random-{n}", "guess")
        assert "Wrong username or password" in _errors(at)
    at = _sign_in(at, "random-3", "guess")
    assert "Too many sign-in attempts" in _errors(at)
    at = _sign_in(at, "demo-admin", accounts.DEMO_PASSWORD)
    assert "Too many sign-in attempts" in _errors(at)
    assert hashed == ["random-0", "random-1", "random-2"]


# ---------------------------------------------------------------- item 5: the hand-off is bound to the browser


def _store_with_session() -> tuple[sessions.SessionStore, str]:
    store = sessions.SessionStore()
    return store, store.create(User("ann", "affiliate", affiliate_id="AF001", fingerprint="f"))


def test_a_hand_off_token_redeems_only_in_the_browser_that_signed_in() -> None:
    store, session_id = _store_with_session()
    token = store.handoff(session_id, "browser-of-ann")
    assert store.redeem(token, "browser-of-victim") is None  # another browser: refused ...
    assert store.redeem(token, "browser-of-ann") is None  # ... and the token is used up
    token = store.handoff(session_id, "browser-of-ann")
    assert store.redeem(token, None) is None  # no browser cookie at all
    token = store.handoff(session_id, "browser-of-ann")
    assert store.redeem(token, "browser-of-ann") == session_id
    assert store.redeem(token, "browser-of-ann") is None  # once
    token = store.handoff(session_id, None)  # signed in without a browser cookie: never redeems
    assert store.redeem(token, None) is None and store.redeem(token, "") is None


# ---------------------------------------------------------------- item 7: which session an upload comes from


def test_an_upload_connection_counts_as_staff_only_while_its_admin_session_lives() -> None:
    store = sessions.SessionStore()
    admin = store.create(User("boss", "admin", fingerprint="f"))
    reader = store.create(User("ann", "affiliate", affiliate_id="AF001", fingerprint="g"))
    store.bind_client("conn-admin", admin)
    store.bind_client("conn-affiliate", reader)
    assert store.signed_in_on("conn-admin", 3600, 43200).user.role == "admin"
    assert store.signed_in_on("conn-affiliate", 3600, 43200).user.role == "affiliate"
    assert store.signed_in_on("conn-unknown", 3600, 43200) is None
    store.end(admin)  # signed out (or revoked)
    assert store.signed_in_on("conn-admin", 3600, 43200) is None
    store.bind_client("conn-affiliate", None)  # this connection signed out
    assert store.signed_in_on("conn-affiliate", 3600, 43200) is None
    store.sweep(3600, 43200)
    assert store._clients == {}


def test_each_run_records_which_session_its_connection_runs_under(demo_app: Path) -> None:
    at = apptest.open_page("overview", role=None)
    assert not sessions.STORE._clients or all(
        k in sessions.STORE._sessions for k in sessions.STORE._clients.values()
    )
    at = _sign_in(at, "demo-admin", accounts.DEMO_PASSWORD)
    session_id = at.session_state[auth.SESSION_ID]
    bound = [c for c, k in sessions.STORE._clients.items() if k == sessions.key(session_id)]
    assert len(bound) == 1
    assert sessions.STORE.signed_in_on(bound[0], 3600, 43200).user.username == "demo-admin"
    at.button(key="sign_out").click().run()
    assert sessions.STORE.signed_in_on(bound[0], 3600, 43200) is None


# ---------------------------------------------------------------- item 13


def test_the_cookie_lifetime_is_whole_seconds(monkeypatch) -> None:
    assert sessions.max_seconds() == 43200 and isinstance(sessions.max_seconds(), int)
    monkeypatch.setenv("CPT_SESSION_MAX_HOURS", "0.5")
    assert sessions.max_seconds() == 1800 and isinstance(sessions.max_seconds(), int)
