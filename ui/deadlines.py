"""My contracts' deadlines as a calendar: the .ics download and the secret subscription link.

The download and the link serve the same calendar (data/queries/deadlines.py): active
deadlines, one overdue event, reminders, and deadlines resolved since sent as cancelled.
The link (data/access/calendar_links.py) is made, shown once and revoked here; presentation
mode never shows it (the page does not call `subscription` there).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from urllib.parse import urlsplit

import pandas as pd
import streamlit as st

from data import store
from data.access import calendar_links
from data.exports import ical
from data.queries import deadlines as dq
from data.queries.contracts import Viewer, viewer_of
from ui import auth, cache, present
from wording.i18n import _

ROUTE = "/cpt/calendar/"  # serve.py
SHOWN = "calendar_link_shown"  # session state: the link just made (shown once)


@cache.scoped(viewer="viewer", handles=("affiliate_id",), max_entries=32)
def resolved(
    version: object, today: date, affiliate_id: str | None = None, viewer: Viewer | None = None
) -> pd.DataFrame:
    """Deadlines resolved since they were listed (sent as cancelled in the calendar)."""
    return dq.resolved(cache.reader().cursor(), viewer, today, affiliate_id)


def calendar_file(
    version: object, deadlines: pd.DataFrame, today: date, affiliate_id: str | None
) -> Callable[[], bytes]:
    """The .ics of the deadlines on the page, built on click (`downloads.deferred`): names
    disguised and ids left out in presentation mode; otherwise the same file the subscription
    link serves. The account's scope is settled now, in the script run."""
    presenting = present.is_on()
    scope = "present" if presenting else dq.scope_of(viewer_of(auth.user()), affiliate_id)
    cancelled = resolved.later(version, today, affiliate_id)
    return lambda: ical.deadlines_ics(
        deadlines, today, with_ids=not presenting, cancelled=cancelled(), scope=scope
    )


def _origin() -> str:
    """Scheme and host of the address this page was opened at."""
    parts = urlsplit(st.context.url or "")
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def _make(username: str) -> None:
    st.session_state[SHOWN] = calendar_links.new_link(store.db_path(), username, who=username)


def _revoke(username: str) -> None:
    calendar_links.revoke(store.db_path(), username, who=username)
    st.session_state.pop(SHOWN, None)


def subscription(username: str) -> None:
    """Make, show (once) and revoke the account's calendar subscription link."""
    with st.expander(_("Subscribe in your calendar"), expanded=SHOWN in st.session_state):
        st.caption(
            _(
                "A secret link your calendar program subscribes to: it shows the deadlines of every contract "
                "your account sees and updates itself (answered ones are removed). Anyone with the link sees "
                "them: keep it to yourself, and revoke it if it was shared."
            )
        )
        token = st.session_state.get(SHOWN)
        has = token is not None or calendar_links.has_link(cache.reader().cursor(), username)
        if token is not None:
            st.text(_("Your calendar link (shown only now: copy it into your calendar program):"))
            st.code(f"{_origin()}{ROUTE}{token}", language=None)
        elif has:
            st.text(
                _("You have a calendar link. It is shown only when it is made: make a new one to see it.")
            )
        c1, c2, _rest = st.columns([3, 2, 3])
        c1.button(_("Revoke and make a new link") if has else _("Make a calendar link"), key="calendar_link_new",
                  on_click=_make, args=(username,))  # fmt: skip
        if has:
            c2.button(_("Revoke the link"), key="calendar_link_revoke", on_click=_revoke, args=(username,))
