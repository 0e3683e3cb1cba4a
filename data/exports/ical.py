"""Deadlines as an iCalendar file (RFC 5545) that calendar programs import.

One all-day event per disclosure request deadline (overdue or due in the next 90 days),
on its due date: the summary names the company, the product model and the scope; the
description says the state and the contracts it concerns. Event UIDs are derived from
the request id by a hash, so re-importing the file updates the same events.

Every text from the data goes through `exports.one_line` first: the icalendar library folds
and escapes only CRLF and LF, so a bare carriage return (or VT, FF, NEL, U+2028/U+2029) in a
name would start a new content line (`END:VEVENT`, `ATTENDEE:...`) inside SUMMARY.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta

import pandas as pd
from icalendar import Calendar, Event

from data.exports.spreadsheet import CONFIDENTIAL, one_line

PRODID = "-//Company Performance Tracker//Deadlines//EN"


def _uid(request_id: str) -> str:
    return hashlib.sha256(f"cpt-deadline:{request_id}".encode()).hexdigest()[:32] + "@cpt"


def deadlines_ics(deadlines: pd.DataFrame, today: date, *, with_ids: bool = True) -> bytes:
    """`deadlines` as returned by data.queries.contracts.deadlines (columns due_on, state,
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
        scope = one_line(row.scope).replace("_", " ")
        event = Event()
        event.add("uid", _uid(str(row.request_id)))  # a hash: no text of the id in the line
        event.add("dtstamp", stamp)
        event.add("dtstart", due)
        event.add("dtend", due + timedelta(days=1))
        company, model = one_line(row.company), one_line(row.product_model)
        event.add("summary", f"Disclosure due: {company}, {model} ({scope})")
        lines = [f"State on {today:%Y-%m-%d}: {one_line(row.state)}."]
        if with_ids:
            lines.append(f"Request {one_line(row.request_id)}; contracts {one_line(row.contracts)}.")
        lines.append(CONFIDENTIAL)
        event.add("description", "\n".join(lines))
        event.add("categories", ["overdue" if row.state == "overdue" else "due soon"])
        cal.add_component(event)
    return cal.to_ical()
