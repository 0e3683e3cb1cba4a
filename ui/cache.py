"""The dashboard's edge: one cached read-only connection and the cached queries and scores.

Pages call these wrappers, never DuckDB directly. Every cached function takes
the database file's identity (`db_version()`) as its first argument, and
`reader()` clears the data caches when the file was replaced by an import, so a
new file never serves old numbers.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

import scoring
from data import demo, queries, store


@st.cache_resource(show_spinner=False)
def _reader(path: str) -> store.Reader:
    return store.Reader(store.db_path(path))


def ensure_database() -> None:
    """Create the demo database when the default file is missing (first `make run`)."""
    path = store.db_path()
    if not path.exists() and path == store.DEFAULT_DB:
        with st.spinner("Creating the fictional demo database (first start)…"):
            try:
                store.create_database(path, demo.fill_demo)
            except store.StoreError:
                pass  # another session created it meanwhile


def reader() -> store.Reader:
    r = _reader(str(store.db_path()))
    if r.refresh():
        clear()
    return r


def db_version() -> tuple[int, int] | None:
    return reader().identity


def clear() -> None:
    """After an import: forget every cached query result and loaded evidence."""
    st.cache_data.clear()
    evidence.clear()


def _ids(company_ids: tuple[str, ...] | None) -> list[str] | None:
    return list(company_ids) if company_ids is not None else None


# ---------------------------------------------------------------- store contents


@st.cache_data(show_spinner=False)
def table_counts(version: object) -> pd.DataFrame:
    return queries.table_counts(reader().cursor())


@st.cache_data(show_spinner=False)
def evidence_date_range(version: object) -> tuple[object, object]:
    return queries.evidence_date_range(reader().cursor())


@st.cache_data(show_spinner=False)
def companies(version: object, company_ids: tuple[str, ...] | None = None) -> pd.DataFrame:
    return queries.companies(reader().cursor(), _ids(company_ids))


@st.cache_data(show_spinner=False)
def is_demo(version: object) -> bool:
    return queries.is_demo(reader().cursor())


# ---------------------------------------------------------------- scores


@st.cache_resource(show_spinner=False, max_entries=8)
def evidence(version: object, company_ids: tuple[str, ...] | None = None) -> scoring.Evidence:
    """The scoring evidence (shared, read-only: never modify the frames)."""
    return scoring.load_evidence(reader().cursor(), _ids(company_ids))


@st.cache_data(show_spinner="Scoring every quarter…", max_entries=16)
def series(version: object, methodology: str, company_ids: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Quarter-end scores of every company (or the given ones) from the first evidence to the last quarter."""
    ev = evidence(version, company_ids)
    dates = scoring.series_dates(ev)
    return scoring.score(ev, dates, methodology)


@st.cache_data(show_spinner=False, max_entries=32)
def scores_at(
    version: object, as_of: date, methodology: str, company_ids: tuple[str, ...] | None = None
) -> pd.DataFrame:
    return scoring.score(evidence(version, company_ids), [as_of], methodology)


@st.cache_data(show_spinner=False, max_entries=64)
def explanation(version: object, company_id: str, as_of: date, methodology: str) -> scoring.Explanation:
    return scoring.explain(evidence(version, (company_id,)), company_id, as_of, methodology)


# ---------------------------------------------------------------- page queries


@st.cache_data(show_spinner=False)
def affiliates(version: object) -> pd.DataFrame:
    return queries.affiliates(reader().cursor())


@st.cache_data(show_spinner=False)
def company_filters(version: object) -> pd.DataFrame:
    return queries.company_filters(reader().cursor())


@st.cache_data(show_spinner=False)
def company_contracts(version: object, company_id: str) -> pd.DataFrame:
    return queries.company_contracts(reader().cursor(), company_id)


@st.cache_data(show_spinner=False)
def company_evidence_events(version: object, company_id: str) -> pd.DataFrame:
    return queries.company_evidence_events(reader().cursor(), company_id)
