"""The SQL pieces the evidence queries share (the company scope, request facts, the quarter
series up to `until`) and running one with its bound parameters."""

from __future__ import annotations

from datetime import date

import duckdb

# Shared CTE pieces. They hold no values (only $parameters), so they are plain constants.
_UNTIL = """
params AS (
    SELECT coalesce($until::DATE, (date_trunc('quarter', current_date + 1) - INTERVAL 1 DAY)::DATE) AS until
)"""
_REQUESTS = """
scoped_requests AS (
    SELECT * FROM disclosure_requests WHERE $ids IS NULL OR list_contains($ids, company_id)
)"""
_CASES = """
scoped_cases AS (
    SELECT * FROM cases WHERE $ids IS NULL OR list_contains($ids, company_id)
)"""
# Request facts: the three dates a request's level depends on (as scoring/queries/request_facts.sql).
_REQUEST_FACTS = """
request_facts AS (
    SELECT r.request_id, r.company_id, r.scope, r.due_on,
           min(d.disclosed_on) AS first_disclosed_on,
           (SELECT min(g.recorded_on) FROM due_diligence g WHERE g.request_id = r.request_id)
               AS first_due_diligence_on
    FROM scoped_requests r
    LEFT JOIN disclosures d USING (request_id)
    GROUP BY ALL
)"""


def _quarters(start_sql: str) -> str:
    """A `quarters(quarter_end)` CTE from the quarter of `start_sql` (a constant SQL
    expression, never a value) to `params.until`."""
    # Only constant SQL text from this module goes into start_sql, never a value.
    return f"""
quarters AS (
    SELECT (q + INTERVAL 3 MONTH - INTERVAL 1 DAY)::DATE AS quarter_end
    FROM params, generate_series(date_trunc('quarter', ({start_sql}))::TIMESTAMP,
                                 date_trunc('quarter', params.until)::TIMESTAMP, INTERVAL 3 MONTH) t(q)
)"""  # noqa: S608


def _run(
    cur: duckdb.DuckDBPyConnection,
    sql: str,
    company_ids: list[str] | None,
    until: date | None = None,
    limit: int | None = None,
    offset: int = 0,
):
    params: dict[str, object] = {"ids": company_ids}
    if "$until" in sql:
        params["until"] = until
    if "$limit" in sql:  # a page of rows: LIMIT $limit OFFSET $offset
        params["limit"], params["offset"] = limit, max(0, int(offset))
    return cur.execute(sql, params).df()


# LIMIT NULL is no limit in DuckDB: a page query without a limit returns every row.
_PAGE = "\nLIMIT $limit OFFSET $offset"
