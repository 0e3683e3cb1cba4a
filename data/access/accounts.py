"""Dashboard accounts (DESIGN.md, "Access control"): argon2 hashes in the users table,
written through the store's publish function; a failed-login throttle and a sign-in rate
limit kept in the server process as module-level objects (never in the database file, never
in a Streamlit cache that a browser message could clear).
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from data import settings
from data.queries import accounts as account_queries
from data.store import writes

ROLES = ("admin", "affiliate", "company")
DEMO_PASSWORD = "cpt-demo"
MIN_PASSWORD = 8

log = logging.getLogger("cpt.auth")
_hasher = PasswordHasher()


class AccountError(Exception):
    """A problem with an account request the user can act on."""


@dataclass(frozen=True)
class User:
    """A signed-in account: what it may see follows from role and company/affiliate."""

    username: str
    role: str
    company_id: str | None = None
    affiliate_id: str | None = None
    # What a session was started with (data/access/sessions.py): changes with the password hash
    # (a new salt on every change), the role and the links. Not part of equality.
    fingerprint: str | None = field(default=None, repr=False, compare=False)


def credential_fingerprint(username: str, password_hash: str, role: str, company_id: str | None,
                affiliate_id: str | None) -> str:  # fmt: skip
    """A digest of the account's credentials and scope: a session is valid only while it matches."""
    parts = (username, password_hash, role, company_id or "", affiliate_id or "")
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _user(
    username: str, password_hash: str, role: str, company_id: str | None, affiliate_id: str | None
) -> User:
    return User(username, role, company_id, affiliate_id,
                credential_fingerprint(username, password_hash, role, company_id, affiliate_id))  # fmt: skip


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"the password must have at least {MIN_PASSWORD} characters")


def _check_links(
    con: duckdb.DuckDBPyConnection, role: str, company_id: str | None, affiliate_id: str | None
) -> None:
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}")
    if role == "company":
        if (
            not company_id
            or not con.execute("SELECT 1 FROM companies WHERE company_id = ?", [company_id]).fetchone()
        ):
            raise AccountError(f"a company account needs an existing --company (got {company_id!r})")
    elif company_id:
        raise AccountError("only a company account has a company")
    if role == "affiliate":
        found = (
            affiliate_id
            and con.execute("SELECT 1 FROM affiliates WHERE affiliate_id = ?", [affiliate_id]).fetchone()
        )
        if not found:
            raise AccountError(f"an affiliate account needs an existing --affiliate (got {affiliate_id!r})")
    elif affiliate_id:
        raise AccountError("only an affiliate account has an affiliate")


def insert_user(
    con: duckdb.DuckDBPyConnection,
    username: str,
    password: str,
    role: str,
    company_id: str | None = None,
    affiliate_id: str | None = None,
) -> None:
    """Add an account on an open read-write connection (inside the caller's transaction)."""
    _check_password(password)
    _check_links(con, role, company_id, affiliate_id)
    if con.execute("SELECT 1 FROM users WHERE username = ?", [username]).fetchone():
        raise AccountError(f"an account named {username!r} already exists")
    try:
        con.execute(
            "INSERT INTO users (username, password_hash, role, company_id, affiliate_id) VALUES (?, ?, ?, ?, ?)",
            [username, hash_password(password), role, company_id, affiliate_id],
        )
    except duckdb.ConstraintException as exc:
        raise AccountError(
            f"invalid username {username!r}: use 1-64 letters, digits, '.', '_', '@' or '-'"
        ) from exc


def _audit(con: duckdb.DuckDBPyConnection, who: str, action: str, detail: str) -> None:
    con.execute("INSERT INTO audit_log (who, action, detail) VALUES (?, ?, ?)", [who, action, detail])


def add_user(path: Path, username: str, password: str, role: str, company_id: str | None = None,
             affiliate_id: str | None = None, *, who: str) -> None:  # fmt: skip
    def change(con: duckdb.DuckDBPyConnection) -> None:
        insert_user(con, username, password, role, company_id, affiliate_id)
        _audit(con, who, "user add", f"{username} ({role})")

    writes.publish(path, change)


def remove_user(path: Path, username: str, *, who: str) -> None:
    def change(con: duckdb.DuckDBPyConnection) -> None:
        if not con.execute("DELETE FROM users WHERE username = ? RETURNING username", [username]).fetchall():
            raise AccountError(f"no account named {username!r}")
        # and its calendar link (data/access/calendar_links.py) and language: a new account of that name starts without
        con.execute("DELETE FROM meta WHERE starts_with(key, 'calendar-link:') AND value = ?", [username])
        con.execute("DELETE FROM meta WHERE key = ?", ["language:" + username])  # data/access/languages.py
        _audit(con, who, "user remove", username)

    writes.publish(path, change)


def set_password(path: Path, username: str, password: str, *, who: str) -> None:
    _check_password(password)

    def change(con: duckdb.DuckDBPyConnection) -> None:
        done = con.execute(
            "UPDATE users SET password_hash = ? WHERE username = ? RETURNING username",
            [hash_password(password), username],
        ).fetchall()
        if not done:
            raise AccountError(f"no account named {username!r}")
        _audit(con, who, "user passwd", username)

    writes.publish(path, change)


def list_users(cur: duckdb.DuckDBPyConnection) -> list[dict]:
    """Accounts without their hashes (the query: data/queries/accounts.py)."""
    return account_queries.users(cur)


def count_users(cur: duckdb.DuckDBPyConnection) -> int:
    return cur.execute("SELECT count(*) FROM users").fetchone()[0]


def authenticate(cur: duckdb.DuckDBPyConnection, username: str, password: str) -> User | None:
    """The account if the password matches its hash; None otherwise (never says which part was wrong)."""
    row = cur.execute(
        "SELECT username, password_hash, role, company_id, affiliate_id FROM users WHERE username = ?",
        [username],
    ).fetchone()
    if row is None:
        _hasher.hash(password)  # same work as a real check, so timing does not reveal unknown names
        return None
    try:
        _hasher.verify(row[1], password)
    except (VerificationError, InvalidHashError):
        return None
    return _user(*row)


def find_user(cur: duckdb.DuckDBPyConnection, username: str) -> User | None:
    """The account as the database holds it now (with its current credential fingerprint)."""
    row = cur.execute(
        "SELECT username, password_hash, role, company_id, affiliate_id FROM users WHERE username = ?",
        [username],
    ).fetchone()
    return _user(*row) if row else None


class LoginThrottle:
    """Failed sign-ins per username: `max_failures` within `lock_seconds` lock the name for
    `lock_seconds` from the failure that locked it. Each failure also slows the answer a little.

    Holds under parallel attempts: `reserve()` takes a failure slot under the lock BEFORE
    the slow password hash, so at most `max_failures` passwords of one name are ever checked
    per window, however many requests arrive at once; a slot becomes a failure (`failed`) or
    is released (`succeeded`). Locking keeps the failures counted (they age out of the
    window), so the count does not restart. The clock and the sleep are injectable for tests.
    """

    def __init__(self, max_failures: int = 5, lock_seconds: float = 15 * 60,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep,
                 delay_per_failure: float = 0.25) -> None:  # fmt: skip
        self.max_failures = max_failures
        self.lock_seconds = lock_seconds
        self.clock = clock
        self.sleep = sleep
        self.delay_per_failure = delay_per_failure
        self._failures: dict[str, list[float]] = {}
        self._pending: dict[str, int] = {}
        self._locked_until: dict[str, float] = {}
        self._lock = threading.Lock()

    def _recent(self, username: str) -> list[float]:
        now = self.clock()
        kept = [t for t in self._failures.get(username, []) if now - t < self.lock_seconds]
        self._failures[username] = kept
        return kept

    def _wait(self, username: str) -> float:
        return max(0.0, self._locked_until.get(username, 0.0) - self.clock())

    def locked_for(self, username: str) -> float:
        """Seconds until `username` may try again (0 when it may)."""
        with self._lock:
            return self._wait(username)

    def reserve(self, username: str) -> float:
        """Before checking a password: 0.0 and a slot taken when the name may be tried now,
        else the seconds to wait (locked, or every remaining attempt is being checked now)."""
        with self._lock:
            wait = self._wait(username)
            if wait > 0:
                return wait
            if len(self._recent(username)) + self._pending.get(username, 0) >= self.max_failures:
                return max(1.0, self._wait(username))  # the checks in flight will lock it
            self._pending[username] = self._pending.get(username, 0) + 1
            return 0.0

    def _release(self, username: str) -> None:
        left = self._pending.get(username, 0) - 1
        if left > 0:
            self._pending[username] = left
        else:
            self._pending.pop(username, None)

    def failed(self, username: str) -> int:
        """Record a failure (turning a reserved slot into one); returns the failures counted
        for the name now. The one that reaches `max_failures` locks the name."""
        with self._lock:
            self._release(username)
            recent = self._recent(username)
            recent.append(self.clock())
            count = len(recent)
            if count >= self.max_failures and self._wait(username) == 0:
                self._locked_until[username] = self.clock() + self.lock_seconds
                locked = True
            else:
                locked = False
        log.warning("sign-in failed for user=%r (%d of %d)", username, count, self.max_failures)
        if locked:
            log.warning("user=%r locked for %d minutes", username, self.lock_seconds // 60)
        self.sleep(min(2.0, self.delay_per_failure * count))
        return count

    def release(self, username: str) -> None:
        """Give back a reserved slot without a verdict (the password was never checked)."""
        with self._lock:
            self._release(username)

    def succeeded(self, username: str) -> None:
        with self._lock:
            self._release(username)
            self._failures.pop(username, None)
            self._locked_until.pop(username, None)
        log.info("sign-in ok for user=%r", username)


class SignInLimiter:
    """How many passwords the server hashes, whatever the usernames: at most `per_client`
    attempts from one client address and `overall` attempts in all within any `window`
    seconds, and at most `concurrent` hashes at once (argon2 takes 64 MiB each).

    The per-name lock (LoginThrottle) cannot stop a flood of fresh random usernames; this
    refuses the surplus before any hashing, in microseconds. Only admitted attempts are
    remembered, so its memory is bounded by `overall`. Thread-safe; clock injectable.
    """

    def __init__(self, per_client: int = 30, overall: int = 120, window: float = 60.0, concurrent: int = 2,
                 clock: Callable[[], float] = time.monotonic) -> None:  # fmt: skip
        self.per_client = per_client
        self.overall = overall
        self.window = window
        self.clock = clock
        self._lock = threading.Lock()
        self._all: deque[float] = deque()
        self._by_client: dict[str, deque[float]] = {}
        self._hashing = threading.BoundedSemaphore(max(1, concurrent))

    def _expire(self, now: float) -> None:
        while self._all and now - self._all[0] >= self.window:
            self._all.popleft()
        for client in [
            c for c, times in self._by_client.items() if not times or now - times[-1] >= self.window
        ]:
            del self._by_client[client]

    def admit(self, client: str) -> float:
        """0.0 and the attempt counted when `client` may try now, else the seconds to wait."""
        with self._lock:
            now = self.clock()
            self._expire(now)
            mine = self._by_client.get(client)
            if mine is not None:
                while mine and now - mine[0] >= self.window:
                    mine.popleft()
            waits = []
            if mine and len(mine) >= self.per_client:
                waits.append(mine[0] + self.window - now)
            if len(self._all) >= self.overall:
                waits.append(self._all[0] + self.window - now)
            if waits:
                return max(1.0, max(waits))
            self._all.append(now)
            self._by_client.setdefault(client, deque()).append(now)
            return 0.0

    def hashing(self, timeout: float = 30.0) -> bool:
        """Take one of the `concurrent` hashing slots (False when none freed within `timeout`);
        give it back with `done_hashing`."""
        return self._hashing.acquire(timeout=timeout)

    def done_hashing(self) -> None:
        self._hashing.release()


_guards_lock = threading.Lock()
_throttle: LoginThrottle | None = None
_limiter: SignInLimiter | None = None


def throttle() -> LoginThrottle:
    """The process's one failed-sign-in throttle, a plain module-level object: no browser
    message (Streamlit's clear_cache empties st.cache_resource) can reset it. Configured on
    first use from CPT_MAX_FAILURES (5), CPT_LOCK_MINUTES (15), CPT_LOGIN_DELAY (0.25 s)."""
    global _throttle
    with _guards_lock:
        if _throttle is None:
            _throttle = LoginThrottle(
                max_failures=settings.value("CPT_MAX_FAILURES"),
                lock_seconds=settings.value("CPT_LOCK_MINUTES") * 60,
                delay_per_failure=settings.value("CPT_LOGIN_DELAY"),
            )
        return _throttle


def limiter() -> SignInLimiter:
    """The process's one sign-in rate limit (module-level, like `throttle`): CPT_SIGNIN_PER_CLIENT
    (30) attempts a minute from one address, CPT_SIGNIN_PER_MINUTE (120) in all,
    CPT_SIGNIN_CONCURRENT (2) password hashes at once."""
    global _limiter
    with _guards_lock:
        if _limiter is None:
            _limiter = SignInLimiter(
                per_client=settings.value("CPT_SIGNIN_PER_CLIENT"),
                overall=settings.value("CPT_SIGNIN_PER_MINUTE"),
                concurrent=settings.value("CPT_SIGNIN_CONCURRENT"),
            )
        return _limiter


def reset_guards() -> None:
    """Forget the throttle and the rate limit (tests only: nothing in the app calls this)."""
    global _throttle, _limiter
    with _guards_lock:
        _throttle = _limiter = None


@dataclass(frozen=True)
class SignIn:
    """The outcome of one sign-in attempt: the account, or why not (never which part was wrong)."""

    user: User | None = None
    locked_for: float = 0.0  # > 0: refused without checking the password
    failures: int = 0
    busy_for: float = 0.0  # > 0: too many attempts (this client or the server): refused before hashing


def sign_in(cur: duckdb.DuckDBPyConnection, guard: LoginThrottle, username: str, password: str,
            limit: SignInLimiter | None = None, client: str = "") -> SignIn:  # fmt: skip
    """One sign-in attempt through the rate limit and the throttle: the client's and the
    server's attempt counts, the name's lock and a reserved failure slot are checked before
    the password hash is computed, so neither parallel attempts nor fresh names pass the limits."""
    if limit is not None:
        wait = limit.admit(client)
        if wait > 0:
            log.warning("sign-in refused before hashing: too many attempts (client=%r)", client)
            return SignIn(busy_for=wait)
    wait = guard.reserve(username)
    if wait > 0:
        return SignIn(locked_for=wait)
    if limit is not None and not limit.hashing():
        guard.release(username)
        return SignIn(busy_for=5.0)
    try:
        found = authenticate(cur, username, password)
    except BaseException:
        guard.failed(username)  # an error counts as a failure: the slot is never lost
        raise
    finally:
        if limit is not None:
            limit.done_hashing()
    if found is None:
        return SignIn(failures=guard.failed(username))
    guard.succeeded(username)
    return SignIn(user=found)
