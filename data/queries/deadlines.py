"""Deadlines as a calendar: what My contracts offers as a download and what a subscription
link serves (one function, `calendar`, so both are the same file for the same account).

Active deadlines are `data.queries.contracts.deadlines` (overdue, or due in the next 90
days, within a contract's period). A deadline sent before and resolved since is sent again
as cancelled (`resolved`), derived from the evidence rather than a record of what was
sent: a request of a contract's period, due within `HORIZON_DAYS` either side of today (the
window in which it was listed), that is not listed now and has a response by today (fully
answered; or, past its due date, any response). Its UID is the one it was listed with.
"""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
import pandas as pd

from data.access import calendar_links
from data.exports import ical
from data.queries import contracts as q
from data.queries.contracts import HORIZON_DAYS, Viewer

ANSWERED = ("full", "partial", "due diligence only")


def resolved(
    cur: duckdb.DuckDBPyConnection, viewer: Viewer, today: date, affiliate_id: str | None = None
) -> pd.DataFrame:
    """Requests listed as deadlines within the last HORIZON_DAYS and resolved since (see above):
    request_id, due_on, company, product_model, scope, state."""
    requests = q.model_requests(cur, viewer, today, affiliate_id)
    due = pd.to_datetime(requests["due_on"]).dt.date
    window = (due >= today - timedelta(days=HORIZON_DAYS)) & (due <= today + timedelta(days=HORIZON_DAYS))
    # Not listed now: due from today on, only once fully answered; past due, once answered at all.
    gone = requests["state"].eq("full") | (due < today) & requests["state"].isin(ANSWERED)
    found = requests[window & gone].copy()
    found["contracts"] = found["request_id"].map(
        q.contracts_in_period(cur, viewer, today, found, affiliate_id)
    )
    found = found[found["contracts"].notna()]
    columns = ["request_id", "due_on", "company", "product_model", "scope", "state"]
    return found.sort_values(["due_on", "request_id"])[columns].reset_index(drop=True)


def scope_of(viewer: Viewer, affiliate_id: str | None = None) -> str:
    """What a calendar covers (its overdue event's UID): the account's organisation, or the
    affiliate staff chose."""
    return f"{viewer.role}:{affiliate_id or viewer.affiliate_id or viewer.company_id or 'all'}"


def calendar(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    today: date,
    affiliate_id: str | None = None,
    *,
    with_ids: bool = True,
) -> bytes:
    """The viewer's deadlines as an iCalendar file (data/exports/ical.py)."""
    return ical.deadlines_ics(
        q.deadlines(cur, viewer, today, affiliate_id),
        today,
        with_ids=with_ids,
        cancelled=resolved(cur, viewer, today, affiliate_id),
        scope=scope_of(viewer, affiliate_id),
    )


def feed(cur: duckdb.DuckDBPyConnection, token: str | None, today: date) -> bytes | None:
    """What a calendar subscription link serves: the calendar of the token's account as it is
    now (its current role and organisation, every contract in its view, ids included as in
    the download), or None for an unknown, revoked or removed one."""
    user = calendar_links.account_of(cur, token)
    return None if user is None else calendar(cur, q.viewer_of(user), today)
