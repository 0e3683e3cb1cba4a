"""Deadlines as an iCalendar file (RFC 5545) that calendar programs import or subscribe to.

* One all-day event per request due in the next 90 days, on its due date: the summary names
  the company, the product model and the scope; the description the state and the contracts.
* Every overdue request in ONE all-day "overdue" event on the day the file is made (its
  description lists them), not an event per missed deadline back through the years.
* Each active event has a reminder (VALARM) 7 days before a deadline; the overdue event one
  on its day (a week before "today" has passed already).
* A deadline resolved since (answered, so no longer listed) is sent with `STATUS:CANCELLED`
  under the UID it was sent with, so a calendar that imported or subscribed removes it
  instead of keeping a stale deadline; the overdue event likewise when nothing is overdue.

UIDs are hashes (of the request id, of the calendar's scope for the overdue event): stable,
so re-importing updates the same events, and no id text in the line. `SEQUENCE` counts days,
so each day's file supersedes the one before.

Every text from the data goes through `exports.one_line` first: the icalendar library folds
and escapes (RFC 5545: backslash, comma, semicolon, newline) but a bare carriage return (or
VT, FF, NEL, U+2028/U+2029) in a name would otherwise start a new content line
(`END:VEVENT`, `ATTENDEE:...`) inside SUMMARY.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta

import pandas as pd
from icalendar import Alarm, Calendar, Event

from data.exports.spreadsheet import CONFIDENTIAL, one_line

PRODID = "-//Company Performance Tracker//Deadlines//EN"
REMINDER = timedelta(days=-7)  # before a deadline
OVERDUE_LISTED = 100  # requests named in the overdue event's description (then "and N more")
_EPOCH = date(2000, 1, 1)


def _uid(request_id: str) -> str:
    return hashlib.sha256(f"cpt-deadline:{request_id}".encode()).hexdigest()[:32] + "@cpt"


def overdue_uid(scope: str) -> str:
    """The overdue event's UID: one per calendar scope (an account, or the affiliate staff chose)."""
    return hashlib.sha256(f"cpt-overdue:{scope}".encode()).hexdigest()[:32] + "@cpt"


def _day(value: object) -> date:
    return pd.Timestamp(value).date()


def _event(uid: str, day: date, stamp: datetime, sequence: int, summary: str) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("sequence", sequence)
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("summary", summary)
    return event


def _alarm(event: Event, trigger: timedelta, text: str) -> None:
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", text)
    alarm.add("trigger", trigger)
    event.add_component(alarm)


def _what(row) -> str:
    scope = one_line(row.scope).replace("_", " ")
    return f"{one_line(row.company)}, {one_line(row.product_model)} ({scope})"


def deadlines_ics(
    deadlines: pd.DataFrame,
    today: date,
    *,
    with_ids: bool = True,
    cancelled: pd.DataFrame | None = None,
    scope: str = "",
) -> bytes:
    """`deadlines` as returned by data.queries.contracts.deadlines (columns due_on, deadline,
    state, company, product_model, scope, request_id, contracts); `cancelled`: requests resolved
    since they were listed (data.queries.deadlines.resolved: request_id, due_on, company,
    product_model, scope); `scope` names the calendar (the overdue event's UID).
    `with_ids=False` (presentation mode) leaves request and contract ids out of the text."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", "CPT disclosure deadlines")
    stamp = datetime.combine(today, datetime.min.time(), tzinfo=UTC)
    sequence = (today - _EPOCH).days
    late = (deadlines["deadline"] if "deadline" in deadlines else deadlines["state"]) == "overdue"
    overdue = deadlines[late]
    for row in deadlines[~late].itertuples(index=False):
        event = _event(
            _uid(str(row.request_id)), _day(row.due_on), stamp, sequence, f"Disclosure due: {_what(row)}"
        )
        lines = [f"State on {today:%Y-%m-%d}: {one_line(row.state)}."]
        if with_ids:
            lines.append(f"Request {one_line(row.request_id)}; contracts {one_line(row.contracts)}.")
        lines.append(CONFIDENTIAL)
        event.add("description", "\n".join(lines))
        event.add("categories", ["due soon"])
        event.add("status", "CONFIRMED")
        _alarm(event, REMINDER, f"In 7 days: disclosure due: {_what(row)}")
        cal.add_component(event)
    if len(overdue):
        n = len(overdue)
        first = next(overdue.itertuples(index=False))
        summary = (
            f"Disclosure overdue: {_what(first)}"
            if n == 1
            else f"Overdue: {n} disclosure requests not answered"
        )
        event = _event(overdue_uid(scope), today, stamp, sequence, summary)
        lines = [f"Overdue on {today:%Y-%m-%d} (no response after the deadline):"]
        for row in overdue.head(OVERDUE_LISTED).itertuples(index=False):
            ids = f"; request {one_line(row.request_id)}" if with_ids else ""
            lines.append(f"- {_what(row)}: due {_day(row.due_on):%Y-%m-%d}{ids}")
        if n > OVERDUE_LISTED:
            lines.append(f"... and {n - OVERDUE_LISTED} more (My contracts lists them all).")
        lines.append(CONFIDENTIAL)
        event.add("description", "\n".join(lines))
        event.add("categories", ["overdue"])
        event.add("status", "CONFIRMED")
        _alarm(event, timedelta(0), summary)
        cal.add_component(event)
    else:  # nothing overdue: remove an overdue event sent before
        event = _event(overdue_uid(scope), today, stamp, sequence, "Overdue: no disclosure request")
        event.add("status", "CANCELLED")
        cal.add_component(event)
    for row in (cancelled if cancelled is not None else pd.DataFrame()).itertuples(index=False):
        event = _event(
            _uid(str(row.request_id)), _day(row.due_on), stamp, sequence, f"Answered: {_what(row)}"
        )
        event.add("status", "CANCELLED")
        cal.add_component(event)
    return cal.to_ical()
