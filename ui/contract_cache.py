"""Cached, scoped contract queries for My contracts, the Factory page and the factory list.

Same pattern as `ui.cache`: the first argument is the database file's identity. Every
function has a `viewer` argument that `cache.scoped` fills in from the signed-in account,
so contracts confidentiality (data/queries/contracts/) holds whatever a page passes, and
results are cached per viewer. In presentation mode names come back as pseudonyms.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from data.presentation.pseudonyms import spend_band
from data.queries import changes
from data.queries import contracts as q
from data.queries import expectations as x
from data.queries.contracts import Viewer
from ui import cache, present


def _cur():
    return cache.reader().cursor()


# `affiliate_id` / `contract_id` narrow the viewer's contracts (staff choosing an affiliate, the
# details of one contract) in SQL: never more than the viewer may see, and only what is shown.


@cache.scoped(st.cache_resource, viewer="viewer", handles=("affiliate_id",), max_entries=16)
def contracts(
    version: object, today: date, affiliate_id: str | None = None, viewer: Viewer | None = None
) -> pd.DataFrame:
    """Shared, read-only (filter it, never modify it): staff's list is 87,000 contracts at scale
    1000, too many to copy out of a cache on every run."""
    return q.contracts(_cur(), viewer, today, affiliate_id)


def _spend_as_presented(total: float | None, names: object) -> str | float | None:
    return spend_band(total)


@cache.scoped(viewer="viewer", handles=("affiliate_id",), disguise=_spend_as_presented, max_entries=32)
def current_spend(
    version: object, today: date, affiliate_id: str | None = None, viewer: Viewer | None = None
) -> float | str | None:
    """The annual spend of the current contracts in view (presentation mode: a band, from this
    total, not a sum of bands)."""
    listed = q.contracts(_cur(), viewer, today, affiliate_id)
    total = listed.loc[listed["current"], "annual_spend_eur"].sum(min_count=1)
    return None if pd.isna(total) else float(total)


@cache.scoped(viewer="viewer", handles=("affiliate_id", "contract_id"), max_entries=32)
def contract_models(
    version: object,
    affiliate_id: str | None = None,
    contract_id: str | None = None,
    viewer: Viewer | None = None,
) -> pd.DataFrame:
    return q.contract_models(_cur(), viewer, affiliate_id, contract_id)


@cache.scoped(viewer="viewer", handles=("contract_id",), max_entries=32)
def model_requests(
    version: object, today: date, contract_id: str | None = None, viewer: Viewer | None = None
) -> pd.DataFrame:
    return q.model_requests(_cur(), viewer, today, contract_id=contract_id)


@cache.scoped(viewer="viewer", handles=("affiliate_id",), max_entries=32)
def deadlines(
    version: object, today: date, affiliate_id: str | None = None, viewer: Viewer | None = None
) -> pd.DataFrame:
    return q.deadlines(_cur(), viewer, today, affiliate_id)


@cache.scoped(viewer="viewer", handles=("contract_id",), max_entries=32)
def model_factories(
    version: object, today: date, contract_id: str | None = None, viewer: Viewer | None = None
) -> pd.DataFrame:
    return q.model_factories(_cur(), viewer, today, contract_id=contract_id)


@cache.scoped(viewer="viewer", handles=("contract_id",), max_entries=32)
def model_open_cases(
    version: object, today: date, contract_id: str | None = None, viewer: Viewer | None = None
) -> pd.DataFrame:
    return q.model_open_cases(_cur(), viewer, today, contract_id=contract_id)


@cache.scoped(viewer="viewer", handles=("affiliate_id",), after=q.with_spend_text, max_entries=32)
def factories_behind(
    version: object,
    today: date,
    affiliate_id: str | None = None,
    limit: int = 10_000,
    viewer: Viewer | None = None,
) -> pd.DataFrame:
    """`factory_list` rows (by leverage, the first `limit`) of the factories behind the product
    models of the contracts in view: what their map shows."""
    cur = _cur()
    made = set(q.model_factories(cur, viewer, today, affiliate_id)["factory_id"])
    listed = q.factory_list(cur, viewer, today, None, "leverage", limit)
    return listed[listed["factory_id"].isin(made)].reset_index(drop=True)


@cache.scoped(viewer="viewer", handles=("affiliate_id",), max_entries=32)
def open_case_count(
    version: object, today: date, affiliate_id: str | None = None, viewer: Viewer | None = None
) -> int:
    """How many open monitoring cases there are at the factories behind the contracts in view."""
    return int(q.model_open_cases(_cur(), viewer, today, affiliate_id)["case_id"].nunique())


@cache.scoped(viewer="viewer", handles=("factory_id",), max_entries=64)
def factory(version: object, factory_id: str, viewer: Viewer | None = None) -> pd.DataFrame:
    return q.factory(_cur(), viewer, factory_id)


@cache.scoped(viewer="viewer", handles=("factory_id",), max_entries=64)
def factory_disclosures(version: object, factory_id: str, viewer: Viewer | None = None) -> pd.DataFrame:
    return q.factory_disclosures(_cur(), viewer, factory_id)


@cache.scoped(viewer="viewer", handles=("factory_id",), max_entries=64)
def factory_buyers(
    version: object, factory_id: str, today: date, viewer: Viewer | None = None
) -> pd.DataFrame:
    return q.factory_buyers(_cur(), viewer, factory_id, today)


@cache.scoped(viewer="viewer", handles=("factory_id",), after=q.with_spend_text, max_entries=64)
def factory_leverage(
    version: object, factory_id: str, today: date, viewer: Viewer | None = None
) -> pd.DataFrame:
    return q.leverage(_cur(), viewer, today, factory_id)


@cache.scoped(viewer="viewer", handles=("factory_id",), max_entries=64)
def factory_cases(
    version: object, factory_id: str, today: date, viewer: Viewer | None = None
) -> pd.DataFrame:
    return q.factory_cases(_cur(), viewer, factory_id, today)


@cache.scoped(viewer="viewer", handles=("factory_id",), max_entries=64)
def factory_findings(
    version: object, factory_id: str, today: date, viewer: Viewer | None = None
) -> pd.DataFrame:
    return q.factory_findings(_cur(), viewer, factory_id, today)


@cache.scoped(viewer="viewer", handles=("factory_id",), max_entries=64)
def factory_remediation(
    version: object, factory_id: str, until: date, viewer: Viewer | None = None
) -> pd.DataFrame:
    return q.factory_remediation(_cur(), viewer, factory_id, until)


@cache.scoped(companies="company_ids", viewer="viewer", after=q.with_spend_text, max_entries=32)
def factory_list(
    version: object,
    today: date,
    company_ids: tuple[str, ...] | None = None,
    order: str = "leverage",
    limit: int = 50,
    viewer: Viewer | None = None,
) -> pd.DataFrame:
    return q.factory_list(
        _cur(), viewer, today, list(company_ids) if company_ids is not None else None, order, limit
    )


@cache.scoped(viewer="viewer", handles=("about_company_id",), max_entries=32)
def expectations(
    version: object,
    about_company_id: str | None = None,
    today: date | None = None,
    viewer: Viewer | None = None,
) -> pd.DataFrame:
    """The expectations the signed-in account may see (about one company, or all); actions
    judged by their evidence up to `today`."""
    return x.visible(_cur(), viewer, about_company_id, today or date.today())


AN_AFFILIATE = "An affiliate"


def _askers_as_presented(frame: pd.DataFrame, names: object) -> pd.DataFrame:
    """Action expectations as presentation mode may use them: who set each one as "An affiliate"
    (never its name, nor its pseudonym: an affiliate sees only its own expectations, so a pseudonym
    would mark the presenter's organisation) or "CPT staff"; no note, no ids but the target, which
    only matches an action server-side and is never shown."""
    actions = frame[frame["what"] == "action"]
    staff = actions["set_by"].ne(actions["affiliate"]) & actions["set_by"].eq("CPT staff")
    return pd.DataFrame(
        {
            "what": actions["what"],
            "target": actions["target"],
            "due_on": actions["due_on"],
            "set_by": ["CPT staff" if s else AN_AFFILIATE for s in staff],
        }
    ).reset_index(drop=True)


@cache.scoped(viewer="viewer", handles=("about_company_id",), disguise=_askers_as_presented, max_entries=32)
def action_askers(
    version: object,
    about_company_id: str,
    today: date | None = None,
    viewer: Viewer | None = None,
) -> pd.DataFrame:
    """The action expectations about one company the account may see, for "How to improve"'s
    "Asked by" (`wording.asks.expected_by_target`); in presentation mode without names."""
    return x.visible(_cur(), viewer, about_company_id, today or date.today())


def _no_disputes_when_presenting(found: pd.DataFrame) -> pd.DataFrame:
    """Presentation mode never shows a dispute (issue 23): its rows are dropped."""
    if not present.is_on():
        return found
    return found[found["kind"] != changes.DISPUTE_KIND].reset_index(drop=True)


@cache.scoped(viewer="viewer", handles=("affiliate_id",), after=_no_disputes_when_presenting, max_entries=32)
def what_changed(
    version: object,
    affiliate_id: str,
    since: date,
    scores_until: date,
    until: date,
    viewer: Viewer | None = None,
) -> pd.DataFrame:
    """data.queries.changes.what_changed for one affiliate (its own, for an affiliate account)."""
    series = cache.series(version, "in-force")
    return changes.what_changed(_cur(), viewer, affiliate_id, series, since, scores_until, until)
