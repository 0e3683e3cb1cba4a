"""Deadlines as an iCalendar file (RFC 5545) that calendar programs import.

One all-day event per disclosure request deadline (overdue or due in the next 90 days),
on its due date: the summary names the company, the product model and the scope; the
description says the state and the contracts it concerns. Event UIDs are derived from
the request id by a hash, so re-importing the file updates the same events.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta

import pandas as pd
from icalendar import Calendar, Event

from data.exports import CONFIDENTIAL

PRODID = "-//Company Performance Tracker//Deadlines//EN"


def _uid(request_id: str) -> str:
    return hashlib.sha256(f"cpt-deadline:{request_id}".encode()).hexdigest()[:32] + "@cpt"


def deadlines_ics(deadlines: pd.DataFrame, today: date, *, with_ids: bool = True) -> bytes:
    """`deadlines` as returned by data.contract_queries.deadlines (columns due_on, state,
    company, product_model, scope, request_id, contracts). `with_ids=False` (presentation
    mode) leaves request and contract ids out of the text."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "CPT disclosure deadlines")
    stamp = datetime.combine(today, datetime.min.time(), tzinfo=UTC)
    for row in deadlines.itertuples(index=False):
        due = pd.Timestamp(row.due_on).date()
        scope = str(row.scope).replace("_", " ")
        event = Event()
        event.add("uid", _uid(str(row.request_id)))
        event.add("dtstamp", stamp)
        event.add("dtstart", due)
        event.add("dtend", due + timedelta(days=1))
        event.add("summary", f"Disclosure due: {row.company}, {row.product_model} ({scope})")
        lines = [f"State on {today:%Y-%m-%d}: {row.state}."]
        if with_ids:
            lines.append(f"Request {row.request_id}; contracts {row.contracts}.")
        lines.append(CONFIDENTIAL)
        event.add("description", "\n".join(lines))
        event.add("categories", ["overdue" if row.state == "overdue" else "due soon"])
        cal.add_component(event)
    return cal.to_ical()
