"""The dashboard's edge: one cached read-only connection and the cached queries and scores.

Pages call these wrappers, never DuckDB directly. Every cached function takes
the database file's identity (`db_version()`) as its first argument, and
`reader()` clears the data caches when the file was replaced by an import, so a
new file never serves old numbers.
"""

from __future__ import annotations

import contextvars
import functools
import inspect
from collections.abc import Callable
from datetime import date

import pandas as pd
import streamlit as st

import scoring
from data import demo, store
from data.presentation import pseudonyms
from data.queries import companies as company_queries
from data.queries import contracts as contract_queries
from data.store import series_cache, writes
from scoring import params
from ui import auth, db, downloads, present
from wording import summary


class NotAvailable(Exception):
    """The signed-in account may not see this company."""


_depth: contextvars.ContextVar[int] = contextvars.ContextVar("cpt_scoped_depth", default=0)


def scoped(cache: Callable = st.cache_data, *, after: Callable | None = None, **options) -> Callable:
    """Cache a query and restrict it to what the signed-in account may see.

    The wrapped function's `company_ids` argument (a tuple, or None for all) goes through
    `auth.restrict` before the cache is consulted, so results are cached per scope and a
    company account only ever gets its own company's rows. A `company_id` argument (one
    company) outside the scope raises NotAvailable. A `viewer` argument is always replaced by
    the signed-in account's (data.queries.contracts.Viewer: contracts confidentiality), whatever
    the caller passed.

    In presentation mode (see ui/present.py) handles in `*_id`/`*_ids` arguments are turned
    back into real ids before the cache, and the result comes back disguised (pseudonyms,
    handles, regions, no free text). Only the outermost call disguises: a scoped query
    called inside another one's cached computation gets real data, so no cache entry ever
    holds disguised data. `after(result)` runs on the result as the page gets it (disguised
    or not): build display strings that combine names there, never in SQL.
    """

    def decorate(func: Callable) -> Callable:
        cached = cache(show_spinner=False, **options)(func)
        signature = inspect.signature(func)

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            outer = _depth.get() == 0
            names = pseudonym_map(bound.arguments["version"]) if outer and present.is_on() else None
            if names is not None:
                present.resolve_arguments(bound.arguments, names)
            if "company_ids" in bound.arguments:
                ids = bound.arguments["company_ids"]
                bound.arguments["company_ids"] = auth.restrict(tuple(ids) if ids is not None else None)
            if "viewer" in bound.arguments:
                bound.arguments["viewer"] = contract_queries.viewer_of(auth.user())
            if "company_id" in bound.arguments and not auth.restrict((bound.arguments["company_id"],)):
                raise NotAvailable(bound.arguments["company_id"])
            token = _depth.set(_depth.get() + 1)
            try:
                result = cached(*bound.args, **bound.kwargs)
            finally:
                _depth.reset(token)
            if names is not None:  # presentation mode: pseudonyms, no ids, no free text
                result = present.disguise(result, names)
            if after is not None:
                result = after(result)
            return result

        def later(*args, **kwargs) -> Callable[[], object]:
            """The same query as a callable for a download built on click: the account's scope
            and presentation mode are settled now (the callable runs outside the script run),
            and the result is not cached (a full download is needed once, not kept). When it
            runs, this tab's session is checked again (`downloads.check`: the session record and
            the account's current row; a changed role or organisation ends the session, so the
            scope settled here is still the account's); an ended one raises
            downloads.SessionEnded, which `downloads.deferred` turns into a refusal file."""
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            token = downloads.session_token()
            names = pseudonym_map(bound.arguments["version"]) if present.is_on() else None
            if names is not None:
                present.resolve_arguments(bound.arguments, names)
            if "company_ids" in bound.arguments:
                ids = bound.arguments["company_ids"]
                bound.arguments["company_ids"] = auth.restrict(tuple(ids) if ids is not None else None)
            if "viewer" in bound.arguments:
                bound.arguments["viewer"] = contract_queries.viewer_of(auth.user())
            if "company_id" in bound.arguments and not auth.restrict((bound.arguments["company_id"],)):
                raise NotAvailable(bound.arguments["company_id"])

            def run() -> object:
                downloads.check(token)  # raises downloads.SessionEnded: nothing is read
                result = func(*bound.args, **bound.kwargs)
                if names is not None:
                    result = present.disguise(result, names)
                return result if after is None else after(result)

            return run

        wrapper.clear = cached.clear  # type: ignore[attr-defined]
        wrapper.cached = cached  # type: ignore[attr-defined]  # for use inside another cached query
        wrapper.later = later  # type: ignore[attr-defined]
        return wrapper

    return decorate


def ensure_database() -> None:
    """Create the demo database when the default file is missing (first `make run`)."""
    path = store.db_path()
    if not path.exists() and path == store.DEFAULT_DB:
        with st.spinner("Creating the fictional demo database (first start)…"):
            try:
                writes.create(path, demo.fill_demo)
            except store.StoreError:
                pass  # another session created it meanwhile


def reader() -> store.Reader:
    """The shared read-only connection (ui/db.py); a replaced file empties the caches first."""
    return db.reader()


def db_version() -> tuple[object, ...]:
    """What every cached query is keyed by: the live file's identity (inode, modification
    time), the content key of its evidence (`series_cache.evidence_key`) and the last quarter
    end (the series ends there, so a new quarter is a new version too)."""
    r = reader()
    identity = r.identity or (0, 0)
    return (*identity, _evidence_key(identity), scoring.last_quarter_end().isoformat())


@st.cache_resource(show_spinner=False, max_entries=4)
def _evidence_key(identity: tuple[int, int]) -> str:
    return series_cache.evidence_key(reader().cursor())


def evidence_key(version: tuple[object, ...]) -> str:
    """The content key of the evidence of the file `version` names (the saved series' key)."""
    return str(version[2])


def check_series() -> series_cache.Difference | None:
    """After a write: the series every page is served now (this server's shared cache, which
    reads the saved one) against a fresh scoring of the live file's evidence; the first
    company and date that differ, or None (`python -m data check` does the same from outside)."""
    version = db_version()  # reopens the new file and empties the caches first
    fresh = series_cache.score_file(reader().cursor())
    return series_cache.compare(series.cached(version, params.IN_FORCE, None), fresh)


def clear() -> None:
    """After an import: forget every cached query result and loaded evidence."""
    st.cache_data.clear()
    evidence.clear()


db.on_replaced(clear)  # nothing cached from a replaced file is served again


def _ids(company_ids: tuple[str, ...] | None) -> list[str] | None:
    return list(company_ids) if company_ids is not None else None


# ---------------------------------------------------------------- store contents


@scoped()
def companies(version: object, company_ids: tuple[str, ...] | None = None) -> pd.DataFrame:
    return company_queries.companies(reader().cursor(), _ids(company_ids))


@st.cache_data(show_spinner=False)
def is_demo(version: object) -> bool:
    return company_queries.is_demo(reader().cursor())


@st.cache_data(show_spinner=False)
def has_presentation_key(version: object) -> bool:
    """Whether the file has its own presentation key (without building every pseudonym:
    that takes about 20 s at scale 1000)."""
    return pseudonyms.read_key(reader().cursor()) is not None


# ---------------------------------------------------------------- scores


@scoped(st.cache_resource, max_entries=8)
def evidence(version: object, company_ids: tuple[str, ...] | None = None) -> scoring.Evidence:
    """The scoring evidence (shared, read-only: never modify the frames)."""
    return scoring.load_evidence(reader().cursor(), _ids(company_ids))


@scoped(st.cache_resource, max_entries=6)
def series(version: object, methodology: str, company_ids: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Quarter-end scores of every company (or the given ones) from the first evidence to the last quarter.

    Shared by every session (read-only: filter it, never modify it). Every company's series is
    also kept on disk beside the database file (`series_cache`), so it is scored once per
    database file, methodology and scoring code, and a new server starts warm. The evidence
    is read for the scoring and then let go (pages that need it load one company's).
    """
    path = str(store.db_path())
    if company_ids is None:
        saved = series_cache.load(path, evidence_key(version), methodology)
        if saved is not None:
            return saved
    ev = scoring.load_evidence(reader().cursor(), _ids(company_ids))
    scores = scoring.score(ev, scoring.series_dates(ev), methodology)
    del ev
    if company_ids is None:
        series_cache.save(path, evidence_key(version), methodology, scores)
    return scores


@scoped(max_entries=64)
def company_series(
    version: object, methodology: str, company_id: str, company_ids: tuple[str, ...] | None = None
) -> pd.DataFrame:
    """One company's quarter-end scores: its rows of the shared `series` (in force: every page
    needs that one; a company account's: only its own), else, for a what-if version not yet
    on disk, scored from that company's evidence alone over the same dates (the same numbers).
    `company_ids` is the account's scope (filled in by `scoped`), so each scope has its own entry."""
    whole = methodology == params.IN_FORCE or company_ids is not None  # needed anyway, or small
    if (
        not whole
        and series_cache.load(str(store.db_path()), evidence_key(version), methodology, peek=True) is None
    ):
        dates = [d.date() for d in pd.to_datetime(series.cached(version, params.IN_FORCE)["as_of"].unique())]
        ev = evidence(version, (company_id,))
        return scoring.score(ev, sorted(dates), methodology).reset_index(drop=True)
    # `.cached`: the scope is already settled, and presentation mode applies to this result only.
    every = series.cached(version, methodology, company_ids)
    return every[every["company_id"] == company_id].reset_index(drop=True)


@scoped(max_entries=32)
def leaderboard(
    version: object, methodology: str, as_of: date, company_ids: tuple[str, ...] | None = None
) -> pd.DataFrame:
    """`summary.leaderboard` of the series (scores, change, trend per company at `as_of`)."""
    return summary.leaderboard(series.cached(version, methodology, company_ids), as_of)


@scoped(max_entries=64)
def explanation(version: object, company_id: str, as_of: date, methodology: str) -> scoring.Explanation:
    return scoring.explain(evidence(version, (company_id,)), company_id, as_of, methodology)


# ---------------------------------------------------------------- page queries


@st.cache_resource(show_spinner=False, max_entries=4)
def pseudonym_map(version: object) -> pseudonyms.Pseudonyms:
    """The presentation-mode pseudonyms of this database file."""
    return pseudonyms.build(reader().cursor())


@scoped()
def affiliates(version: object) -> pd.DataFrame:
    return company_queries.affiliates(reader().cursor())


@scoped()
def company_filters(version: object, company_ids: tuple[str, ...] | None = None) -> pd.DataFrame:
    return company_queries.company_filters(reader().cursor(), _ids(company_ids))


@scoped()
def company_contracts(
    version: object, company_id: str, viewer: contract_queries.Viewer | None = None
) -> pd.DataFrame:
    """The company's contracts; other affiliates' contracts as buyer names only (contracts
    confidentiality: data.queries.contracts.company_contracts)."""
    return contract_queries.company_contracts(reader().cursor(), viewer, company_id)


@scoped(after=company_queries.label_evidence_events)
def company_evidence_events(version: object, company_id: str) -> pd.DataFrame:
    return company_queries.company_evidence_events(reader().cursor(), company_id)


@scoped()
def open_findings(version: object, company_id: str, as_of: date) -> pd.DataFrame:
    return company_queries.open_findings(reader().cursor(), company_id, as_of)


def real_id(version: object, company_id: str) -> str:
    """A company id as the evidence has it (presentation mode passes handles around)."""
    return str(pseudonym_map(version).resolve(company_id)) if present.is_on() else company_id


def _undisguised(func: Callable, *args):
    """A scoped query's result with real ids and names (for text built from several results:
    names are swapped by `company_names`, so nothing real is shown)."""
    token = _depth.set(_depth.get() + 1)
    try:
        return func(*args)
    finally:
        _depth.reset(token)


def plain_explanation(version: object, company_id: str, as_of: date, methodology: str) -> scoring.Explanation:
    """`explanation` with real ids, for the explanations in words (wording.narrative)."""
    return _undisguised(explanation, version, real_id(version, company_id), as_of, methodology)


def plain_evidence(version: object, company_id: str) -> scoring.Evidence:
    return _undisguised(evidence, version, (real_id(version, company_id),))


@st.cache_data(show_spinner=False)
def _company_names(version: object, company_id: str) -> pd.DataFrame:
    return company_queries.company_names(reader().cursor(), company_id)


def company_names(version: object, company_id: str) -> pd.DataFrame:
    """Factory and product model names of one company, keyed by their real ids (the scoring
    evidence's), with the names as presentation mode shows them (pseudonyms when it is on)."""
    company_id = real_id(version, company_id)
    if not auth.restrict((company_id,)):
        raise NotAvailable(company_id)
    frame = _company_names(version, company_id)
    if not present.is_on():
        return frame
    names = pseudonym_map(version)
    return frame.assign(
        legal_name=[names.name("factory", f) for f in frame["factory_id"]],
        product_model=[names.name("product", p) for p in frame["product_model_id"]],
    )


@st.cache_data(show_spinner=False, max_entries=32)
def _peer_scores(version: object, methodology: str, as_of: date) -> pd.DataFrame:
    """Every company's overall score and role at one date (for aggregates only): the shared
    series' rows at that date when the date is a quarter end of it (in force, or a version
    already saved), else every company scored at that one date."""
    cur = reader().cursor()
    saved = methodology == params.IN_FORCE or series_cache.load(
        str(store.db_path()), evidence_key(version), methodology, peek=True
    )
    every = series.cached(version, methodology) if saved else None
    at = None if every is None else every[every["as_of"] == pd.Timestamp(as_of)]
    if at is not None and len(at):
        scores = at
    else:
        scores = scoring.score(scoring.load_evidence(cur), [as_of], methodology)
    roles = company_queries.companies(cur)[["company_id", "role"]]
    return scores[["company_id", "overall"]].merge(roles, on="company_id", how="left")


def peer_context(version: object, methodology: str, as_of: date, company_id: str) -> dict[str, object]:
    """The company's rank and the medians of all scored companies and of its role at `as_of`
    (aggregates only: no other company's name or score leaves this function)."""
    company_id = real_id(version, company_id)
    if not auth.restrict((company_id,)):
        raise NotAvailable(company_id)
    return summary.peer_context(_peer_scores(version, methodology, as_of), company_id)


@st.cache_data(show_spinner=False, max_entries=64)
def _actions(version: object, company_id: str, as_of: date, methodology: str) -> tuple[pd.DataFrame, object]:
    ev = evidence(version, (company_id,))
    listed = scoring.actions(ev, company_id, as_of, methodology)
    overall = scoring.score(ev, [as_of], methodology)["overall"].iloc[0]
    return listed, scoring.next_band(listed, float(overall), ev)


def improvement_actions(
    version: object, company_id: str, as_of: date, methodology: str
) -> tuple[pd.DataFrame, object] | None:
    """The company's improvement actions at `as_of` (METHODOLOGY.md section 4) and the
    shortest set that reaches the next band; None where the scoring module has none.
    Ids stay real (names are looked up with `company_names`)."""
    company_id = real_id(version, company_id)
    if not auth.restrict((company_id,)):
        raise NotAvailable(company_id)
    if not hasattr(scoring, "actions"):
        return None
    return _undisguised(_actions, version, company_id, as_of, methodology)
