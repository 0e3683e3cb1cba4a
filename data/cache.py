"""The dashboard's edge: one cached read-only connection and the cached queries.

Pages call these wrappers, never DuckDB directly. Every cached function takes
the database file's identity (`db_version()`) as an argument, and `reader()`
clears the data caches when the file was replaced by an import, so a new
file never serves old numbers.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

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
        st.cache_data.clear()
    return r


def db_version() -> tuple[int, int] | None:
    return reader().identity


def clear() -> None:
    """After an import: forget every cached query result."""
    st.cache_data.clear()


@st.cache_data(show_spinner=False)
def table_counts(version: object) -> pd.DataFrame:
    return queries.table_counts(reader().cursor())


@st.cache_data(show_spinner=False)
def evidence_date_range(version: object) -> tuple[object, object]:
    return queries.evidence_date_range(reader().cursor())


@st.cache_data(show_spinner=False)
def companies(version: object, company_ids: tuple[str, ...] | None = None) -> pd.DataFrame:
    return queries.companies(reader().cursor(), list(company_ids) if company_ids else None)


@st.cache_data(show_spinner=False)
def is_demo(version: object) -> bool:
    return queries.is_demo(reader().cursor())
