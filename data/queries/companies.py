"""Named read queries for the pages. Each takes a DuckDB cursor; values are bound parameters."""

from __future__ import annotations

import duckdb
import pandas as pd

from data.queries.named import query


def companies(cur: duckdb.DuckDBPyConnection, company_ids: list[str] | None = None) -> pd.DataFrame:
    """Companies with role, HQ country and how much evidence each has."""
    return cur.execute(
        query("companies"),
        {"ids": company_ids},
    ).df()


def is_demo(cur: duckdb.DuckDBPyConnection) -> bool:
    row = cur.execute("SELECT value FROM meta WHERE key = 'demo'").fetchone()
    return bool(row and row[0] == "true")


def affiliates(cur: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Affiliates that hold at least one contract, by name."""
    return cur.execute(query("affiliates")).df()


def company_filters(cur: duckdb.DuckDBPyConnection, company_ids: list[str] | None = None) -> pd.DataFrame:
    """Per company: role, the affiliates it has contracts with and its product categories (lists)."""
    return cur.execute(
        query("company_filters"),
        {"ids": company_ids},
    ).df()


def company_evidence_events(cur: duckdb.DuckDBPyConnection, company_id: str) -> pd.DataFrame:
    """Dated evidence to annotate a trajectory: requests due, reports opened, remediation verified,
    retaliation confirmed. Columns: date, kind, request_id, scope, case_id, finding_id (ids, so
    presentation mode can swap them) and label (`label_evidence_events`)."""
    events = cur.execute(
        query("company_evidence_events"),
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
        query("open_findings"),
        {"company": company_id, "as_of": as_of},
    ).df()


def company_names(cur: duckdb.DuckDBPyConnection, company_id: str) -> pd.DataFrame:
    """Names of what a company's explanation mentions: its product models, and the factories
    it disclosed or that have a monitoring case of it. One row per entity, with either
    factory_id and legal_name or product_model_id and product_model set."""
    return cur.execute(
        query("company_names"),
        {"company": company_id},
    ).df()
