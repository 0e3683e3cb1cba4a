"""Set-based scoring: every company at every assessment date in a few DuckDB queries.

The rules are the named queries in `scoring/queries/`: `request_assessments` (a
disclosure request at a date: the SCT rule) and `case_assessments` (a case at a date:
the FI case score), over `request_facts` / `case_facts` / `finding_facts` (the few
dates each rule looks at). The evidence DataFrames and the parameters (from
`scoring.params`, as data) are registered on a private in-memory DuckDB connection.
For a series, each request and case is assessed only at the dates where its
contribution can change (`*_dates_changes.sql`); `running_sums` turns those into
every company's sums at every date with numpy. No Python loop over companies or dates.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from datetime import date, datetime

import duckdb
import numpy as np
import pandas as pd

from scoring import params
from scoring.evidence import Evidence, query

SCORE_COLUMNS = ["company_id", "as_of", "methodology", "sct", "fi", "overall", "band"]


def to_date(d: date | datetime | pd.Timestamp | str) -> date:
    """A plain `date` from a date, datetime, Timestamp or ISO string."""
    if isinstance(d, str):
        return date.fromisoformat(d)
    if isinstance(d, pd.Timestamp):
        return d.date()
    if isinstance(d, datetime):
        return d.date()
    return d


def assessments(dates: Iterable[date], methodology: str = params.IN_FORCE) -> pd.DataFrame:
    """The assessment grid: one row per date with the version applied at that date.

    Raises ValueError for an unknown methodology choice.
    """
    as_of = sorted({to_date(d) for d in dates})
    versions = [params.resolve(methodology, d).version for d in as_of]
    starts = [i == 0 or versions[i] != versions[i - 1] for i in range(len(versions))]
    return pd.DataFrame(
        {
            "as_of": pd.Series(as_of, dtype="datetime64[us]"),
            "methodology": pd.Series(versions, dtype=object),
            # the first date, and every date where the version applied changes
            "version_starts": pd.Series(starts, dtype=bool),
            "idx": pd.Series(range(len(as_of)), dtype="int64"),
        }
    )


def methodology_frames() -> dict[str, pd.DataFrame]:
    """The parameters of every version as three small tables for the queries."""
    versions = list(params.VERSIONS.values())
    methodologies = pd.DataFrame(
        {
            "methodology": [m.version for m in versions],
            "credit_full": [float(m.credits["FULL"]) for m in versions],
            "credit_partial": [float(m.credits["PARTIAL"]) for m in versions],
            "credit_due_diligence": [float(m.credits["DUE_DILIGENCE"]) for m in versions],
            "credit_none": [float(m.credits["NONE"]) for m in versions],
            "late_factor": [float(m.late_factor) for m in versions],
            "sct_window_days": pd.array([m.sct_window_days for m in versions], dtype="Int64"),
            "ack_window_days": [int(m.ack_window_days) for m in versions],
            "retaliation_penalty": pd.array([m.retaliation_penalty for m in versions], dtype="Float64"),
            "overall_sct_weight": [float(m.overall_sct_weight) for m in versions],
            "overall_fi_weight": [float(m.overall_fi_weight) for m in versions],
            "ack_on_time_points": [float(m.ack_on_time_points) for m in versions],
            "ack_late_points": [float(m.ack_late_points) for m in versions],
            "access_points": [float(m.access_points) for m in versions],
            "plan_points": [float(m.plan_points) for m in versions],
            "evidence_points": [float(m.evidence_points) for m in versions],
            "verified_points": [float(m.verified_points) for m in versions],
        }
    )
    scope_weights = pd.DataFrame(
        [
            {"methodology": m.version, "scope": scope, "weight": float(weight)}
            for m in versions
            for scope, weight in m.scope_weights.items()
        ]
    )
    severity_weights = pd.DataFrame(
        [
            {"methodology": m.version, "severity": severity, "weight": float(weight)}
            for m in versions
            for severity, weight in m.severity_weights.items()
        ]
    )
    return {
        "methodologies": methodologies,
        "scope_weights": scope_weights,
        "severity_weights": severity_weights,
    }


VIEWS = {
    "changes": (
        "request_facts",
        "finding_facts",
        "case_facts",
        ("request_dates", "request_dates_changes"),
        ("case_dates", "case_dates_changes"),
        "request_assessments",
        "case_assessments",
    ),
    "every": (
        "request_facts",
        "finding_facts",
        "case_facts",
        ("request_dates", "request_dates_every"),
        ("case_dates", "case_dates_every"),
        "request_assessments",
        "case_assessments",
    ),
}
"""The views of a scoring connection, in order. "changes" assesses each request and case
only at the dates where its contribution can change (the series); "every" at every
date (to explain each item at one date). Both give the same company scores."""


MATERIALISED = frozenset({"request_facts", "finding_facts", "case_facts"})


@contextlib.contextmanager
def scoring_connection(
    evidence: Evidence, grid: pd.DataFrame, dates: str = "changes"
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A private in-memory DuckDB connection with the evidence, the parameters, the
    assessment grid and the rule views (`VIEWS[dates]`) registered."""
    con = duckdb.connect()
    try:
        tables = evidence.tables()
        # A dense company number for the vectorised sums (rows in evidence.companies order).
        tables["companies"] = tables["companies"].assign(company_no=np.arange(len(tables["companies"])))
        for name, df in {**tables, **methodology_frames(), "assessments": grid}.items():
            con.register(name, df)
        for view in VIEWS[dates]:
            name, source = view if isinstance(view, tuple) else (view, view)
            # The per-item facts are read by several later views: compute them once.
            kind = "TABLE" if name in MATERIALISED else "VIEW"
            con.execute(f"CREATE TEMP {kind} {name} AS " + query(source))
        yield con
    finally:
        con.close()


def bands(overall: pd.Series) -> pd.Series:
    """The band of each overall score (vectorised `params.band`); missing where n/a."""
    values = np.round(overall.to_numpy(dtype=float, na_value=np.nan), params.BAND_DECIMALS)
    top = params.BANDS[-1]
    conditions = [(values >= b.lower) & (values < b.upper) for b in params.BANDS[:-1]]
    conditions.append((values >= top.lower) & (values <= top.upper))
    names = np.select(conditions, [b.name for b in params.BANDS], default=None)
    return pd.Series(names, index=overall.index, dtype=object).where(~np.isnan(values), None)


def score(
    evidence: Evidence,
    dates: Iterable[date],
    methodology: str = params.IN_FORCE,
    company_ids: list[str] | None = None,
) -> pd.DataFrame:
    """Scores of every company of `evidence` (or of `company_ids`) as of each date.

    Columns: company_id, as_of (datetime64), methodology (the version applied, "v1"
    or "v2"), sct, fi, overall (floats at full precision, NaN when not applicable)
    and band (None when not applicable). One row per company and date, sorted by
    company and date; companies without any scorable evidence are included with
    NaN scores. `methodology` is "in-force" (the version in force at each date) or a
    version name to rescore the whole history under it.
    """
    grid = assessments(dates, methodology)
    evidence = evidence.restrict(company_ids)
    if grid.empty or evidence.companies.empty:
        return _empty_scores()
    n_companies, n_dates = len(evidence.companies), len(grid)
    with scoring_connection(evidence, grid) as con:
        sct_n, sct_w, sct_p = running_sums(
            con.execute(query("request_contributions")).fetchnumpy(), n_companies, n_dates
        )
        fi_n, fi_w, fi_p = running_sums(
            con.execute(query("case_contributions")).fetchnumpy(), n_companies, n_dates
        )
    with np.errstate(invalid="ignore", divide="ignore"):
        # Running sums of differences leave float noise (e.g. -7e-15 for 0): keep 0..100.
        sct = np.clip(np.where(sct_n > 0, 100 * sct_p / sct_w, np.nan), 0, 100)
        fi = np.clip(np.where(fi_n > 0, fi_p / fi_w, np.nan), 0, 100)
    versions = [params.VERSIONS[v] for v in grid["methodology"]]
    a = np.array([m.overall_sct_weight for m in versions], dtype=float)
    b = np.array([m.overall_fi_weight for m in versions], dtype=float)
    overall = np.where(np.isnan(sct), fi, np.where(np.isnan(fi), sct, a * sct + b * fi))
    out = pd.DataFrame(
        {
            "company_id": np.repeat(evidence.companies["company_id"].to_numpy(dtype=object), n_dates),
            "as_of": np.tile(grid["as_of"].to_numpy(), n_companies),
            "methodology": np.tile(grid["methodology"].to_numpy(dtype=object), n_companies),
            "sct": sct.ravel(),
            "fi": fi.ravel(),
            "overall": overall.ravel(),
        }
    )
    out["band"] = bands(out["overall"])
    return out.sort_values(["company_id", "as_of"], kind="stable").reset_index(drop=True)[SCORE_COLUMNS]


def running_sums(
    parts: dict[str, np.ndarray], n_companies: int, n_dates: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each company's sums n, w, p at every date, as (companies × dates) matrices.

    `parts` holds one row per item (request or case) and assessed date: item_no,
    company_no, idx (date index) and the item's contribution n, w, p there. An item
    is only assessed where its contribution can change, so a company's sum at a date
    is the running total of its items' changes (contribution minus the item's
    previous contribution) up to that date.
    """
    item, company, idx = (np.asarray(parts[k], dtype=np.int64) for k in ("item_no", "company_no", "idx"))
    order = np.argsort(item * n_dates + idx, kind="stable")  # by item, then date
    item, company, idx = item[order], company[order], idx[order]
    continues = np.zeros(len(item), dtype=bool)
    continues[1:] = item[1:] == item[:-1]
    cell = company * n_dates + idx
    sums = []
    for name in ("n", "w", "p"):
        value = np.asarray(parts[name], dtype=float)[order]
        change = value.copy()
        change[1:][continues[1:]] -= value[:-1][continues[1:]]
        per_cell = np.bincount(cell, weights=change, minlength=n_companies * n_dates)
        sums.append(per_cell.reshape(n_companies, n_dates).cumsum(axis=1))
    return sums[0], sums[1], sums[2]


def _empty_scores() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "company_id": pd.Series([], dtype=object),
            "as_of": pd.Series([], dtype="datetime64[us]"),
            "methodology": pd.Series([], dtype=object),
            "sct": pd.Series([], dtype=float),
            "fi": pd.Series([], dtype=float),
            "overall": pd.Series([], dtype=float),
            "band": pd.Series([], dtype=object),
        }
    )
