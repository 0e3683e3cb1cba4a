"""Secret calendar links: a per-account URL a calendar program subscribes to (My contracts).

The link carries a random token (`secrets.token_urlsafe(32)`, 256 bits); the database keeps
only its SHA-256 (in `meta`, key `calendar-link:<hash>`, value the username), written
through the one write path (data/store/writes.py) with an audit log entry. One link per
account: making a new one revokes the old. The token is shown once, when it is made.

At every request (`account_of`) the token's hash is looked up and the account read afresh
(data/access/accounts.py): an unknown or revoked token, or a removed account, gives None;
the calendar is then built for the account's current role and organisation, so a changed
scope takes effect at the next refresh. Removing an account removes its link too
(`accounts.remove_user`), so an account re-made under the same name does not inherit it.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from pathlib import Path

import duckdb

from data.access import accounts
from data.access.accounts import User
from data.store import writes

PREFIX = "calendar-link:"
TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")  # token_urlsafe(32)


def _key(token: str) -> str:
    return PREFIX + hashlib.sha256(token.encode()).hexdigest()


def drop_links(con: duckdb.DuckDBPyConnection, username: str) -> None:
    """Inside a write: remove every calendar link of `username`."""
    con.execute("DELETE FROM meta WHERE starts_with(key, ?) AND value = ?", [PREFIX, username])


def new_link(path: Path, username: str, *, who: str) -> str:
    """Make the account's calendar link (revoking the one before); the token, shown once."""
    token = secrets.token_urlsafe(32)

    def change(con: duckdb.DuckDBPyConnection) -> None:
        if not con.execute("SELECT 1 FROM users WHERE username = ?", [username]).fetchone():
            raise accounts.AccountError(f"no account named {username!r}")
        drop_links(con, username)
        con.execute("INSERT INTO meta VALUES (?, ?)", [_key(token), username])
        con.execute(
            "INSERT INTO audit_log (who, action, detail) VALUES (?, 'calendar link', ?)",
            [who, f"new calendar link for {username} (the one before revoked)"],
        )

    writes.publish(path, change)
    return token


def revoke(path: Path, username: str, *, who: str) -> None:
    """Revoke the account's calendar link (its URL answers 404 from now on)."""

    def change(con: duckdb.DuckDBPyConnection) -> None:
        drop_links(con, username)
        con.execute(
            "INSERT INTO audit_log (who, action, detail) VALUES (?, 'calendar link', ?)",
            [who, f"calendar link of {username} revoked"],
        )

    writes.publish(path, change)


def has_link(cur: duckdb.DuckDBPyConnection, username: str) -> bool:
    found = cur.execute(
        "SELECT 1 FROM meta WHERE starts_with(key, ?) AND value = ? LIMIT 1", [PREFIX, username]
    ).fetchone()
    return found is not None


def account_of(cur: duckdb.DuckDBPyConnection, token: str | None) -> User | None:
    """The account a token belongs to, as it is now; None for an unknown, revoked or malformed
    token, or an account removed since."""
    if not token or not TOKEN.fullmatch(token):
        return None
    row = cur.execute("SELECT value FROM meta WHERE key = ?", [_key(token)]).fetchone()
    return None if row is None else accounts.find_user(cur, row[0])
