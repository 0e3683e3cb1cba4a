"""Server-side sign-in sessions (DESIGN.md, "Access control" and "Reads and writes").

A session record lives in the server process only (never in the database file): who
signed in, the account's credential fingerprint at that moment, when it started and when
it was last used. The browser's cookie holds nothing but a random session id; the store
keys its records by a hash of that id, so even a dump of the process memory holds no
usable cookie.

A record ends when the person signs out, after `idle` seconds without a run, after `max`
seconds in all, or (checked by ui/auth.py on every run against the database's current
users table) when the account was removed or its password or role changed, also by the
CLI in another process.

A one-time hand-off token lets an HTTP route (serve.py) set the cookie with HttpOnly and
SameSite=Strict: a script run is a websocket message and cannot set a response header. The
token is bound to the browser that signed in: serve.py gives every browser a random
`cpt_browser` cookie (HttpOnly, SameSite=Strict) with the first page, the sign-in records its
hash with the token, and the token is redeemed only with that cookie (no login CSRF: a link
to another browser's token signs nobody in).

`bind_client` records which sign-in session each Streamlit connection (its session id, the
one in upload URLs) runs under, so an HTTP route can ask who is signed in on it
(`signed_in_on`).
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from data import settings
from data.access.accounts import User

COOKIE = "cpt_session"
BROWSER_COOKIE = "cpt_browser"  # the pre-session cookie a hand-off token is bound to
HANDOFF_SECONDS = 60


@dataclass
class Session:
    user: User
    fingerprint: str
    started: float
    last_seen: float


def key(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("utf-8", "replace")).hexdigest()


class SessionStore:
    """Session records by hashed id; thread-safe (every browser tab runs in its own thread)."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock
        self._lock = threading.Lock()
        self._sessions: dict[str, Session] = {}
        # token hash -> (session id, expiry, hash of the signing-in browser's cpt_browser cookie)
        self._handoffs: dict[str, tuple[str, float, str]] = {}
        self._clients: dict[str, str] = {}  # Streamlit session id -> hash of the session id

    def create(self, user: User) -> str:
        """A new session for an account just read from the database (with its credential
        fingerprint); returns the session id, the cookie's value."""
        session_id = secrets.token_urlsafe(32)
        now = self.clock()
        with self._lock:
            self._sessions[key(session_id)] = Session(user, user.fingerprint or "", now, now)
        return session_id

    def check(self, session_id: str | None, idle: float, max_age: float) -> tuple[Session | None, str | None]:
        """The live session for `session_id` (its last use set to now), or None and why:
        "idle" or "max" when it just expired (the record is dropped), None when unknown."""
        if not session_id:
            return None, None
        hashed = key(session_id)
        now = self.clock()
        with self._lock:
            found = self._sessions.get(hashed)
            if found is None:
                return None, None
            reason = (
                "max" if now - found.started > max_age else "idle" if now - found.last_seen > idle else None
            )
            if reason:
                del self._sessions[hashed]
                return None, reason
            found.last_seen = now
            return found, None

    def end(self, session_id: str | None) -> None:
        if session_id:
            with self._lock:
                self._sessions.pop(key(session_id), None)

    def end_user(self, username: str) -> int:
        """End every session of `username` (account removed or password reset here)."""
        with self._lock:
            keys = [k for k, s in self._sessions.items() if s.user.username == username]
            for k in keys:
                del self._sessions[k]
        return len(keys)

    def sweep(self, idle: float, max_age: float) -> None:
        """Drop expired records and hand-offs (memory only: `check` already refuses them)."""
        now = self.clock()
        with self._lock:
            for k in [k for k, s in self._sessions.items()
                      if now - s.started > max_age or now - s.last_seen > idle]:  # fmt: skip
                del self._sessions[k]
            for k in [k for k, (_, until, _) in self._handoffs.items() if until < now]:
                del self._handoffs[k]
            for c in [c for c, k in self._clients.items() if k not in self._sessions]:
                del self._clients[c]

    def __len__(self) -> int:
        with self._lock:
            return len(self._sessions)

    # -- the cookie hand-off: the script asks for a token, the browser redeems it once over HTTP

    def handoff(self, session_id: str, browser: str | None) -> str:
        """A one-time token for `session_id`, redeemable only by the browser whose `cpt_browser`
        cookie is `browser` (None: no browser cookie, a token that never redeems)."""
        token = secrets.token_urlsafe(24)
        with self._lock:
            self._handoffs[key(token)] = (
                session_id,
                self.clock() + HANDOFF_SECONDS,
                key(browser) if browser else "",
            )
        return token

    def redeem(self, token: str | None, browser: str | None) -> str | None:
        """The session id for a hand-off token, once, within HANDOFF_SECONDS, while the session
        lives, and only for the browser that signed in (its `cpt_browser` cookie). A token
        presented by another browser is used up and refused."""
        if not token:
            return None
        with self._lock:
            found = self._handoffs.pop(key(token), None)
            if found is None or found[1] < self.clock() or key(found[0]) not in self._sessions:
                return None
            if not browser or not found[2] or not secrets.compare_digest(found[2], key(browser)):
                return None
            return found[0]

    def redeemed(self, token: str) -> bool:
        with self._lock:
            return key(token) not in self._handoffs

    # -- which sign-in each Streamlit connection runs under (for HTTP routes such as uploads)

    def bind_client(self, client_id: str | None, session_id: str | None) -> None:
        """Record (every script run) the session a Streamlit connection is signed in with; None: none."""
        if not client_id:
            return
        with self._lock:
            if session_id:
                self._clients[client_id] = key(session_id)
            else:
                self._clients.pop(client_id, None)

    def signed_in_on(self, client_id: str, idle: float, max_age: float) -> Session | None:
        """The live session the Streamlit connection `client_id` is signed in with, or None
        (never bound, signed out, ended or expired). Does not count as a use."""
        now = self.clock()
        with self._lock:
            found = self._sessions.get(self._clients.get(client_id, ""))
            if found is None or now - found.started > max_age or now - found.last_seen > idle:
                return None
            return found


STORE = SessionStore()
# Set by serve.py when the HTTP routes that write the HttpOnly cookie are mounted.
HTTP_COOKIE_ROUTES = False


def idle_seconds() -> float:
    """CPT_SESSION_IDLE_MINUTES (default 60) without a run end a session."""
    return settings.value("CPT_SESSION_IDLE_MINUTES") * 60


def max_seconds() -> int:
    """CPT_SESSION_MAX_HOURS (default 12) after sign-in end a session, however active: whole
    seconds, as a cookie's Max-Age must be."""
    return int(settings.value("CPT_SESSION_MAX_HOURS") * 3600)
