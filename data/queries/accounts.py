"""Dashboard accounts as the staff's Accounts page lists them (never their hashes)."""

from __future__ import annotations

import duckdb

from data.queries.named import query


def users(cur: duckdb.DuckDBPyConnection) -> list[dict]:
    """Accounts without their hashes, by username."""
    rows = cur.execute(query("users"))
    names = [d[0] for d in rows.description]
    return [dict(zip(names, row, strict=True)) for row in rows.fetchall()]
