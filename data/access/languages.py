"""Each account's language (issue 25): a setting on the account, kept in `meta` under the key
`language:<username>` (no schema change), written through the one write path
(data/store/writes.py) with an audit log entry. Removing an account removes it
(`accounts.remove_user`). No setting: the browser's Accept-Language decides (ui/language.py).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from data.access import accounts
from data.store import writes
from wording import i18n

PREFIX = "language:"


def stored(cur: duckdb.DuckDBPyConnection, username: str) -> str | None:
    """The language the account chose; None when it has not chosen (or chose one no longer offered)."""
    row = cur.execute("SELECT value FROM meta WHERE key = ?", [PREFIX + username]).fetchone()
    if row is None or row[0] not in i18n.LANGUAGES:
        return None
    return row[0]


def drop(con: duckdb.DuckDBPyConnection, username: str) -> None:
    """Inside a write: forget the account's language."""
    con.execute("DELETE FROM meta WHERE key = ?", [PREFIX + username])


def choose(path: Path, username: str, language: str, *, who: str) -> None:
    """Store `language` (a code of i18n.LANGUAGES) as the account's language."""
    if language not in i18n.LANGUAGES:
        raise accounts.AccountError(f"language must be one of {', '.join(i18n.LANGUAGES)}")

    def change(con: duckdb.DuckDBPyConnection) -> None:
        if not con.execute("SELECT 1 FROM users WHERE username = ?", [username]).fetchone():
            raise accounts.AccountError(f"no account named {username!r}")
        drop(con, username)
        con.execute("INSERT INTO meta VALUES (?, ?)", [PREFIX + username, language])
        con.execute(
            "INSERT INTO audit_log (who, action, detail) VALUES (?, 'language', ?)",
            [who, f"{username}: {language}"],
        )

    writes.publish(path, change)
