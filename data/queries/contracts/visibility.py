"""What a viewer may see of contracts, companies' rows, cases and factories, as SQL pieces the
queries share (package docstring: the rule). They hold no values, only $parameters."""

from __future__ import annotations

from data.queries.named import query

# Contracts the viewer may see in full.
_VISIBLE_CONTRACTS = query("visibility_visible_contracts")
# Rows about one company (a request, a factory disclosed for a model) the viewer may see:
# staff and affiliates every company's, a company its own only, whatever contract it holds.
_OWN_COMPANY = "($role IN ('admin', 'affiliate') OR ($role = 'company' AND {alias}.company_id = $comp))"
# Cases the viewer may see: staff and affiliates every case, a company its own.
_VISIBLE_CASE = "($role IN ('admin', 'affiliate') OR ($role = 'company' AND {alias}.company_id = $comp))"
# Factories the viewer may see: staff and affiliates all, a company those it disclosed.
_VISIBLE_FACTORY = query("visibility_visible_factory")
# Where a product model is made: factories disclosed for a request about that model.
_MADE_AT = query("visibility_made_at")
# Contracts current on $today.
_CURRENT = "(k.start_date <= $today AND (k.end_date IS NULL OR k.end_date >= $today))"
# A case's findings, open findings and the inputs of its status on $today (the status itself is
# named by scoring.facts.with_case_status: one definition for every page).
_CASE_STATUS = query("visibility_case_status")


# Contracts current on $today for a product model made at a factory (the factory's buyers);
# a company sees its own contracts only.
_FACTORY_BUYERS = query("visibility_factory_buyers")
