"""The language of a run (issue 25): chosen in the sidebar (and stored on the account), else the
account's stored choice, else the browser's Accept-Language, else English."""

from __future__ import annotations

import logging

import streamlit as st

from data import store
from data.access import accounts, languages
from data.access.accounts import User
from wording import i18n
from wording.i18n import _

log = logging.getLogger("cpt.language")

CHOSEN = "cpt_language"  # this session's choice (the sidebar)
WIDGET = "language"
FAILED = "cpt_language_failed"


def _accept_language() -> str | None:
    try:
        return st.context.headers.get("Accept-Language")
    except Exception:  # no request behind this run (a test harness)
        return None


def resolve(user: User | None, cur) -> str:
    """Set and return the language of this run."""
    chosen = st.session_state.get(CHOSEN)
    if chosen is None and user is not None:
        chosen = languages.stored(cur, user.username)
    if chosen is None:
        chosen = i18n.best_match(_accept_language())
    return i18n.set_language(chosen)


def _changed(username: str | None) -> None:
    choice = i18n.normalise(st.session_state.get(WIDGET))
    st.session_state[CHOSEN] = choice
    if username is None:
        return
    try:
        languages.choose(store.db_path(), username, choice, who=username)
    except (store.StoreError, accounts.AccountError) as exc:  # kept for this session all the same
        log.warning("language of %s not stored: %s", username, exc)
        st.session_state[FAILED] = True


def selector(user: User | None) -> None:
    """The sidebar's language choice; signed in, it is stored on the account."""
    st.session_state[WIDGET] = i18n.current()
    st.selectbox(
        _("Language"),
        list(i18n.LANGUAGES),
        format_func=i18n.LANGUAGES.get,
        key=WIDGET,
        on_change=_changed,
        args=(None if user is None else user.username,),
    )
    if st.session_state.pop(FAILED, False):
        st.caption(_("The language applies to this session; it could not be saved on your account."))
