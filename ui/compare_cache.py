"""Cached aggregates for the Compare page's per-component breakdown (medians only: no other
company's name or points leaves this module)."""

from __future__ import annotations

from datetime import date

import pandas as pd

import scoring
from data import store
from data.queries import companies as company_queries
from data.store import series_cache
from scoring import breakdown as scoring_breakdown
from scoring import params
from ui import cache
from wording import breakdown


@cache.scoped(public=True, max_entries=16)  # medians over every scored company: no company of its own
def component_medians(version: object, methodology: str, as_of: date) -> pd.DataFrame:
    """`wording.breakdown.medians` at `as_of`: every company's components (the rule views, all
    companies at once) and its SCT, FI and overall from the scored series (the series' rows
    at that date when it is saved, else every company scored at that date)."""
    cur = cache.reader().cursor()
    evidence = scoring.load_evidence(cur)
    saved = methodology == params.IN_FORCE or series_cache.load(
        str(store.db_path()), cache.evidence_key(version), methodology, peek=True
    )
    every = cache.series.cached(version, methodology) if saved else None
    at = None if every is None else every[every["as_of"] == pd.Timestamp(as_of)]
    totals = at if at is not None and len(at) else scoring.score(evidence, [as_of], methodology)
    roles = company_queries.companies(cur)[["company_id", "role"]]
    return breakdown.medians(scoring_breakdown.every_company(evidence, as_of, methodology), totals, roles)
