"""Named queries for contract management: My contracts, the Factory page, collective leverage.

Contracts are confidential (DESIGN.md, "Access control"), so every query here takes the
`Viewer` (the signed-in account's role and organisation) and applies the rule in SQL:

* staff (admin) see every contract;
* an affiliate sees its own contracts in full; of other affiliates only their names as
  buyers of a company or factory, and the combined annual spend of *other* affiliates only
  where at least three others contribute (`MIN_AFFILIATES_FOR_TOTAL`, the viewer's own
  contracts not counted), rounded down to a band of `SPEND_STEP_EUR` ("€1.2–1.3 m",
  `spend_range`): no subtraction of its own spend, of what two colluding buyers know, or of
  the figures before and after one contract starts yields a single contract;
* a company sees its own contracts, the factories it disclosed and its own cases, never
  another company's, also where one of its contracts covers another company's product
  model (a reseller contract: `_OWN_COMPANY` on requests, factories behind a model, cases);
* a signed-out viewer sees nothing.

The dashboard fills the viewer in from the session (ui/contract_cache.py), never from
the URL. Values are bound parameters; `today` is the day the states are computed for.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb
import numpy as np
import pandas as pd

from scoring import facts

MIN_AFFILIATES_FOR_TOTAL = 3  # other affiliates (never the viewer) behind a combined spend
SPEND_STEP_EUR = 100_000  # an affiliate sees other affiliates' combined spend in bands this wide
HORIZON_DAYS = 90
DEADLINE_STATES = ("overdue", "due in the next 90 days")


@dataclass(frozen=True)
class Viewer:
    """Who is asking: role 'admin' | 'affiliate' | 'company' | None (signed out)."""

    role: str | None = None
    affiliate_id: str | None = None
    company_id: str | None = None

    def params(self) -> dict[str, object]:
        return {
            "role": self.role,
            "aff": self.affiliate_id if self.role == "affiliate" else None,
            "comp": self.company_id if self.role == "company" else None,
        }


def viewer_of(user: object | None) -> Viewer:
    """The viewer of a signed-in account (data.access.accounts.User), or the signed-out viewer."""
    if user is None:
        return Viewer()
    return Viewer(
        getattr(user, "role", None), getattr(user, "affiliate_id", None), getattr(user, "company_id", None)
    )


# ---------------------------------------------------------------- shared SQL pieces (no values)

# Contracts the viewer may see in full.
_VISIBLE_CONTRACTS = """
visible_contracts AS (
    SELECT k.* FROM contracts k
    WHERE ($role = 'admin' OR ($role = 'affiliate' AND k.affiliate_id = $aff)
           OR ($role = 'company' AND k.company_id = $comp))
      -- a page may narrow (never widen) the view: one affiliate's contracts, or one contract
      AND (CAST($only_aff AS VARCHAR) IS NULL OR k.affiliate_id = $only_aff)
      AND (CAST($only_contract AS VARCHAR) IS NULL OR k.contract_id = $only_contract)
)"""
# Rows about one company (a request, a factory disclosed for a model) the viewer may see:
# staff and affiliates every company's, a company its own only, whatever contract it holds.
_OWN_COMPANY = "($role IN ('admin', 'affiliate') OR ($role = 'company' AND {alias}.company_id = $comp))"
# Cases the viewer may see: staff and affiliates every case, a company its own.
_VISIBLE_CASE = "($role IN ('admin', 'affiliate') OR ($role = 'company' AND {alias}.company_id = $comp))"
# Factories the viewer may see: staff and affiliates all, a company those it disclosed.
_VISIBLE_FACTORY = """($role IN ('admin', 'affiliate') OR ($role = 'company' AND EXISTS (
    SELECT 1 FROM disclosures vd JOIN disclosure_requests vr USING (request_id)
    WHERE vd.factory_id = {alias}.factory_id AND vr.company_id = $comp)))"""
# Where a product model is made: factories disclosed for a request about that model.
_MADE_AT = """
made_at AS (
    SELECT d.factory_id, r.company_id, r.product_model_id, min(d.disclosed_on) AS since
    FROM disclosures d JOIN disclosure_requests r USING (request_id)
    WHERE r.product_model_id IS NOT NULL AND r.scope IN ('final_assembly', 'components')
      AND d.disclosed_on <= $today
    GROUP BY ALL
)"""
# Contracts current on $today.
_CURRENT = "(k.start_date <= $today AND (k.end_date IS NULL OR k.end_date >= $today))"
# A case's findings, open findings and the inputs of its status on $today (the status itself is
# named by scoring.facts.with_case_status: one definition for every page).
_CASE_STATUS = """
case_status AS (
    SELECT c.case_id, c.company_id, c.factory_id, c.opened_on,
           (SELECT count(*) FROM findings f WHERE f.case_id = c.case_id) AS findings,
           (SELECT count(*) FROM findings f WHERE f.case_id = c.case_id AND NOT EXISTS (
                SELECT 1 FROM events e WHERE e.finding_id = f.finding_id AND e.event_type = 'verified'
                AND e.event_date <= $today)) AS open_findings,
           EXISTS (SELECT 1 FROM events e WHERE e.case_id = c.case_id AND e.event_date <= $today
                   AND e.event_type IN ('plan_submitted', 'evidence_submitted', 'verified')) AS engaged,
           EXISTS (SELECT 1 FROM events e WHERE e.case_id = c.case_id AND e.event_type = 'retaliation_confirmed'
                   AND e.event_date <= $today) AS retaliation,
           date_diff('day', c.opened_on, $today) AS age_days
    FROM cases c
    WHERE c.opened_on <= $today
)"""


# Combined annual spend of the `b` rows (one per contract) as the viewer may see it: staff the
# exact total, a company its own contracts' total (the rows are its own), an affiliate the total
# of *other* affiliates' contracts, only over at least MIN_AFFILIATES_FOR_TOTAL others and rounded
# down to SPEND_STEP_EUR (with `spend_band_width` saying how wide the band is). Whether a figure
# shows does not depend on whether the viewer buys there (more than MIN_AFFILIATES_FOR_TOTAL buyers
# in all, whoever looks), so in a webinar an empty cell does not say "the presenter buys here".
_COMBINED_SPEND = f"""
    CASE WHEN $role IN ('admin', 'company') THEN sum(b.annual_spend_eur)
         WHEN $role = 'affiliate'
              AND count(DISTINCT b.affiliate_id) FILTER (WHERE b.affiliate_id <> $aff) >= {MIN_AFFILIATES_FOR_TOTAL}
              AND count(DISTINCT b.affiliate_id) > {MIN_AFFILIATES_FOR_TOTAL}
         THEN floor(sum(b.annual_spend_eur) FILTER (WHERE b.affiliate_id <> $aff) / {SPEND_STEP_EUR}) * {SPEND_STEP_EUR}
    END AS combined_spend_eur,
    CASE WHEN $role = 'affiliate' THEN {SPEND_STEP_EUR} ELSE 0 END AS spend_band_width"""


def spend_range(value: object, step: object = 0) -> str | None:
    """A combined spend as text: exact ("€ 1,234,567") when `step` is 0, else the band from
    `value` ("€1.2–1.3 m"); a text (presentation mode's coarse band) unchanged; None for none."""
    if isinstance(value, str):
        return value
    if value is None or value != value:
        return None
    step = 0 if step is None or step != step else float(step)
    if not step:
        return f"€ {float(value):,.0f}"
    low = float(value)
    if low < step:
        return f"under €{step / 1e6:.1f} m"
    return f"€{low / 1e6:.1f}–{(low + step) / 1e6:.1f} m"


def with_spend_text(frame: pd.DataFrame) -> pd.DataFrame:
    """`combined_spend`: the combined spend as text (`spend_range`), for pages and downloads."""
    if "combined_spend_eur" not in frame.columns:
        return frame
    steps = frame["spend_band_width"] if "spend_band_width" in frame.columns else [0] * len(frame)
    return frame.assign(
        combined_spend=[spend_range(v, s) for v, s in zip(frame["combined_spend_eur"], steps, strict=True)]
    )


def _run(cur: duckdb.DuckDBPyConnection, sql: str, viewer: Viewer, **params: object) -> pd.DataFrame:
    values = {"only_aff": None, "only_contract": None, **viewer.params(), **params}
    used = {k: v for k, v in values.items() if f"${k}" in sql}
    return cur.execute(sql, used).df()


def _with_company_names(cur: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> pd.DataFrame:
    """`company_ids` (lists) sorted by company name, and `companies`: the names, element by
    element (presentation mode pairs each name with its id)."""
    names = dict(cur.execute("SELECT company_id, name FROM companies").fetchall())
    ids = [sorted(v, key=lambda i: (names.get(i, ""), i)) if isinstance(v, (list, tuple, np.ndarray)) else None for v in frame["company_ids"]]  # fmt: skip
    frame["company_ids"] = ids
    frame["companies"] = [None if v is None else [names.get(i, i) for i in v] for v in ids]
    return frame


# ---------------------------------------------------------------- My contracts


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


# ---------------------------------------------------------------- buyers and leverage


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


# Contracts current on $today for a product model made at a factory (the factory's buyers);
# a company sees its own contracts only.
_FACTORY_BUYERS = """
buyers AS (
    SELECT DISTINCT m.factory_id, k.contract_id, k.affiliate_id, k.company_id, k.annual_spend_eur
    FROM made_at m JOIN contract_products cp USING (product_model_id)
    JOIN contracts k ON k.contract_id = cp.contract_id AND k.company_id = m.company_id
    WHERE (k.start_date <= $today AND (k.end_date IS NULL OR k.end_date >= $today))
      AND ($role IN ('admin', 'affiliate') OR ($role = 'company' AND k.company_id = $comp))
)"""


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


# ---------------------------------------------------------------- the Factory page


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
    sql = """
    SELECT r.company_id, c.name AS company, r.product_model_id, p.name AS product_model, r.scope,
           min(d.disclosed_on) AS since, max(d.disclosed_on) AS latest,
           arg_max(d.complete, d.disclosed_on) AS complete, count(DISTINCT r.request_id) AS requests
    FROM disclosures d JOIN disclosure_requests r USING (request_id) JOIN companies c ON c.company_id = r.company_id
    LEFT JOIN product_models p ON p.product_model_id = r.product_model_id
    WHERE d.factory_id = $factory
      AND ($role IN ('admin', 'affiliate') OR ($role = 'company' AND r.company_id = $comp))
    GROUP BY ALL
    ORDER BY since, company, product_model
    """
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


def _case_status(cases: pd.DataFrame) -> pd.DataFrame:
    """`cases` with `status` (scoring.facts: open, remediation in progress, verified, retaliation)
    in the place of the `engaged` input."""
    verified = cases["findings"] - cases["open_findings"]
    named = facts.with_case_status(cases.assign(findings_verified=verified))
    return named.drop(columns=["engaged", "findings_verified"])[
        [c if c != "engaged" else "status" for c in cases.columns]
    ]


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
