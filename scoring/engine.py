"""Set-based scoring: every company at every assessment date, with no Python loop over
companies or dates.

The rules of METHODOLOGY.md are written twice, side by side, and must stay in step:

* in scoring/rules.py, as numpy arrays, for `score()` (the series the pages and the CLI show): each
  rule is evaluated for every item (disclosure request, case, finding) at every
  assessment date at once, as a (dates × items) array, and the items of a company are
  then summed (`_sct_sums`, `_fi_sums`);
* in SQL, for `scoring.explain()` (one company at one date, every item with its
  points): the named queries `request_assessments` and `case_assessments` in
  `scoring/queries/`, over `request_facts` / `case_facts` / `finding_facts`, run on a
  private in-memory DuckDB connection (`scoring_connection`) where the evidence
  DataFrames and the parameters (from `scoring.params`, as data) are registered.

The per-item assessments (`_request_items`, `_case_items`) are also what
`scoring.actions` reads for one company at one date, so the improvement actions start
from exactly the numbers `score()` gives.

tests/test_scoring_properties.py checks `score()` against the naive reference
(tests/scoring_reference.py) and the SQL rules summed per company against `score()`, on
random worlds and on the demo world; the rule tables of tests/test_scoring.py check both.
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
from scoring.rules import _fi_sums, _sct_sums, _Series

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
        {
            "as_of": pd.Series(as_of, dtype="datetime64[us]"),
            "methodology": pd.Series(versions, dtype=object),
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


VIEWS = (
    "request_facts",
    "finding_facts",
    "case_facts",
    "request_dates",
    "case_dates",
    "request_assessments",
    "case_assessments",
)
"""The views of a scoring connection, in order: every request and case assessed at every
date of the grid (explain() uses one company and one date)."""


MATERIALISED = frozenset({"request_facts", "finding_facts", "case_facts"})


@contextlib.contextmanager
def scoring_connection(evidence: Evidence, grid: pd.DataFrame) -> Iterator[duckdb.DuckDBPyConnection]:
    """A private in-memory DuckDB connection with the evidence, the parameters, the
    assessment grid and the rule views (`VIEWS`) registered: the SQL side of the rules,
    for `scoring.explain()`."""
    con = duckdb.connect()
    try:
        for name, df in {**evidence.tables(), **methodology_frames(), "assessments": grid}.items():
            con.register(name, df)
        for name in VIEWS:
            # The per-item facts are read by several later views: compute them once.
            relation = con.sql(query(name))
            if name in MATERIALISED:
                relation.create(name)
            else:
                relation.create_view(name)
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
    if len(evidence.companies) > BATCH_COMPANIES:
        # Companies are scored independently: a batch at a time bounds the (dates × items)
        # arrays, which at scale 1000 would otherwise take about a gigabyte at once.
        return pd.concat(
            [_score_all(part, grid) for part in _batches(evidence, BATCH_COMPANIES)], ignore_index=True
        )
    return _score_all(evidence, grid)


BATCH_COMPANIES = 2000
"""Companies scored at once by `score()`; the series is the same for any batch size."""


def _batches(evidence: Evidence, size: int) -> Iterator[Evidence]:
    """The evidence split into groups of `size` companies in company_id order."""
    companies = pd.Index(evidence.companies["company_id"].sort_values(kind="stable").astype("str"))
    tables = evidence.tables()
    # each row's company number (-1: a company not in the evidence) in batches of `size`
    numbers = {name: companies.get_indexer(df["company_id"].astype("str")) for name, df in tables.items()}
    numbers = {name: np.where(n >= 0, n // size, -1) for name, n in numbers.items()}
    for batch in range((len(companies) + size - 1) // size):
        yield Evidence(
            **{name: df[numbers[name] == batch].reset_index(drop=True) for name, df in tables.items()}
        )


def _score_all(evidence: Evidence, grid: pd.DataFrame) -> pd.DataFrame:
    """`score()` of every company of `evidence` at once."""
    # Company numbers in company_id order: the output needs no sort.
    companies = evidence.companies["company_id"].sort_values(kind="stable").reset_index(drop=True)
    series = _Series(grid, companies)
    sct_p, sct_w = _sct_sums(evidence, series)
    fi_p, fi_w = _fi_sums(evidence, series)
    with np.errstate(invalid="ignore", divide="ignore"):
        # Weights are positive, so a zero sum of weights means nothing scorable (n/a).
        # Float noise from the sums (100.00000000000001) is clipped to 0..100.
        sct = np.clip(np.where(sct_w > 0, 100 * sct_p / sct_w, np.nan), 0, 100)
        fi = np.clip(np.where(fi_w > 0, fi_p / fi_w, np.nan), 0, 100)
    a = np.array([m.overall_sct_weight for m in series.versions], dtype=float)[:, None]
    b = np.array([m.overall_fi_weight for m in series.versions], dtype=float)[:, None]
    overall = np.where(np.isnan(sct), fi, np.where(np.isnan(fi), sct, a * sct + b * fi))
    n_companies, n_dates = len(companies), len(grid)
    company_rows, date_rows = (
        np.repeat(np.arange(n_companies), n_dates),
        np.tile(np.arange(n_dates), n_companies),
    )
    overall = overall.T.ravel()  # (dates × companies) to rows by company, then date
    return pd.DataFrame(
        {
            "company_id": companies.astype("str").array.take(company_rows),
            "as_of": grid["as_of"].to_numpy()[date_rows],
            "methodology": grid["methodology"].astype("str").array.take(date_rows),
            "sct": sct.T.ravel(),
            "fi": fi.T.ravel(),
            "overall": overall,
            "band": bands(pd.Series(overall)),
        }
    )


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
