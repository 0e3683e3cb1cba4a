"""My contracts' "Record an expectation" form (issue 22).

The company and the kind are chosen first (the target's widget depends on them); then a
form: a band from the methodology's bands, a score from 0 to 100, or one of the company's
open improvement actions in words, as "How to improve" says them (stored as before, as
`action:target_id`). Values live under session-state keys and the form is not cleared on
submit, so a refused submit keeps what was typed; a recorded one clears them.
"""

from __future__ import annotations

from datetime import date, timedelta

import streamlit as st

import scoring
from data import store
from data.queries import expectations
from data.store.tables import BANDS, MAX_TEXT_LENGTH
from ui import cache, company_view
from ui.text import md
from wording import narrative
from wording.i18n import N_, _

WHAT_WORDS = {
    "overall": N_("Overall score"),
    "sct": N_("SCT score"),
    "fi": N_("FI score"),
    "band": N_("Band"),
    "action": N_("Improvement action"),
}
"""The kinds of expectation in words (as wording.labels.EXPECTATION_LABELS), translated where shown."""
KEYS = ("expectation_band", "expectation_score", "expectation_action", "expectation_due", "expectation_note")


def _actions(version: object, company_id: str) -> dict[str, str]:
    """The company's open actions: the words of How to improve -> "action:target_id"."""
    found = cache.improvement_actions(version, company_id, scoring.last_quarter_end(), "in-force")
    if found is None or found[0].empty:
        return {}
    names = company_view.names(version, company_id)
    rows = found[0].to_dict("records")
    words: dict[str, str] = {}
    for r in rows:  # the words are the options (two alike get a number)
        text = narrative.action_text(r, names)
        text = text if text not in words else f"{text} ({sum(w.startswith(text) for w in words) + 1})"
        words[text] = f"{r['action']}:{r['target_id']}"
    return words


def record(version: object, setter: str, company_names: dict[str, str], username: str, today: date) -> None:
    """The expander with the form; writes through expectations.add."""
    if st.session_state.pop("expectation_recorded", False):
        for key in KEYS:
            st.session_state.pop(key, None)
        st.success(_("Expectation recorded."))
    with st.expander(_("Record an expectation"), expanded=False):
        e1, e2 = st.columns(2)
        company = e1.selectbox(
            _("Company"), list(company_names), format_func=company_names.get, key="expectation_company"
        )
        labels = expectations.WHAT_LABELS
        what = e2.selectbox(
            _("What"),
            list(labels),
            format_func=lambda w: _(WHAT_WORDS.get(w, labels[w])),
            key="expectation_what",
        )
        with st.form("expectation_form", clear_on_submit=False):
            if what == "band":
                target = st.selectbox(_("Target band"), BANDS, key="expectation_band", format_func=_)
            elif what == "action":
                options = _actions(version, company)
                chosen = st.selectbox(_("Improvement action"), list(options), index=None,
                                      placeholder=_("Choose one of the company's open actions") if options
                                      else _("No open action for this company"), key="expectation_action")  # fmt: skip
                target = options.get(chosen) if chosen is not None else None
            else:
                target = st.number_input(_("Target score (0 to 100)"), min_value=0.0, max_value=100.0, value=None,
                                         step=1.0, key="expectation_score")  # fmt: skip
            due = st.date_input(_("Due by"), value=today + timedelta(days=180), key="expectation_due")
            note = st.text_area(
                _("Note (optional)"), key="expectation_note", max_chars=MAX_TEXT_LENGTH, height=80
            )
            submitted = st.form_submit_button(_("Record expectation"), key="expectation_submit")
        if not submitted:
            return
        try:
            if target is None:
                raise expectations.ExpectationError(
                    _("choose an action")
                    if what == "action"
                    else _("the target score must be a number from 0 to 100")
                )
            expectations.add(store.db_path(), affiliate_id=setter, company_id=company, what=what,
                             target=str(target), due_on=due, note=note, who=username)  # fmt: skip
        except expectations.ExpectationError as problem:
            st.error(md(_("Not recorded: {}."), str(problem)))
        else:
            cache.clear()
            st.session_state["expectation_recorded"] = True
            st.rerun()
