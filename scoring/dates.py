"""Assessment dates: the quarter ends a trajectory is scored at (METHODOLOGY.md)."""

from __future__ import annotations

from datetime import date

from scoring.evidence import Evidence

QUARTER_END_MONTH_DAY = ((3, 31), (6, 30), (9, 30), (12, 31))


def quarter_end_of(d: date) -> date:
    """The last day of the quarter containing `d`."""
    month, day = QUARTER_END_MONTH_DAY[(d.month - 1) // 3]
    return date(d.year, month, day)


def last_quarter_end(today: date | None = None) -> date:
    """The last quarter end on or before `today` (default: the current date)."""
    today = today or date.today()
    end = quarter_end_of(today)
    if end == today:
        return end
    q = (today.month - 1) // 3
    if q == 0:
        return date(today.year - 1, 12, 31)
    month, day = QUARTER_END_MONTH_DAY[q - 1]
    return date(today.year, month, day)


def quarter_ends(start: date, end: date) -> list[date]:
    """Every quarter end `q` with `start <= q <= end`, in order."""
    out: list[date] = []
    q = quarter_end_of(start)
    while q <= end:
        out.append(q)
        month_index = QUARTER_END_MONTH_DAY.index((q.month, q.day))
        if month_index == 3:
            q = date(q.year + 1, 3, 31)
        else:
            q = date(q.year, *QUARTER_END_MONTH_DAY[month_index + 1])
    return out


def series_dates(evidence: Evidence, today: date | None = None) -> list[date]:
    """The trajectory's dates: every quarter end from the quarter of the earliest piece of
    evidence (requested_on, disclosed_on, recorded_on, opened_on, event_date) to the last
    quarter end on or before `today`. Empty when there is no evidence."""
    first = evidence.first_evidence_date()
    if first is None:
        return []
    return quarter_ends(quarter_end_of(first.date()), last_quarter_end(today))
