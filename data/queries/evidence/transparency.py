"""Supplier transparency: requests and their levels over time, on-time disclosure, factories
disclosed (by quarter, country, missing addresses) and which factory makes which product model."""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from data.queries.evidence.sql import _PAGE, _REQUEST_FACTS, _REQUESTS, _UNTIL, _quarters, _run

LEVELS = ("FULL", "PARTIAL", "DUE_DILIGENCE", "NONE")
TIERS = ("final_assembly", "components")


def transparency_summary(
    cur: duckdb.DuckDBPyConnection, company_ids: list[str] | None = None, until: date | None = None
) -> pd.DataFrame:
    """One row: requests; requests due by `until`; of those, disclosed on time (first
    disclosure on or before due_on) and the on-time rate (%); disclosure rows for factory
    scopes (final_assembly, components), how many are complete (legal name and full
    address) and the share (%); distinct factories disclosed and how many lack an address.
    Rates are NULL when their denominator is 0 (n/a, never 0)."""
    sql = f"""
    WITH {_UNTIL}, {_REQUESTS}, {_REQUEST_FACTS},
    factory_rows AS (
        SELECT d.*, f.address
        FROM disclosures d
        JOIN scoped_requests r USING (request_id)
        JOIN factories f USING (factory_id), params
        WHERE r.scope IN ('final_assembly', 'components') AND d.disclosed_on <= params.until
    ),
    counts AS (
        SELECT
            (SELECT count(*) FROM request_facts) AS requests,
            (SELECT count(*) FROM request_facts, params WHERE due_on <= until) AS due_requests,
            (SELECT count(*) FROM request_facts, params
              WHERE due_on <= until AND first_disclosed_on <= due_on) AS on_time_requests,
            (SELECT count(*) FROM factory_rows) AS disclosure_rows,
            (SELECT count(*) FROM factory_rows WHERE complete) AS complete_rows,
            (SELECT count(DISTINCT factory_id) FROM factory_rows) AS factories,
            (SELECT count(DISTINCT factory_id) FROM factory_rows WHERE coalesce(trim(address), '') = '')
                AS factories_missing_address
    )
    SELECT requests, due_requests, on_time_requests,
           100.0 * on_time_requests / nullif(due_requests, 0) AS on_time_pct,
           disclosure_rows, complete_rows,
           100.0 * complete_rows / nullif(disclosure_rows, 0) AS complete_pct,
           factories, factories_missing_address
    FROM counts
    """  # noqa: S608 - constant CTE text, values are $parameters
    return _run(cur, sql, company_ids, until)


def request_levels_by_quarter(
    cur: duckdb.DuckDBPyConnection, company_ids: list[str] | None = None, until: date | None = None
) -> pd.DataFrame:
    """Per quarter end q with at least one due request (due_on <= q), and per level
    (FULL, PARTIAL, DUE_DILIGENCE, NONE; every level present, 0 when none): the number of
    due requests at that level at q (rows dated on or before q only), the due requests in
    total, and the share in % (the four shares of a quarter add up to 100).
    Columns: quarter_end, level, requests, due_requests, share_pct. All scopes count."""
    sql = f"""
    WITH {_UNTIL}, {_REQUESTS}, {_REQUEST_FACTS},
    {_quarters("SELECT min(due_on) FROM scoped_requests")},
    -- Each disclosure row is a factory's state from its date until the factory's next row.
    factory_states AS (
        SELECT d.request_id, d.complete, d.disclosed_on AS since,
               lead(d.disclosed_on) OVER (PARTITION BY d.request_id, d.factory_id ORDER BY d.disclosed_on)
                   AS replaced_on
        FROM disclosures d JOIN scoped_requests r USING (request_id)
    ),
    partial_at AS (
        SELECT DISTINCT q.quarter_end, s.request_id
        FROM quarters q JOIN factory_states s
          ON NOT s.complete AND s.since <= q.quarter_end
         AND (s.replaced_on IS NULL OR s.replaced_on > q.quarter_end)
    ),
    levelled AS (
        SELECT q.quarter_end,
               CASE WHEN p.request_id IS NOT NULL THEN 'PARTIAL'
                    WHEN f.first_disclosed_on <= q.quarter_end THEN 'FULL'
                    WHEN f.first_due_diligence_on <= q.quarter_end THEN 'DUE_DILIGENCE'
                    ELSE 'NONE' END AS level
        FROM quarters q JOIN request_facts f ON f.due_on <= q.quarter_end
        LEFT JOIN partial_at p ON p.quarter_end = q.quarter_end AND p.request_id = f.request_id
    ),
    totals AS (SELECT quarter_end, count(*) AS due_requests FROM levelled GROUP BY quarter_end),
    levels AS (SELECT * FROM (VALUES ('FULL', 1), ('PARTIAL', 2), ('DUE_DILIGENCE', 3), ('NONE', 4)) v(level, o))
    SELECT t.quarter_end, lv.level,
           count(l.level) AS requests,
           t.due_requests,
           100.0 * count(l.level) / t.due_requests AS share_pct
    FROM totals t CROSS JOIN levels lv
    LEFT JOIN levelled l ON l.quarter_end = t.quarter_end AND l.level = lv.level
    GROUP BY t.quarter_end, lv.level, lv.o, t.due_requests
    ORDER BY t.quarter_end, lv.o
    """  # noqa: S608
    return _run(cur, sql, company_ids, until)


def on_time_by_quarter(
    cur: duckdb.DuckDBPyConnection, company_ids: list[str] | None = None, until: date | None = None
) -> pd.DataFrame:
    """Per quarter end q with a due request: due requests (due_on <= q), those whose first
    disclosure was on or before their due_on, and the on-time rate in %.
    Due diligence is not a disclosure, so it is never on time.
    Columns: quarter_end, due_requests, on_time_requests, on_time_pct."""
    sql = f"""
    WITH {_UNTIL}, {_REQUESTS}, {_REQUEST_FACTS},
    {_quarters("SELECT min(due_on) FROM scoped_requests")}
    SELECT q.quarter_end,
           count(*) AS due_requests,
           count(*) FILTER (WHERE f.first_disclosed_on <= f.due_on) AS on_time_requests,
           100.0 * on_time_requests / due_requests AS on_time_pct
    FROM quarters q JOIN request_facts f ON f.due_on <= q.quarter_end
    GROUP BY q.quarter_end
    ORDER BY q.quarter_end
    """  # noqa: S608
    return _run(cur, sql, company_ids, until)


def factories_disclosed_by_quarter(
    cur: duckdb.DuckDBPyConnection, company_ids: list[str] | None = None, until: date | None = None
) -> pd.DataFrame:
    """Cumulative distinct factories disclosed by each quarter end, per factory tier
    (final_assembly, components; both present, 0 when none), from the quarter of the first
    disclosure for a final_assembly or components request in scope. A factory disclosed
    for several requests or companies counts once. Empty when nothing was disclosed.
    Columns: quarter_end, tier, factories."""
    sql = f"""
    WITH {_UNTIL}, {_REQUESTS},
    first_disclosed AS (
        SELECT d.factory_id, f.tier, min(d.disclosed_on) AS first_on
        FROM disclosures d
        JOIN scoped_requests r USING (request_id)
        JOIN factories f USING (factory_id)
        WHERE r.scope IN ('final_assembly', 'components')
        GROUP BY ALL
    ),
    {_quarters("SELECT min(first_on) FROM first_disclosed")},
    tiers AS (SELECT * FROM (VALUES ('final_assembly', 1), ('components', 2)) v(tier, o))
    SELECT q.quarter_end, t.tier, count(fd.factory_id) AS factories
    FROM quarters q CROSS JOIN tiers t
    LEFT JOIN first_disclosed fd ON fd.tier = t.tier AND fd.first_on <= q.quarter_end
    GROUP BY q.quarter_end, t.tier, t.o
    ORDER BY q.quarter_end, t.o
    """  # noqa: S608
    return _run(cur, sql, company_ids, until)


def factories_by_country(
    cur: duckdb.DuckDBPyConnection, company_ids: list[str] | None = None, until: date | None = None
) -> pd.DataFrame:
    """Distinct factories disclosed (final_assembly/components requests, by `until`) per
    producing country and tier, most factories first. Columns: country, tier, factories."""
    sql = f"""
    WITH {_UNTIL}, {_REQUESTS},
    disclosed AS (
        SELECT DISTINCT f.factory_id, f.country, f.tier
        FROM disclosures d
        JOIN scoped_requests r USING (request_id)
        JOIN factories f USING (factory_id), params
        WHERE r.scope IN ('final_assembly', 'components') AND d.disclosed_on <= params.until
    )
    SELECT country, tier, count(*) AS factories,
           sum(count(*)) OVER (PARTITION BY country) AS country_total
    FROM disclosed
    GROUP BY country, tier
    ORDER BY country_total DESC, country, tier DESC
    """  # noqa: S608
    return _run(cur, sql, company_ids, until).drop(columns="country_total")


def factories_missing_address(
    cur: duckdb.DuckDBPyConnection, company_ids: list[str] | None = None
) -> pd.DataFrame:
    """Disclosed factories (final_assembly/components) with no address on record, with the
    companies that disclosed them. Columns: factory_id, legal_name, city, country, tier,
    first_disclosed_on, companies (names, a list), company_ids (the matching ids)."""
    sql = f"""
    WITH {_REQUESTS}
    SELECT f.factory_id, f.legal_name, f.city, f.country, f.tier,
           min(d.disclosed_on) AS first_disclosed_on,
           list(DISTINCT k.name ORDER BY k.name) AS companies,
           list(DISTINCT k.company_id ORDER BY k.company_id) AS company_ids
    FROM disclosures d
    JOIN scoped_requests r USING (request_id)
    JOIN factories f USING (factory_id)
    JOIN companies k ON k.company_id = r.company_id
    WHERE r.scope IN ('final_assembly', 'components') AND coalesce(trim(f.address), '') = ''
    GROUP BY ALL
    ORDER BY f.legal_name
    """  # noqa: S608
    return _run(cur, sql, company_ids)


def product_factory_links(
    cur: duckdb.DuckDBPyConnection,
    company_ids: list[str] | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> pd.DataFrame:
    """One row per request and disclosed factory: which factory makes (or, for
    compliance_findings, was reported on for) which product model. `disclosed_on` is the
    first disclosure; `complete` is the latest row's flag (a later complete row mends an
    earlier incomplete one). Columns: company_id, company, product_model_id, product_model,
    category, scope, request_id, factory_id, legal_name, country, tier, disclosed_on, complete."""
    sql = f"""
    WITH {_REQUESTS}
    SELECT r.company_id, k.name AS company, r.product_model_id, pm.name AS product_model, pm.category,
           r.scope, r.request_id,
           f.factory_id, f.legal_name, f.country, f.tier,
           min(d.disclosed_on) AS disclosed_on,
           arg_max(d.complete, d.disclosed_on) AS complete
    FROM disclosures d
    JOIN scoped_requests r USING (request_id)
    JOIN companies k ON k.company_id = r.company_id
    JOIN factories f USING (factory_id)
    LEFT JOIN product_models pm ON pm.product_model_id = r.product_model_id
    GROUP BY ALL
    ORDER BY company, product_model, r.scope, disclosed_on, f.legal_name, r.request_id, f.factory_id
    """  # noqa: S608
    return _run(cur, sql + _PAGE, company_ids, limit=limit, offset=offset)


def product_factory_link_count(cur: duckdb.DuckDBPyConnection, company_ids: list[str] | None = None) -> int:
    """How many rows `product_factory_links` returns (distinct request and factory pairs)."""
    sql = f"""
    WITH {_REQUESTS}
    SELECT count(*) FROM (SELECT DISTINCT d.request_id, d.factory_id FROM disclosures d
                          JOIN scoped_requests r USING (request_id) JOIN factories f USING (factory_id))
    """  # noqa: S608
    return int(cur.execute(sql, {"ids": company_ids}).fetchone()[0])
