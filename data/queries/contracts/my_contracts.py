"""My contracts: the viewer's contracts, the product models they cover, the requests about
those models with their state, the deadlines, the factories behind them and their open cases."""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from data.queries.contracts.viewer import Viewer, _case_status, _run
from data.queries.contracts.visibility import (
    _CASE_STATUS,
    _CURRENT,
    _MADE_AT,
    _OWN_COMPANY,
    _VISIBLE_CASE,
    _VISIBLE_CONTRACTS,
)

HORIZON_DAYS = 90
DEADLINE_STATES = ("overdue", "due in the next 90 days")


def contracts(
    cur: duckdb.DuckDBPyConnection, viewer: Viewer, today: date, affiliate_id: str | None = None
) -> pd.DataFrame:
    """The contracts the viewer may see in full: affiliate, company, period, annual spend,
    whether current on `today`, and the product models they cover."""
    sql = f"""
    WITH {_VISIBLE_CONTRACTS}
    SELECT k.contract_id, k.affiliate_id, a.name AS affiliate, k.company_id, c.name AS company,
           k.start_date, k.end_date, k.annual_spend_eur,
           {_CURRENT} AS current,
           (SELECT list(p.name ORDER BY p.name, p.product_model_id) FROM contract_products cp
            JOIN product_models p USING (product_model_id) WHERE cp.contract_id = k.contract_id) AS products,
           (SELECT list(p.product_model_id ORDER BY p.name, p.product_model_id) FROM contract_products cp
            JOIN product_models p USING (product_model_id) WHERE cp.contract_id = k.contract_id) AS product_model_ids
    FROM visible_contracts k JOIN affiliates a USING (affiliate_id) JOIN companies c USING (company_id)
    ORDER BY current DESC, k.start_date DESC, k.contract_id
    """  # noqa: S608 - constant SQL pieces, values are $parameters
    return _run(cur, sql, viewer, today=today, only_aff=affiliate_id)


def contract_models(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    affiliate_id: str | None = None,
    contract_id: str | None = None,
) -> pd.DataFrame:
    """Product models of the viewer's contracts (one row per contract and model); `affiliate_id`
    and `contract_id` (here and below) narrow the view to one affiliate's contracts or one contract."""
    sql = f"""
    WITH {_VISIBLE_CONTRACTS}
    SELECT k.contract_id, p.product_model_id, p.name AS product_model, p.category, k.company_id
    FROM visible_contracts k JOIN contract_products cp USING (contract_id)
    JOIN product_models p USING (product_model_id)
    ORDER BY k.contract_id, p.name
    """  # noqa: S608
    return _run(cur, sql, viewer, only_aff=affiliate_id, only_contract=contract_id)


def model_requests(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    today: date,
    affiliate_id: str | None = None,
    contract_id: str | None = None,
) -> pd.DataFrame:
    """Disclosure requests about the product models of the viewer's contracts, with their
    state on `today`: full / partial (METHODOLOGY.md §1 level: every factory's latest row
    complete, or not), due diligence only, and with no response yet: overdue, due in the
    next 90 days, not yet due."""
    sql = f"""
    WITH {_VISIBLE_CONTRACTS},
    models AS (SELECT DISTINCT cp.product_model_id FROM visible_contracts JOIN contract_products cp USING (contract_id)),
    latest AS (
        SELECT request_id, factory_id, arg_max(complete, disclosed_on) AS complete
        FROM disclosures WHERE disclosed_on <= $today GROUP BY ALL
    ),
    levels AS (
        SELECT r.request_id, count(l.factory_id) AS factories, bool_and(l.complete) AS all_complete,
               max(r.due_on) AS due_on,
               EXISTS (SELECT 1 FROM due_diligence g WHERE g.request_id = r.request_id
                       AND g.recorded_on <= $today) AS due_diligence
        FROM disclosure_requests r LEFT JOIN latest l USING (request_id)
        WHERE r.product_model_id IN (SELECT product_model_id FROM models) AND {_OWN_COMPANY.format(alias="r")}
        GROUP BY r.request_id
    )
    SELECT r.request_id, r.company_id, c.name AS company, r.product_model_id, p.name AS product_model,
           r.scope, r.requested_on, r.due_on, v.factories AS factories_disclosed,
           CASE WHEN v.factories > 0 AND v.all_complete THEN 'full'
                WHEN v.factories > 0 THEN 'partial'
                WHEN v.due_diligence THEN 'due diligence only'
                WHEN r.due_on < $today THEN 'overdue'
                WHEN r.due_on <= $today + {HORIZON_DAYS} THEN 'due in the next 90 days'
                ELSE 'not yet due' END AS state,
           date_diff('day', $today, r.due_on) AS days_to_due
    FROM levels v JOIN disclosure_requests r USING (request_id)
    JOIN product_models p USING (product_model_id) JOIN companies c ON c.company_id = r.company_id
    ORDER BY p.name, r.due_on DESC, r.request_id
    """  # noqa: S608
    return _run(cur, sql, viewer, today=today, only_aff=affiliate_id, only_contract=contract_id)


def deadlines(
    cur: duckdb.DuckDBPyConnection, viewer: Viewer, today: date, affiliate_id: str | None = None
) -> pd.DataFrame:
    """Requests about the viewer's contracted product models that are overdue (no response
    after the deadline) or due in the next 90 days (not yet fully answered), soonest first,
    with the viewer's contracts they concern: those whose period the request falls within or
    is still open on (`in_period`: requested on or before the contract's end, due on or after
    its start). A request of no contract's period is not listed (one due years before a
    contract began is not that contract's deadline)."""
    requests = model_requests(cur, viewer, today, affiliate_id)
    soon = requests["days_to_due"].between(0, HORIZON_DAYS) & (requests["state"] != "full")
    due = requests[(requests["state"] == "overdue") | soon].copy()
    due["deadline"] = due["state"].where(due["state"] == "overdue", "due in the next 90 days")
    due["contracts"] = due["request_id"].map(contracts_in_period(cur, viewer, today, due, affiliate_id))
    due = due[due["contracts"].notna()]
    columns = ["due_on", "deadline", "state", "company", "product_model", "scope", "request_id", "contracts",
               "days_to_due", "requested_on", "company_id", "product_model_id"]  # fmt: skip
    return due.sort_values(["due_on", "request_id"])[columns].reset_index(drop=True)


def contracts_in_period(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    today: date,
    requests: pd.DataFrame,
    affiliate_id: str | None = None,
) -> pd.Series:
    """For each of `requests` (request_id, product_model_id, requested_on, due_on), the viewer's
    contracts of its product model whose period it falls within or is still open on, as
    "CT1, CT2" by request id (a request of no contract's period is absent)."""
    links = contract_models(cur, viewer, affiliate_id).merge(
        contracts(cur, viewer, today, affiliate_id)[["contract_id", "start_date", "end_date"]],
        on="contract_id",
    )
    pairs = requests[["request_id", "product_model_id", "requested_on", "due_on"]].merge(
        links, on="product_model_id"
    )
    end = pd.to_datetime(pairs["end_date"])
    inside = (pd.to_datetime(pairs["due_on"]) >= pd.to_datetime(pairs["start_date"])) & (
        end.isna() | (pd.to_datetime(pairs["requested_on"]) <= end)
    )
    return pairs[inside].groupby("request_id")["contract_id"].agg(lambda s: ", ".join(sorted(set(s))))


def model_factories(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    today: date,
    affiliate_id: str | None = None,
    contract_id: str | None = None,
) -> pd.DataFrame:
    """Factories disclosed for the product models of the viewer's contracts, since when."""
    sql = f"""
    WITH {_VISIBLE_CONTRACTS}, {_MADE_AT},
    models AS (SELECT DISTINCT cp.product_model_id FROM visible_contracts JOIN contract_products cp USING (contract_id))
    SELECT m.product_model_id, p.name AS product_model, f.factory_id, f.legal_name, f.address, f.city,
           f.country, f.tier, m.since
    FROM made_at m JOIN models USING (product_model_id) JOIN factories f USING (factory_id)
    JOIN product_models p USING (product_model_id)
    WHERE {_OWN_COMPANY.format(alias="m")}
    ORDER BY p.name, f.tier DESC, f.legal_name
    """  # noqa: S608
    return _run(cur, sql, viewer, today=today, only_aff=affiliate_id, only_contract=contract_id)


def model_open_cases(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    today: date,
    affiliate_id: str | None = None,
    contract_id: str | None = None,
) -> pd.DataFrame:
    """Open monitoring cases (a finding not yet verified) on `today` at the factories behind the
    viewer's contracted product models: status (scoring.facts) and age in days."""
    sql = f"""
    WITH {_VISIBLE_CONTRACTS}, {_MADE_AT}, {_CASE_STATUS},
    models AS (SELECT DISTINCT cp.product_model_id FROM visible_contracts JOIN contract_products cp USING (contract_id)),
    factories_behind AS (SELECT DISTINCT factory_id FROM made_at m JOIN models USING (product_model_id)
                         WHERE {_OWN_COMPANY.format(alias="m")})
    SELECT s.case_id, s.factory_id, f.legal_name AS factory, s.company_id, c.name AS company, s.opened_on,
           s.engaged, s.age_days, s.findings, s.open_findings, s.retaliation
    FROM case_status s JOIN factories_behind USING (factory_id) JOIN factories f USING (factory_id)
    JOIN companies c ON c.company_id = s.company_id
    WHERE s.open_findings > 0 AND {_VISIBLE_CASE.format(alias="s")}
    ORDER BY s.opened_on, s.case_id
    """  # noqa: S608
    return _case_status(_run(cur, sql, viewer, today=today, only_aff=affiliate_id, only_contract=contract_id))
