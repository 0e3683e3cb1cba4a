"""Buyers and leverage: a company's contracts with affiliates (the Company page), the affiliates
buying from a factory, and the collective leverage per factory."""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from data.queries.contracts.spend import _COMBINED_SPEND
from data.queries.contracts.viewer import Viewer, _run, _with_company_names
from data.queries.contracts.visibility import _FACTORY_BUYERS, _MADE_AT, _VISIBLE_FACTORY


def company_contracts(cur: duckdb.DuckDBPyConnection, viewer: Viewer, company_id: str) -> pd.DataFrame:
    """The company's contracts with affiliates (the Company page). Staff, the company itself and
    the contracting affiliate see each contract in full (one row per contract); of other
    affiliates an affiliate sees only the name as a buyer (one row per affiliate, contract,
    period, spend and products empty)."""
    sql = """
    WITH k AS (
        SELECT *, coalesce($role = 'admin' OR ($role = 'affiliate' AND affiliate_id = $aff)
                          OR ($role = 'company' AND company_id = $comp), false) AS full_view
        FROM contracts
        WHERE company_id = $company AND ($role IN ('admin', 'affiliate') OR ($role = 'company' AND company_id = $comp))
    )
    SELECT a.affiliate_id, a.name AS affiliate, a.country, a.kind, k.contract_id, k.start_date, k.end_date,
           k.annual_spend_eur,
           (SELECT list(p.name ORDER BY p.name, p.product_model_id) FROM contract_products cp
            JOIN product_models p USING (product_model_id) WHERE cp.contract_id = k.contract_id) AS products,
           (SELECT list(p.product_model_id ORDER BY p.name, p.product_model_id) FROM contract_products cp
            JOIN product_models p USING (product_model_id) WHERE cp.contract_id = k.contract_id) AS product_model_ids
    FROM k JOIN affiliates a USING (affiliate_id)
    WHERE k.full_view
    UNION ALL
    SELECT DISTINCT a.affiliate_id, a.name, a.country, a.kind, NULL, NULL::DATE, NULL::DATE, NULL::DOUBLE,
           NULL::VARCHAR[], NULL::VARCHAR[]
    FROM k JOIN affiliates a USING (affiliate_id)
    WHERE NOT k.full_view AND NOT EXISTS (SELECT 1 FROM k AS own WHERE own.full_view AND own.affiliate_id = k.affiliate_id)
    ORDER BY contract_id IS NULL, start_date DESC, affiliate
    """
    return _run(cur, sql, viewer, company=company_id)


def factory_buyers(
    cur: duckdb.DuckDBPyConnection, viewer: Viewer, factory_id: str, today: date
) -> pd.DataFrame:
    """Affiliates with a current contract (on `today`) for a product model made at the factory.
    Names for everyone who may see the factory; contracts, companies and spend only for the
    viewer's own contracts (or all, for staff). A company sees its own contracts only."""
    sql = f"""
    WITH {_MADE_AT}, {_FACTORY_BUYERS}
    SELECT b.affiliate_id, a.name AS affiliate, a.country,
           coalesce($role = 'affiliate' AND b.affiliate_id = $aff, false) AS you,
           CASE WHEN bool_or(full_view) THEN count(DISTINCT b.contract_id) FILTER (WHERE full_view) END AS contracts,
           list(DISTINCT c.company_id) FILTER (WHERE full_view) AS company_ids,
           CASE WHEN bool_or(full_view) THEN sum(b.annual_spend_eur) FILTER (WHERE full_view) END AS annual_spend_eur
    FROM (SELECT *, coalesce($role IN ('admin', 'company') OR affiliate_id = $aff, false) AS full_view FROM buyers) b
    JOIN affiliates a USING (affiliate_id) JOIN companies c ON c.company_id = b.company_id
    WHERE b.factory_id = $factory AND {_VISIBLE_FACTORY.format(alias="b")}
    GROUP BY b.affiliate_id, a.name, a.country
    ORDER BY you DESC, a.name
    """  # noqa: S608
    return _with_company_names(cur, _run(cur, sql, viewer, factory=factory_id, today=today))


def leverage(
    cur: duckdb.DuckDBPyConnection, viewer: Viewer, today: date, factory_id: str | None = None
) -> pd.DataFrame:
    """Collective leverage per factory (one factory, or every factory the viewer may see):
    the number of affiliates with a current contract for a product made there, the number of
    companies behind them, and their combined annual spend as the viewer may see it
    (`_COMBINED_SPEND`: an affiliate others' spend only, over at least three others, in bands)."""
    sql = f"""
    WITH {_MADE_AT}, {_FACTORY_BUYERS},
    per_contract AS (SELECT DISTINCT factory_id, contract_id, affiliate_id, company_id, annual_spend_eur FROM buyers)
    SELECT b.factory_id, count(DISTINCT b.affiliate_id) AS affiliates_buying,
           count(DISTINCT b.company_id) AS companies_buying, {_COMBINED_SPEND}
    FROM per_contract b
    WHERE ($factory IS NULL OR b.factory_id = $factory) AND {_VISIBLE_FACTORY.format(alias="b")}
    GROUP BY b.factory_id
    ORDER BY affiliates_buying DESC, b.factory_id
    """  # noqa: S608
    return _run(cur, sql, viewer, factory=factory_id, today=today)
