"""Cached evidence queries for the Supplier transparency and Factory improvement pages.

Same pattern as `ui.cache`: the first argument is the database file's identity
(`cache.db_version()`), so a replaced file never serves old numbers, and each query
takes its own cursor from the one cached read-only connection. `company_ids` is a
tuple (hashable) or None for every company.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from data.queries import evidence as q
from ui import cache


def _ids(company_ids: tuple[str, ...] | None) -> list[str] | None:
    return list(company_ids) if company_ids is not None else None


def _cur():
    return cache.reader().cursor()


# ---------------------------------------------------------------- supplier transparency


@cache.scoped(companies="company_ids", max_entries=64)
def transparency_summary(version: object, company_ids: tuple[str, ...] | None, until: date) -> pd.DataFrame:
    return q.transparency_summary(_cur(), _ids(company_ids), until)


@cache.scoped(companies="company_ids", max_entries=64)
def request_levels_by_quarter(
    version: object, company_ids: tuple[str, ...] | None, until: date
) -> pd.DataFrame:
    return q.request_levels_by_quarter(_cur(), _ids(company_ids), until)


@cache.scoped(companies="company_ids", max_entries=64)
def on_time_by_quarter(version: object, company_ids: tuple[str, ...] | None, until: date) -> pd.DataFrame:
    return q.on_time_by_quarter(_cur(), _ids(company_ids), until)


@cache.scoped(companies="company_ids", max_entries=64)
def factories_disclosed_by_quarter(
    version: object, company_ids: tuple[str, ...] | None, until: date
) -> pd.DataFrame:
    return q.factories_disclosed_by_quarter(_cur(), _ids(company_ids), until)


def _by_country(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows of one country (or, in presentation mode, region) and tier added up, most first."""
    if frame.empty:
        return frame
    out = frame.groupby(["country", "tier"], as_index=False, sort=False, dropna=False)["factories"].sum()
    total = out.groupby("country", dropna=False)["factories"].transform("sum")
    return (
        out.assign(_t=total)
        .sort_values(["_t", "country"], ascending=[False, True], kind="stable")
        .drop(columns="_t")
        .reset_index(drop=True)
    )


@cache.scoped(companies="company_ids", max_entries=64, after=_by_country)
def factories_by_country(version: object, company_ids: tuple[str, ...] | None, until: date) -> pd.DataFrame:
    return q.factories_by_country(_cur(), _ids(company_ids), until)


@cache.scoped(companies="company_ids", max_entries=64)
def factories_missing_address(version: object, company_ids: tuple[str, ...] | None) -> pd.DataFrame:
    return q.factories_missing_address(_cur(), _ids(company_ids))


@cache.scoped(companies="company_ids", max_entries=64)
def product_factory_links(
    version: object, company_ids: tuple[str, ...] | None, limit: int | None = None, offset: int = 0
) -> pd.DataFrame:
    """The links (a page of them with `limit`; the whole list for a download, through `.later`)."""
    return q.product_factory_links(_cur(), _ids(company_ids), limit, offset)


@cache.scoped(companies="company_ids", max_entries=64)
def product_factory_link_count(version: object, company_ids: tuple[str, ...] | None) -> int:
    return q.product_factory_link_count(_cur(), _ids(company_ids))


# ---------------------------------------------------------------- factory improvement


@cache.scoped(companies="company_ids", max_entries=64, after=q.label_cases)
def case_progress(version: object, company_ids: tuple[str, ...] | None) -> pd.DataFrame:
    return q.case_progress(_cur(), _ids(company_ids))


@cache.scoped(companies="company_ids", max_entries=64, after=q.label_cases)
def case_page(
    version: object, company_ids: tuple[str, ...] | None, limit: int | None, offset: int = 0
) -> pd.DataFrame:
    """A page of cases, open first and the worst first (`evidence_queries.case_page`)."""
    return q.case_page(_cur(), _ids(company_ids), limit, offset)


@cache.scoped(companies="company_ids", max_entries=64)
def improvement_summary(version: object, company_ids: tuple[str, ...] | None) -> pd.DataFrame:
    return q.improvement_summary(_cur(), _ids(company_ids))


@cache.scoped(companies="company_ids", max_entries=64)
def findings_by_area(version: object, company_ids: tuple[str, ...] | None) -> pd.DataFrame:
    return q.findings_by_area(_cur(), _ids(company_ids))


@cache.scoped(companies="company_ids", max_entries=64)
def findings_status_by_quarter(
    version: object, company_ids: tuple[str, ...] | None, until: date
) -> pd.DataFrame:
    return q.findings_status_by_quarter(_cur(), _ids(company_ids), until)


@cache.scoped(companies="company_ids", max_entries=64)
def retaliation_cases(version: object, company_ids: tuple[str, ...] | None) -> pd.DataFrame:
    return q.retaliation_cases(_cur(), _ids(company_ids))
