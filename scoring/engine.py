"""Set-based scoring: every company at every assessment date in a few DuckDB queries.

The rules themselves are the named queries in `scoring/queries/`:
`request_assessments` (one row per disclosure request and date: the SCT rule),
`case_assessments` (one row per case and date: the FI case score) and
`company_scores` (the weighted means and the overall score). The evidence
DataFrames and the methodology parameters (from `scoring.params`, as data) are
registered on a private in-memory DuckDB connection; the assessment dates are
crossed with the evidence inside DuckDB, so there is no Python loop over
companies or dates.
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
    return pd.DataFrame(
        {"as_of": pd.Series(as_of, dtype="datetime64[us]"), "methodology": pd.Series(versions, dtype=object)}
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


@contextlib.contextmanager
def scoring_connection(evidence: Evidence, grid: pd.DataFrame) -> Iterator[duckdb.DuckDBPyConnection]:
    """A private in-memory DuckDB connection with the evidence, the parameters, the
    assessment grid and the two rule views registered."""
    con = duckdb.connect()
    try:
        for name, df in {**evidence.tables(), **methodology_frames(), "assessments": grid}.items():
            con.register(name, df)
        con.execute("CREATE TEMP VIEW request_assessments AS " + query("request_assessments"))
        con.execute("CREATE TEMP VIEW case_assessments AS " + query("case_assessments"))
        yield con
    finally:
        con.close()


def bands(overall: pd.Series) -> pd.Series:
    """The band of each overall score (vectorised `params.band`); missing where n/a."""
    values = overall.to_numpy(dtype=float, na_value=np.nan)
    top = params.BANDS[-1]
    conditions = [(values >= b.lower) & (values < b.upper) for b in params.BANDS[:-1]]
    conditions.append((values >= top.lower) & (values <= top.upper + params.EDGE_TOLERANCE))
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
    with scoring_connection(evidence, grid) as con:
        out = con.execute(query("company_scores")).df()
    return _finish_scores(out)


def _finish_scores(out: pd.DataFrame) -> pd.DataFrame:
    out["as_of"] = out["as_of"].astype("datetime64[us]")
    out["methodology"] = out["methodology"].astype(object)
    for column in ("sct", "fi", "overall"):
        out[column] = out[column].astype(float)
    out["band"] = bands(out["overall"])
    return out[SCORE_COLUMNS].reset_index(drop=True)


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
