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
from dataclasses import dataclass
from datetime import date

import pandas as pd
import streamlit as st

import scoring
from data import demo, store
from data.presentation import pseudonyms
from data.queries import accounts as account_queries
from data.queries import companies as company_queries
from data.queries import contracts as contract_queries
from data.store import series_cache, writes
from scoring import params
from ui import auth, db, downloads, present
from wording import summary


class NotAvailable(Exception):
    """The signed-in account may not see this company."""


_depth: contextvars.ContextVar[int] = contextvars.ContextVar("cpt_scoped_depth", default=0)


@dataclass(frozen=True)
class Scope:
    """What a scoped query's parameters are, by name (declared, never guessed from the name).

    `companies`: a tuple of company ids (None: all), narrowed by `auth.restrict` to what the
    account may see. `company`: one company id; outside the account's scope the query raises
    NotAvailable. `viewer`: replaced by the signed-in account's `Viewer` (contracts
    confidentiality), whatever the caller passed. `handles`: other id parameters, which, like
    the ones above, presentation mode turns from handles back into real ids. `public`: the query
    has no scope (every signed-in account may see it; presentation mode still disguises it).
    `staff`: only a staff (admin) account may run it (the staff pages' accounts and audit log);
    any other account gets NotAvailable."""

    companies: str | None = None
    company: str | None = None
    viewer: str | None = None
    handles: tuple[str, ...] = ()
    public: bool = False
    staff: bool = False

    def ids(self) -> tuple[str, ...]:
        """The parameters that carry ids (handles in presentation mode)."""
        return tuple(n for n in (self.companies, self.company, *self.handles) if n)

    def check(self, func: Callable, signature: inspect.Signature) -> None:
        """Raise (at import) where the declaration and the function's parameters disagree."""
        where = f"{func.__module__}.{func.__qualname__}"
        params = list(signature.parameters)
        if not params or params[0] != "version":
            raise TypeError(f"{where}: a scoped query's first parameter is `version`")
        declared = {n for n in (*self.ids(), self.viewer) if n}
        if missing := sorted(declared - set(params)):
            raise TypeError(f"{where}: declared scope parameter(s) {missing} are not parameters")
        scopish = {p for p in params if p == "viewer" or p.endswith(("_id", "_ids"))}
        if undeclared := sorted(scopish - declared):
            raise TypeError(f"{where}: parameter(s) {undeclared} look like a scope but are not declared")
        if [self.public, self.staff, bool(self.companies or self.company or self.viewer)].count(True) != 1:
            raise TypeError(
                f"{where}: declare its scope (companies, company, viewer), staff=True or public=True"
            )


def scoped(
    cache: Callable = st.cache_data,
    *,
    companies: str | None = None,
    company: str | None = None,
    viewer: str | None = None,
    handles: tuple[str, ...] = (),
    public: bool = False,
    staff: bool = False,
    after: Callable | None = None,
    disguise: Callable | None = present.disguise,
    **options,
) -> Callable:
    """Cache a query and restrict it to what the signed-in account may see.

    The scope parameters are declared (`Scope`): `@scoped(companies="company_ids")`,
    `@scoped(company="company_id")`, `@scoped(viewer="viewer", handles=("factory_id",))`,
    `@scoped(staff=True)`, `@scoped(public=True)`. The declaration is checked when the module is imported: a declared
    name that is not a parameter, or a parameter named like a scope (`viewer`, `*_id`, `*_ids`)
    that is not declared, raises. Scopes are settled before the cache is consulted, so results
    are cached per scope and a company account only ever gets its own company's rows.

    In presentation mode (see ui/present.py) handles in the id parameters are turned back into
    real ids before the cache, and the result comes back through `disguise(result, names)`
    (`present.disguise`: pseudonyms, handles, regions, no free text; None: the result keeps its
    real ids, for callers that name things through `company_names`). Only the outermost call
    disguises: a scoped query called inside another one's cached computation gets real data, so
    no cache entry ever holds disguised data. `after(result)` runs on the result as the page gets
    it (disguised or not): build display strings that combine names there, never in SQL.

    The wrapper, `.plain` (the same, never disguised: real ids for text built from several
    results) and `.later` (deferred downloads) all settle the scope in `_settle`.
    """
    scope = Scope(companies, company, viewer, tuple(handles), public, staff)

    def decorate(func: Callable) -> Callable:
        signature = inspect.signature(func)
        scope.check(func, signature)
        cached = cache(show_spinner=False, **options)(func)

        def finish(result: object, names: pseudonyms.Pseudonyms | None) -> object:
            if names is not None and disguise is not None:  # pseudonyms, no ids, no free text
                result = disguise(result, names)
            return result if after is None else after(result)

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            bound, names = _settle(scope, signature, args, kwargs, outer=_depth.get() == 0)
            return finish(_nested(cached, bound), names)

        def plain(*args, **kwargs):
            """The query with real ids and names, never disguised (for text built from several
            results: names are swapped by `company_names`, so nothing real is shown)."""
            bound, _ = _settle(scope, signature, args, kwargs, outer=_depth.get() == 0)
            return finish(_nested(cached, bound), None)

        def later(*args, **kwargs) -> Callable[[], object]:
            """The same query as a callable for a download built on click: the account's scope
            and presentation mode are settled now (the callable runs outside the script run),
            and the result is not cached (a full download is needed once, not kept). When it
            runs, this tab's session is checked again (`downloads.check`: the session record and
            the account's current row; a changed role or organisation ends the session, so the
            scope settled here is still the account's); an ended one raises
            downloads.SessionEnded, which `downloads.deferred` turns into a refusal file."""
            token = downloads.session_token()
            bound, names = _settle(scope, signature, args, kwargs, outer=True)

            def run() -> object:
                downloads.check(token)  # raises downloads.SessionEnded: nothing is read
                return finish(func(*bound.args, **bound.kwargs), names)

            return run

        wrapper.scope = scope  # type: ignore[attr-defined]
        wrapper.clear = cached.clear  # type: ignore[attr-defined]
        wrapper.cached = cached  # type: ignore[attr-defined]  # for use inside another cached query
        wrapper.plain = plain  # type: ignore[attr-defined]
        wrapper.later = later  # type: ignore[attr-defined]
        return wrapper

    return decorate


def _settle(
    scope: Scope, signature: inspect.Signature, args: tuple, kwargs: dict, *, outer: bool
) -> tuple[inspect.BoundArguments, pseudonyms.Pseudonyms | None]:
    """The one place a scoped query's arguments are settled: handles back to ids (presentation
    mode, outermost call only: the pseudonyms are returned, to disguise the result with), the
    companies narrowed to the account's, the viewer replaced by the account's, and a single
    company outside the account's scope refused (NotAvailable), as is a staff query for anyone
    but staff."""
    if scope.staff and getattr(auth.user(), "role", None) != "admin":
        raise NotAvailable("staff only")
    bound = signature.bind(*args, **kwargs)
    bound.apply_defaults()
    arguments = bound.arguments
    names = pseudonym_map(arguments["version"]) if outer and present.is_on() else None
    if names is not None:
        ids = {n: arguments[n] for n in scope.ids()}
        present.resolve_arguments(ids, names)
        arguments.update(ids)
    if scope.companies:
        ids = arguments[scope.companies]
        arguments[scope.companies] = auth.restrict(tuple(ids) if ids is not None else None)
    if scope.viewer:
        arguments[scope.viewer] = contract_queries.viewer_of(auth.user())
    if scope.company and not auth.restrict((arguments[scope.company],)):
        raise NotAvailable(arguments[scope.company])
    return bound, names


def _nested(cached: Callable, bound: inspect.BoundArguments) -> object:
    """Run a cached query one level deeper (scoped queries it calls neither resolve nor disguise)."""
    token = _depth.set(_depth.get() + 1)
    try:
        return cached(*bound.args, **bound.kwargs)
    finally:
        _depth.reset(token)


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


@scoped(companies="company_ids")
def companies(version: object, company_ids: tuple[str, ...] | None = None) -> pd.DataFrame:
    return company_queries.companies(reader().cursor(), _ids(company_ids))


@scoped(public=True)
def is_demo(version: object) -> bool:
    return company_queries.is_demo(reader().cursor())


@scoped(public=True)
def has_presentation_key(version: object) -> bool:
    """Whether the file has its own presentation key (without building every pseudonym:
    that takes about 20 s at scale 1000)."""
    return pseudonyms.read_key(reader().cursor()) is not None


@scoped(staff=True)
def accounts(version: object) -> pd.DataFrame:
    """Every dashboard account without its hash (the Accounts page)."""
    return pd.DataFrame(account_queries.users(reader().cursor()))


@scoped(staff=True)
def audit_log(version: object) -> pd.DataFrame:
    """The newest applied writes first (the Data page)."""
    return company_queries.audit_log(reader().cursor())


# ---------------------------------------------------------------- scores


@scoped(st.cache_resource, companies="company_ids", max_entries=8)
def evidence(version: object, company_ids: tuple[str, ...] | None = None) -> scoring.Evidence:
    """The scoring evidence (shared, read-only: never modify the frames)."""
    return scoring.load_evidence(reader().cursor(), _ids(company_ids))


@scoped(st.cache_resource, companies="company_ids", max_entries=6)
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


@scoped(company="company_id", companies="company_ids", max_entries=64)
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


@scoped(companies="company_ids", max_entries=32)
def leaderboard(
    version: object, methodology: str, as_of: date, company_ids: tuple[str, ...] | None = None
) -> pd.DataFrame:
    """`summary.leaderboard` of the series (scores, change, trend per company at `as_of`)."""
    return summary.leaderboard(series.cached(version, methodology, company_ids), as_of)


@scoped(company="company_id", max_entries=64)
def explanation(version: object, company_id: str, as_of: date, methodology: str) -> scoring.Explanation:
    return scoring.explain(evidence(version, (company_id,)), company_id, as_of, methodology)


# ---------------------------------------------------------------- page queries


@st.cache_resource(show_spinner=False, max_entries=4)
def pseudonym_map(version: object) -> pseudonyms.Pseudonyms:
    """The presentation-mode pseudonyms of this database file."""
    return pseudonyms.build(reader().cursor())


@scoped(public=True)
def affiliates(version: object) -> pd.DataFrame:
    return company_queries.affiliates(reader().cursor())


@scoped(companies="company_ids")
def company_filters(version: object, company_ids: tuple[str, ...] | None = None) -> pd.DataFrame:
    return company_queries.company_filters(reader().cursor(), _ids(company_ids))


@scoped(company="company_id", viewer="viewer")
def company_contracts(
    version: object, company_id: str, viewer: contract_queries.Viewer | None = None
) -> pd.DataFrame:
    """The company's contracts; other affiliates' contracts as buyer names only (contracts
    confidentiality: data.queries.contracts.company_contracts)."""
    return contract_queries.company_contracts(reader().cursor(), viewer, company_id)


@scoped(company="company_id", after=company_queries.label_evidence_events)
def company_evidence_events(version: object, company_id: str) -> pd.DataFrame:
    return company_queries.company_evidence_events(reader().cursor(), company_id)


@scoped(company="company_id")
def open_findings(version: object, company_id: str, as_of: date) -> pd.DataFrame:
    return company_queries.open_findings(reader().cursor(), company_id, as_of)


def plain_explanation(version: object, company_id: str, as_of: date, methodology: str) -> scoring.Explanation:
    """`explanation` with real ids, for the explanations in words (wording.narrative)."""
    return explanation.plain(version, company_id, as_of, methodology)


def plain_evidence(version: object, company_id: str) -> scoring.Evidence:
    """One company's scoring evidence with real ids (a handle is resolved first: `company_ids`
    is then restricted like any other)."""
    return evidence.plain(version, (company_id,))


def _names_as_presented(frame: pd.DataFrame, names: pseudonyms.Pseudonyms) -> pd.DataFrame:
    """Factory and product model names as presentation mode shows them; the ids stay real."""
    return frame.assign(
        legal_name=[names.name("factory", f) for f in frame["factory_id"]],
        product_model=[names.name("product", p) for p in frame["product_model_id"]],
    )


@scoped(company="company_id", disguise=_names_as_presented)
def company_names(version: object, company_id: str) -> pd.DataFrame:
    """Factory and product model names of one company, keyed by their real ids (the scoring
    evidence's), with the names as presentation mode shows them (pseudonyms when it is on)."""
    return company_queries.company_names(reader().cursor(), company_id)


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


@scoped(company="company_id", max_entries=64)
def peer_context(version: object, methodology: str, as_of: date, company_id: str) -> dict[str, object]:
    """The company's rank and the medians of all scored companies and of its role at `as_of`
    (aggregates only: no other company's name or score leaves this function)."""
    return summary.peer_context(_peer_scores(version, methodology, as_of), company_id)


@scoped(company="company_id", disguise=None, max_entries=64)
def improvement_actions(
    version: object, company_id: str, as_of: date, methodology: str
) -> tuple[pd.DataFrame, object]:
    """The company's improvement actions at `as_of` (METHODOLOGY.md section 4) and the
    shortest set that reaches the next band. Ids stay real (names are looked up with
    `company_names`)."""
    ev = evidence(version, (company_id,))
    listed = scoring.actions(ev, company_id, as_of, methodology)
    overall = scoring.score(ev, [as_of], methodology)["overall"].iloc[0]
    return listed, scoring.next_band(listed, float(overall), ev)
