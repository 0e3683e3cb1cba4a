"""The Factory page: one factory, who disclosed it, its cases, findings and remediation over
time, and the list of disclosed factories with their leverage and open findings."""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from data.queries.contracts.spend import _COMBINED_SPEND, SPEND_STEP_EUR
from data.queries.contracts.viewer import Viewer, _case_status, _run, _with_company_names
from data.queries.contracts.visibility import (
    _CASE_STATUS,
    _FACTORY_BUYERS,
    _MADE_AT,
    _VISIBLE_CASE,
    _VISIBLE_FACTORY,
)
from data.queries.named import query


def factory(cur: duckdb.DuckDBPyConnection, viewer: Viewer, factory_id: str) -> pd.DataFrame:
    """One factory (one row), or no row when it does not exist or the viewer may not see it."""
    sql = f"""
    SELECT f.* FROM factories f
    WHERE f.factory_id = $factory AND {_VISIBLE_FACTORY.format(alias="f")}
    """  # noqa: S608
    return _run(cur, sql, viewer, factory=factory_id)


def factory_disclosures(cur: duckdb.DuckDBPyConnection, viewer: Viewer, factory_id: str) -> pd.DataFrame:
    """Which companies disclosed the factory for which product models (or scopes), since when,
    and whether the latest disclosure was complete. A company sees its own rows only."""
    sql = query("factory_disclosures")
    return _run(cur, sql, viewer, factory=factory_id)


def factory_cases(
    cur: duckdb.DuckDBPyConnection, viewer: Viewer, factory_id: str, today: date
) -> pd.DataFrame:
    """Monitoring cases at the factory with their status on `today`."""
    sql = f"""
    WITH {_CASE_STATUS}
    SELECT s.case_id, s.company_id, c.name AS company, s.opened_on, k.title, s.engaged, s.age_days,
           s.findings, s.open_findings, s.retaliation
    FROM case_status s JOIN companies c ON c.company_id = s.company_id JOIN cases k ON k.case_id = s.case_id
    WHERE s.factory_id = $factory AND {_VISIBLE_CASE.format(alias="s")}
      AND {_VISIBLE_FACTORY.format(alias="s")}
    ORDER BY s.opened_on DESC, s.case_id
    """  # noqa: S608
    return _case_status(_run(cur, sql, viewer, factory=factory_id, today=today))


def factory_findings(
    cur: duckdb.DuckDBPyConnection, viewer: Viewer, factory_id: str, today: date
) -> pd.DataFrame:
    """Findings at the factory by code area and severity: total, verified and open on `today`."""
    sql = f"""
    SELECT f.code_area, f.severity, count(*) AS findings,
           count(*) FILTER (WHERE v.verified_on IS NOT NULL) AS verified,
           count(*) FILTER (WHERE v.verified_on IS NULL) AS open
    FROM findings f JOIN cases s USING (case_id)
    LEFT JOIN (SELECT finding_id, min(event_date) AS verified_on FROM events
               WHERE event_type = 'verified' AND event_date <= $today GROUP BY ALL) v USING (finding_id)
    WHERE s.factory_id = $factory AND s.opened_on <= $today AND {_VISIBLE_CASE.format(alias="s")}
      AND {_VISIBLE_FACTORY.format(alias="s")}
    GROUP BY f.code_area, f.severity
    ORDER BY findings DESC, f.code_area, list_position(['critical', 'major', 'minor'], f.severity)
    """  # noqa: S608
    return _run(cur, sql, viewer, factory=factory_id, today=today)


def factory_remediation(
    cur: duckdb.DuckDBPyConnection, viewer: Viewer, factory_id: str, until: date
) -> pd.DataFrame:
    """Per quarter end from the first case at the factory to `until`: findings reported so far,
    verified as remedied so far, and open."""
    sql = f"""
    WITH fs AS (
        SELECT f.finding_id, s.opened_on,
               (SELECT min(e.event_date) FROM events e WHERE e.finding_id = f.finding_id
                AND e.event_type = 'verified') AS verified_on
        FROM findings f JOIN cases s USING (case_id)
        WHERE s.factory_id = $factory AND {_VISIBLE_CASE.format(alias="s")}
          AND {_VISIBLE_FACTORY.format(alias="s")}
    ),
    quarters AS (
        SELECT (q + INTERVAL 3 MONTH - INTERVAL 1 DAY)::DATE AS quarter_end
        FROM generate_series((SELECT date_trunc('quarter', min(opened_on)) FROM fs)::TIMESTAMP,
                             date_trunc('quarter', $until::DATE)::TIMESTAMP, INTERVAL 3 MONTH) t(q)
    )
    SELECT q.quarter_end,
           count(fs.finding_id) AS reported,
           count(fs.finding_id) FILTER (WHERE fs.verified_on <= q.quarter_end) AS verified,
           count(fs.finding_id) FILTER (WHERE fs.verified_on IS NULL OR fs.verified_on > q.quarter_end) AS open
    FROM quarters q LEFT JOIN fs ON fs.opened_on <= q.quarter_end
    WHERE q.quarter_end <= $until
    GROUP BY q.quarter_end ORDER BY q.quarter_end
    """  # noqa: S608
    return _run(cur, sql, viewer, factory=factory_id, until=until)


def factory_list(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    today: date,
    company_ids: list[str] | None = None,
    order: str = "leverage",
    limit: int = 50,
) -> pd.DataFrame:
    """Disclosed factories (of the given companies, or all the viewer may see) with leverage
    (affiliates with a current contract for a product made there; combined spend under the
    rule of `_COMBINED_SPEND`) and open findings on `today`; the first `limit` by `order`
    ('leverage' or 'open_findings')."""
    sql = f"""
    WITH {_MADE_AT}, {_FACTORY_BUYERS},
    disclosed AS (
        SELECT DISTINCT d.factory_id FROM disclosures d JOIN disclosure_requests r USING (request_id)
        WHERE d.disclosed_on <= $today AND ($ids IS NULL OR list_contains($ids, r.company_id))
          AND ($role IN ('admin', 'affiliate') OR ($role = 'company' AND r.company_id = $comp))
    ),
    lev AS (
        SELECT b.factory_id, count(DISTINCT b.affiliate_id) AS affiliates, {_COMBINED_SPEND}
        FROM (SELECT DISTINCT factory_id, contract_id, affiliate_id, annual_spend_eur FROM buyers) b GROUP BY ALL
    ),
    open_f AS (
        SELECT s.factory_id, count(*) AS open_findings
        FROM findings f JOIN cases s USING (case_id)
        WHERE s.opened_on <= $today AND {_VISIBLE_CASE.format(alias="s")} AND NOT EXISTS (
            SELECT 1 FROM events e WHERE e.finding_id = f.finding_id AND e.event_type = 'verified'
            AND e.event_date <= $today)
        GROUP BY ALL
    )
    SELECT f.factory_id, f.legal_name, f.city, f.country, f.tier, f.latitude, f.longitude,
           (SELECT list(DISTINCT m.company_id) FROM made_at m
            WHERE m.factory_id = f.factory_id
              AND ($role IN ('admin', 'affiliate') OR ($role = 'company' AND m.company_id = $comp))) AS company_ids,
           coalesce(lev.affiliates, 0) AS affiliates_buying, lev.combined_spend_eur,
           CASE WHEN $role = 'affiliate' THEN {SPEND_STEP_EUR} ELSE 0 END AS spend_band_width,
           coalesce(open_f.open_findings, 0) AS open_findings
    FROM disclosed JOIN factories f USING (factory_id)
    LEFT JOIN lev USING (factory_id) LEFT JOIN open_f USING (factory_id)
    ORDER BY CASE WHEN $order = 'open_findings' THEN coalesce(open_f.open_findings, 0)
                  ELSE coalesce(lev.affiliates, 0) END DESC,
             CASE WHEN $order = 'open_findings' THEN coalesce(lev.affiliates, 0)
                  ELSE coalesce(open_f.open_findings, 0) END DESC,
             f.legal_name
    LIMIT $limit
    """  # noqa: S608
    return _with_company_names(
        cur, _run(cur, sql, viewer, today=today, ids=company_ids, order=order, limit=limit)
    )
