"""How a frame looks to the presentation mode: which values are missing, which columns hold
numbers, dates or lists, and whether values rise or fall within groups (what
pseudonyms._sorted_by reads to keep a figure's order). Moved out of pseudonyms.py (issue 24)
without change; only pseudonyms.py uses it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def _is_missing(value: object) -> bool:
    if isinstance(value, (list, tuple, np.ndarray)):
        return False
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def _is_missing_list(value: object) -> bool:
    return not isinstance(value, (list, tuple, np.ndarray))


def _is_numeric_or_date(series: pd.Series) -> bool:
    if pd.api.types.is_bool_dtype(series) or pd.api.types.is_numeric_dtype(series):
        return True
    if pd.api.types.is_datetime64_any_dtype(series) or isinstance(series.dtype, pd.PeriodDtype):
        return True
    if series.dtype == object:  # dates from DuckDB, lists of numbers (trend sparklines), None
        values = [v for v in series if not _is_missing(v)]
        import datetime as dt

        def plain(v: object) -> bool:
            if isinstance(v, (list, tuple, np.ndarray)):
                return all(isinstance(x, (int, float, np.number)) or x is None for x in v)
            return isinstance(v, (int, float, np.number, bool, dt.date, dt.datetime, pd.Timestamp))

        return all(plain(v) for v in values)
    return False


def _holds_lists(series: pd.Series) -> bool:
    return series.dtype == object and any(isinstance(v, (list, tuple, np.ndarray)) for v in series.head(50))


def _sortable(series: pd.Series) -> pd.Series:
    """A figure column as numbers (dates as seconds, flags as 0/1), NaN where missing."""
    if pd.api.types.is_bool_dtype(series) or (
        series.dtype == object and series.map(lambda v: isinstance(v, (bool, np.bool_))).all()
    ):
        return series.astype(float)
    if pd.api.types.is_numeric_dtype(series):
        return pd.to_numeric(series, errors="coerce").astype(float)
    stamps = pd.to_datetime(series, errors="coerce")
    if getattr(stamps.dt, "tz", None) is not None:
        stamps = stamps.dt.tz_localize(None)
    return (stamps - pd.Timestamp(0)).dt.total_seconds()


def _monotonic_within(values: np.ndarray, group: np.ndarray) -> bool | None:
    """True (rising) / False (falling) when `values` are sorted within every run of `group`
    (missing values last) and differ somewhere within a run; else None."""
    same = group[1:] == group[:-1]
    before, after = values[:-1], values[1:]
    if (same & np.isnan(before) & ~np.isnan(after)).any():
        return None  # a missing value before a present one: not sorted by this column
    both = same & ~np.isnan(before) & ~np.isnan(after)
    diff = after[both] - before[both]
    if not len(diff) or not (diff != 0).any():
        return None
    if (diff >= 0).all():
        return True
    if (diff <= 0).all():
        return False
    return None
