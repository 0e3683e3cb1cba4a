"""Buyers and leverage: a company's contracts with affiliates (the Company page), the affiliates
buying from a factory, and the collective leverage per factory."""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from data.queries.contracts.spend import _COMBINED_SPEND
from data.queries.contracts.viewer import Viewer, _run, _with_company_names
from data.queries.contracts.visibility import _FACTORY_BUYERS, _MADE_AT, _VISIBLE_FACTORY
from data.queries.named import query


def company_contracts(cur: duckdb.DuckDBPyConnection, viewer: Viewer, company_id: str) -> pd.DataFrame:
    """The company's contracts with affiliates (the Company page). Staff, the company itself and
    the contracting affiliate see each contract in full (one row per contract); of other
    affiliates an affiliate sees only the name as a buyer (one row per affiliate, contract,
    period, spend and products empty)."""
    sql = query("company_contracts")
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
