"""Named read queries for the pages. Each takes a DuckDB cursor; values are bound parameters."""

from __future__ import annotations

import duckdb
import pandas as pd

from data.tables import TABLE_NAMES


def table_counts(cur: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Rows per evidence table, in DATA_FORMAT.md's order."""
    # Table names come from data/tables.py, never from input.
    union = " UNION ALL ".join(
        f"SELECT '{name}' AS table_name, count(*) AS rows FROM {name}"  # noqa: S608
        for name in TABLE_NAMES
    )
    counts = cur.execute(union).df()
    order = {name: i for i, name in enumerate(TABLE_NAMES)}
    return counts.sort_values("table_name", key=lambda s: s.map(order)).reset_index(drop=True)


def evidence_date_range(cur: duckdb.DuckDBPyConnection) -> tuple[object, object]:
    """First and last evidence date (requests, disclosures, due diligence, cases, events)."""
    row = cur.execute(
        """
        SELECT min(d), max(d) FROM (
            SELECT requested_on AS d FROM disclosure_requests
            UNION ALL SELECT disclosed_on FROM disclosures
            UNION ALL SELECT recorded_on FROM due_diligence
            UNION ALL SELECT opened_on FROM cases
            UNION ALL SELECT event_date FROM events
        )
        """
    ).fetchone()
    return (row[0], row[1]) if row else (None, None)


def companies(cur: duckdb.DuckDBPyConnection, company_ids: list[str] | None = None) -> pd.DataFrame:
    """Companies with role, HQ country and how much evidence each has."""
    return cur.execute(
        """
        SELECT c.company_id, c.name, c.role, c.hq_country,
               (SELECT count(*) FROM product_models p WHERE p.company_id = c.company_id) AS product_models,
               (SELECT count(*) FROM disclosure_requests r WHERE r.company_id = c.company_id) AS requests,
               (SELECT count(*) FROM cases k WHERE k.company_id = c.company_id) AS cases
        FROM companies c
        WHERE $ids IS NULL OR list_contains($ids, c.company_id)
        ORDER BY c.name
        """,
        {"ids": company_ids},
    ).df()


def is_demo(cur: duckdb.DuckDBPyConnection) -> bool:
    row = cur.execute("SELECT value FROM meta WHERE key = 'demo'").fetchone()
    return bool(row and row[0] == "true")
