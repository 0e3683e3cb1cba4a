"""Factory improvement: monitoring cases and their engagement stages (the case list), findings
by code area and by status over time, medians to acknowledge and verify, confirmed retaliation."""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from data.queries.evidence.sql import _CASES, _PAGE, _UNTIL, _quarters, _run
from scoring import facts

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
