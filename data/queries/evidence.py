"""Named read queries for the evidence pages (Supplier transparency, Factory improvement).

Each function takes a DuckDB cursor and an optional scope `company_ids` (None = every
company; a list restricts every row to those companies, so a company-role session
never sees another company's evidence). Values are bound parameters.

Quarter series run from the first quarter with evidence in scope to `until`, a quarter
end (default: the last quarter end on or before today, as `scoring.last_quarter_end`).
Levels follow METHODOLOGY.md section 1: the level of a request at a date `t` uses only
rows dated on or before `t`:

* FULL: at least one factory disclosed, and every factory's state complete (a factory's
  state is its latest disclosure row for the request, so a partial can be completed later);
* PARTIAL: at least one factory disclosed, and some factory's state incomplete;
* DUE_DILIGENCE: no disclosure row but a due-diligence record;
* NONE: neither.
"""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from scoring import facts

LEVELS = ("FULL", "PARTIAL", "DUE_DILIGENCE", "NONE")
TIERS = ("final_assembly", "components")

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


# ---------------------------------------------------------------- supplier transparency


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


# ---------------------------------------------------------------- factory improvement


_CASE_PROGRESS = f"""
    WITH {_CASES},
    finding_status AS (
        SELECT fi.case_id, fi.finding_id, fi.severity,
               min(e.event_date) FILTER (WHERE e.event_type = 'evidence_submitted') AS evidence_on,
               min(e.event_date) FILTER (WHERE e.event_type = 'verified') AS verified_on
        FROM findings fi JOIN scoped_cases c USING (case_id)
        LEFT JOIN events e ON e.finding_id = fi.finding_id AND e.case_id = fi.case_id
        GROUP BY ALL
    ),
    finding_summary AS (
        SELECT case_id,
               count(*) AS findings,
               count(*) FILTER (WHERE evidence_on IS NOT NULL OR verified_on IS NOT NULL) AS findings_evidenced,
               count(*) FILTER (WHERE verified_on IS NOT NULL) AS findings_verified,
               CASE max(CASE severity WHEN 'critical' THEN 3 WHEN 'major' THEN 2 ELSE 1 END)
                   WHEN 3 THEN 'critical' WHEN 2 THEN 'major' ELSE 'minor' END AS most_severe
        FROM finding_status GROUP BY case_id
    ),
    case_events AS (
        SELECT case_id,
               min(event_date) FILTER (WHERE event_type = 'acknowledged') AS acknowledged_on,
               min(event_date) FILTER (WHERE event_type = 'access_granted') AS access_granted_on,
               min(event_date) FILTER (WHERE event_type = 'plan_submitted') AS plan_submitted_on,
               min(event_date) FILTER (WHERE event_type IN ('evidence_submitted', 'verified')) AS evidence_on,
               min(event_date) FILTER (WHERE event_type = 'verified') AS verified_on,
               min(event_date) FILTER (WHERE event_type = 'retaliation_confirmed') AS retaliation_on
        FROM events JOIN scoped_cases USING (case_id)
        GROUP BY case_id
    )
    SELECT c.case_id, c.company_id, k.name AS company, c.factory_id, f.legal_name AS factory, f.country,
           c.title, c.opened_on,
           e.acknowledged_on, e.access_granted_on, e.plan_submitted_on, e.evidence_on, e.verified_on,
           e.retaliation_on,
           coalesce(s.findings, 0) AS findings,
           coalesce(s.findings_evidenced, 0) AS findings_evidenced,
           coalesce(s.findings_verified, 0) AS findings_verified,
           s.most_severe,
           date_diff('day', c.opened_on, e.acknowledged_on) AS days_to_acknowledge
    FROM scoped_cases c
    JOIN companies k USING (company_id)
    JOIN factories f USING (factory_id)
    LEFT JOIN case_events e USING (case_id)
    LEFT JOIN finding_summary s USING (case_id)
"""  # noqa: S608
# The case list on the page: open cases first (a finding not yet verified), then the worst:
# confirmed retaliation, the most severe finding, most findings still unverified, the oldest.
_CASE_PAGE = f"""
SELECT *, (plan_submitted_on IS NOT NULL OR evidence_on IS NOT NULL OR verified_on IS NOT NULL) AS engaged,
          retaliation_on IS NOT NULL AS retaliation
FROM ({_CASE_PROGRESS})
ORDER BY (findings_verified < findings) DESC, (retaliation_on IS NOT NULL) DESC,
         CASE most_severe WHEN 'critical' THEN 3 WHEN 'major' THEN 2 WHEN 'minor' THEN 1 ELSE 0 END DESC,
         findings - findings_verified DESC, opened_on, case_id"""  # noqa: S608


def case_progress(cur: duckdb.DuckDBPyConnection, company_ids: list[str] | None = None) -> pd.DataFrame:
    """One row per monitoring case with the first date of each engagement stage.

    Stages (METHODOLOGY.md section 2): opened_on; acknowledged_on, access_granted_on,
    plan_submitted_on (first such event); evidence_on and verified_on (first remediation
    evidence / verification of any finding); retaliation_on (first confirmed retaliation).
    Also: findings, findings_evidenced (with evidence or verified), findings_verified,
    most_severe finding, days_to_acknowledge. `label_cases` adds `case_label` (the name of
    the case on a chart) from the company and case_id columns.
    """
    sql = _CASE_PROGRESS + "\n    ORDER BY k.name, c.opened_on, c.case_id"
    return label_cases(_run(cur, sql, company_ids))


def label_cases(cases: pd.DataFrame) -> pd.DataFrame:
    """`cases` (from `case_progress`, possibly disguised) with `case_label`: "company · case"."""
    out = cases.copy()
    out["case_label"] = pd.Series(
        [f"{c} · {k}" for c, k in zip(out["company"], out["case_id"], strict=True)],
        index=out.index,
        dtype=object,
    )
    return out


def case_page(
    cur: duckdb.DuckDBPyConnection,
    company_ids: list[str] | None = None,
    limit: int | None = 50,
    offset: int = 0,
) -> pd.DataFrame:
    """A page of `case_progress` rows, open cases first and the worst first (retaliation
    confirmed, most severe finding, most findings not yet verified, oldest report), with a
    `status` column as scoring.facts defines it (open, remediation in progress, verified: every
    finding verified, retaliation)."""
    sql = _CASE_PAGE + _PAGE
    page = facts.with_case_status(_run(cur, sql, company_ids, limit=limit, offset=offset))
    return label_cases(page.drop(columns=["engaged", "retaliation"]))


def improvement_summary(cur: duckdb.DuckDBPyConnection, company_ids: list[str] | None = None) -> pd.DataFrame:
    """One row: cases, findings, verified findings, acknowledged cases, retaliation cases;
    the median days from a case's opened_on to its first `acknowledged` event (over
    acknowledged cases) and to each finding's first `verified` event (over verified
    findings). Medians are NULL (n/a) when nothing was acknowledged / verified."""
    sql = f"""
    WITH {_CASES},
    acks AS (
        SELECT c.case_id, date_diff('day', c.opened_on, min(e.event_date)) AS days
        FROM scoped_cases c JOIN events e USING (case_id)
        WHERE e.event_type = 'acknowledged' GROUP BY c.case_id, c.opened_on
    ),
    verifications AS (
        SELECT e.finding_id, date_diff('day', c.opened_on, min(e.event_date)) AS days
        FROM scoped_cases c JOIN events e USING (case_id)
        WHERE e.event_type = 'verified' GROUP BY e.finding_id, c.opened_on
    )
    SELECT
        (SELECT count(*) FROM scoped_cases) AS cases,
        (SELECT count(*) FROM findings JOIN scoped_cases USING (case_id)) AS findings,
        (SELECT count(*) FROM verifications) AS findings_verified,
        (SELECT count(*) FROM acks) AS cases_acknowledged,
        (SELECT count(DISTINCT case_id) FROM events JOIN scoped_cases USING (case_id)
            WHERE event_type = 'retaliation_confirmed') AS retaliation_cases,
        (SELECT median(days) FROM acks) AS median_days_to_acknowledge,
        (SELECT median(days) FROM verifications) AS median_days_to_verify
    """  # noqa: S608
    return _run(cur, sql, company_ids)


def findings_by_area(cur: duckdb.DuckDBPyConnection, company_ids: list[str] | None = None) -> pd.DataFrame:
    """Findings per code area and severity, areas with most findings first.
    Columns: code_area, severity, findings."""
    sql = f"""
    WITH {_CASES}
    SELECT fi.code_area, fi.severity, count(*) AS findings,
           sum(count(*)) OVER (PARTITION BY fi.code_area) AS area_total
    FROM findings fi JOIN scoped_cases USING (case_id)
    GROUP BY fi.code_area, fi.severity
    ORDER BY area_total DESC, fi.code_area,
             CASE fi.severity WHEN 'critical' THEN 1 WHEN 'major' THEN 2 ELSE 3 END
    """  # noqa: S608
    return _run(cur, sql, company_ids).drop(columns="area_total")


def findings_status_by_quarter(
    cur: duckdb.DuckDBPyConnection, company_ids: list[str] | None = None, until: date | None = None
) -> pd.DataFrame:
    """Per quarter end q from the first case's quarter: the findings of cases opened on or
    before q, split into `verified` (a `verified` event on or before q) and `open` (not
    verified by q; possibly with evidence submitted). Both statuses present per quarter.
    Columns: quarter_end, status, findings."""
    sql = f"""
    WITH {_UNTIL}, {_CASES},
    finding_dates AS (
        SELECT fi.finding_id, c.opened_on,
               (SELECT min(e.event_date) FROM events e
                 WHERE e.finding_id = fi.finding_id AND e.event_type = 'verified') AS verified_on
        FROM findings fi JOIN scoped_cases c USING (case_id)
    ),
    {_quarters("SELECT min(opened_on) FROM finding_dates")},
    statuses AS (SELECT * FROM (VALUES ('open', 1), ('verified', 2)) v(status, o))
    SELECT q.quarter_end, s.status,
           count(f.finding_id) AS findings
    FROM quarters q CROSS JOIN statuses s
    LEFT JOIN finding_dates f
      ON f.opened_on <= q.quarter_end
     AND (CASE WHEN f.verified_on <= q.quarter_end THEN 'verified' ELSE 'open' END) = s.status
    GROUP BY q.quarter_end, s.status, s.o
    ORDER BY q.quarter_end, s.o
    """  # noqa: S608
    return _run(cur, sql, company_ids, until)


def retaliation_cases(cur: duckdb.DuckDBPyConnection, company_ids: list[str] | None = None) -> pd.DataFrame:
    """Cases with a confirmed retaliation against workers (first confirmation date and its
    note). Columns: case_id, company, factory, country, opened_on, confirmed_on, note."""
    sql = f"""
    WITH {_CASES}
    SELECT c.case_id, c.company_id, k.name AS company, c.factory_id, f.legal_name AS factory, f.country,
           c.opened_on,
           min(e.event_date) AS confirmed_on,
           arg_min(e.note, e.event_date) AS note
    FROM scoped_cases c
    JOIN events e USING (case_id)
    JOIN companies k USING (company_id)
    JOIN factories f ON f.factory_id = c.factory_id
    WHERE e.event_type = 'retaliation_confirmed'
    GROUP BY ALL
    ORDER BY confirmed_on, c.case_id
    """  # noqa: S608
    return _run(cur, sql, company_ids)
