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
SameSite=Strict: a script run is a websocket message and cannot set a response header.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from data.accounts import User

COOKIE = "cpt_session"
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
        self._handoffs: dict[str, tuple[str, float]] = {}  # token hash -> (session id, expiry)

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
            for k in [k for k, (_, until) in self._handoffs.items() if until < now]:
                del self._handoffs[k]

    def __len__(self) -> int:
        with self._lock:
            return len(self._sessions)

    # -- the cookie hand-off: the script asks for a token, the browser redeems it once over HTTP

    def handoff(self, session_id: str) -> str:
        token = secrets.token_urlsafe(24)
        with self._lock:
            self._handoffs[key(token)] = (session_id, self.clock() + HANDOFF_SECONDS)
        return token

    def redeem(self, token: str | None) -> str | None:
        """The session id for a hand-off token, once, within HANDOFF_SECONDS, while the session lives."""
        if not token:
            return None
        with self._lock:
            found = self._handoffs.pop(key(token), None)
            if found is None or found[1] < self.clock() or key(found[0]) not in self._sessions:
                return None
            return found[0]

    def redeemed(self, token: str) -> bool:
        with self._lock:
            return key(token) not in self._handoffs


STORE = SessionStore()
# Set by serve.py when the HTTP routes that write the HttpOnly cookie are mounted.
HTTP_COOKIE_ROUTES = False


def idle_seconds() -> float:
    """CPT_SESSION_IDLE_MINUTES (default 60) without a run end a session."""
    return float(os.environ.get("CPT_SESSION_IDLE_MINUTES", "60")) * 60


def max_seconds() -> float:
    """CPT_SESSION_MAX_HOURS (default 12) after sign-in end a session, however active."""
    return float(os.environ.get("CPT_SESSION_MAX_HOURS", "12")) * 3600
