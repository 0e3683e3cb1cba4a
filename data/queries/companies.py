"""Named read queries for the pages. Each takes a DuckDB cursor; values are bound parameters."""

from __future__ import annotations

import duckdb
import pandas as pd


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


def affiliates(cur: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Affiliates that hold at least one contract, by name."""
    return cur.execute(
        """
        SELECT a.affiliate_id, a.name, a.country, a.kind
        FROM affiliates a
        WHERE EXISTS (SELECT 1 FROM contracts k WHERE k.affiliate_id = a.affiliate_id)
        ORDER BY a.name
        """
    ).df()


def company_filters(cur: duckdb.DuckDBPyConnection, company_ids: list[str] | None = None) -> pd.DataFrame:
    """Per company: role, the affiliates it has contracts with and its product categories (lists)."""
    return cur.execute(
        """
        SELECT c.company_id, c.role,
               coalesce((SELECT list(DISTINCT k.affiliate_id ORDER BY k.affiliate_id) FROM contracts k
                         WHERE k.company_id = c.company_id), []) AS affiliate_ids,
               coalesce((SELECT list(DISTINCT p.category ORDER BY p.category) FROM product_models p
                         WHERE p.company_id = c.company_id), []) AS categories
        FROM companies c
        WHERE $ids IS NULL OR list_contains($ids, c.company_id)
        ORDER BY c.company_id
        """,
        {"ids": company_ids},
    ).df()


def company_evidence_events(cur: duckdb.DuckDBPyConnection, company_id: str) -> pd.DataFrame:
    """Dated evidence to annotate a trajectory: requests due, reports opened, remediation verified,
    retaliation confirmed. Columns: date, kind, request_id, scope, case_id, finding_id (ids, so
    presentation mode can swap them) and label (`label_evidence_events`)."""
    events = cur.execute(
        """
        SELECT due_on AS date, 'request_due' AS kind, request_id, scope,
               NULL::VARCHAR AS case_id, NULL::VARCHAR AS finding_id
        FROM disclosure_requests WHERE company_id = $company
        UNION ALL
        SELECT opened_on, 'case_opened', NULL, NULL, case_id, NULL FROM cases WHERE company_id = $company
        UNION ALL
        SELECT e.event_date, CASE e.event_type WHEN 'verified' THEN 'verified' ELSE 'retaliation' END,
               NULL, NULL, e.case_id, e.finding_id
        FROM events e JOIN cases c USING (case_id)
        WHERE c.company_id = $company AND e.event_type IN ('verified', 'retaliation_confirmed')
        ORDER BY 1, 2, 3, 5, 6
        """,
        {"company": company_id},
    ).df()
    return label_evidence_events(events)


def label_evidence_events(events: pd.DataFrame) -> pd.DataFrame:
    """`events` with a `label` column ("RQ1 (final assembly)", "CS1 opened", "CS1: finding F1
    verified", "CS1: retaliation confirmed"), built from the (possibly disguised) id columns."""
    out = events.copy()
    labels = []
    for r in out.itertuples(index=False):
        if r.kind == "request_due":
            labels.append(f"{r.request_id} ({str(r.scope).replace('_', ' ')})")
        elif r.kind == "case_opened":
            labels.append(f"{r.case_id} opened")
        elif r.kind == "verified":
            labels.append(f"{r.case_id}: finding {r.finding_id} verified")
        else:
            labels.append(f"{r.case_id}: retaliation confirmed")
    out["label"] = pd.Series(labels, index=out.index, dtype=object)
    return out


def audit_log(cur: duckdb.DuckDBPyConnection, limit: int = 200) -> pd.DataFrame:
    """The newest applied writes first."""
    return cur.execute(
        "SELECT logged_at, who, action, detail, counts FROM audit_log ORDER BY audit_id DESC LIMIT ?", [limit]
    ).df()


def open_findings(cur: duckdb.DuckDBPyConnection, company_id: str, as_of: object) -> pd.DataFrame:
    """Findings of the company's cases opened by `as_of` that were not verified as remedied by then."""
    return cur.execute(
        """
        SELECT k.case_id AS "Case", f.finding_id AS "Finding", k.opened_on AS "Opened",
               k.factory_id, fa.legal_name AS factory, f.code_area AS "Code area", f.severity AS "Severity",
               EXISTS (SELECT 1 FROM events e WHERE e.finding_id = f.finding_id
                       AND e.event_type = 'evidence_submitted' AND e.event_date <= $as_of) AS "Evidence submitted"
        FROM findings f JOIN cases k USING (case_id) JOIN factories fa ON fa.factory_id = k.factory_id
        WHERE k.company_id = $company AND k.opened_on <= $as_of
          AND NOT EXISTS (SELECT 1 FROM events e WHERE e.finding_id = f.finding_id
                          AND e.event_type = 'verified' AND e.event_date <= $as_of)
        ORDER BY k.opened_on, f.finding_id
        """,
        {"company": company_id, "as_of": as_of},
    ).df()


def company_names(cur: duckdb.DuckDBPyConnection, company_id: str) -> pd.DataFrame:
    """Names of what a company's explanation mentions: its product models, and the factories
    it disclosed or that have a monitoring case of it. One row per entity, with either
    factory_id and legal_name or product_model_id and product_model set."""
    return cur.execute(
        """
        SELECT NULL::VARCHAR AS factory_id, NULL::VARCHAR AS legal_name,
               product_model_id, name AS product_model
        FROM product_models WHERE company_id = $company
        UNION ALL
        SELECT f.factory_id, f.legal_name, NULL, NULL
        FROM factories f
        WHERE f.factory_id IN (SELECT d.factory_id FROM disclosures d JOIN disclosure_requests r USING (request_id)
                               WHERE r.company_id = $company)
           OR f.factory_id IN (SELECT k.factory_id FROM cases k WHERE k.company_id = $company)
        ORDER BY 3, 1
        """,
        {"company": company_id},
    ).df()
