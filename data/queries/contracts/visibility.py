"""What a viewer may see of contracts, companies' rows, cases and factories, as SQL pieces the
queries share (package docstring: the rule). They hold no values, only $parameters."""

from __future__ import annotations

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
