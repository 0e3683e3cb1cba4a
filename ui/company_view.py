"""Parts of the Company page that draw explanations in words (the logic is in scoring.narrative).

Everything shown here is text built from names and labels, never raw ids or internal
codes; data goes into Markdown only escaped.
"""

from __future__ import annotations

import re
from datetime import date

import pandas as pd
import streamlit as st

from scoring import narrative, summary
from ui import cache

try:  # the shared rule for untrusted text, where it exists
    from ui.text import md_escape
except ImportError:  # pragma: no cover - until ui/text.py is on this branch
    _PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")

    def md_escape(value: object, limit: int | None = None) -> str:
        return _PUNCTUATION.sub(r"\\\1", str(value))


def bullets(lines: list[str]) -> None:
    """Sentences built from data, as a Markdown list whose every item is escaped."""
    if lines:
        st.markdown("\n".join(f"- {md_escape(line)}" for line in lines))


def names(version: object, company_id: str) -> narrative.Names:
    return narrative.Names.from_frame(cache.company_names(version, company_id))


WIDE_TEXT = {"Why": st.column_config.TextColumn("Why", width="large"),
             "Evidence": st.column_config.TextColumn("Evidence", width="large")}  # fmt: skip


def _table(scored: pd.DataFrame, left_out: pd.DataFrame, key: str, empty: str, noun: str) -> None:
    if scored.empty:
        st.info(empty)
    else:
        st.dataframe(scored, key=f"why_{key}", hide_index=True, width="stretch", column_config=WIDE_TEXT)
    if not left_out.empty:
        with st.expander(f"Left out of the score ({len(left_out)} {noun}) and why"):
            st.dataframe(
                left_out, key=f"left_{key}", hide_index=True, width="stretch", column_config=WIDE_TEXT
            )


def why_tabs(version: object, company_id: str, why, methodology: str, previous: date | None) -> None:
    """'Why this score': requests, cases and the change since the previous quarter end, in words."""
    evidence = cache.evidence(version, (company_id,))
    shown = names(version, company_id)
    tab_req, tab_case, tab_change = st.tabs(
        ["Disclosure requests (SCT)", "Monitoring cases (FI)", "Changes since last quarter"]
    )
    with tab_req:
        scored, left = narrative.request_table(why, evidence, shown)
        _table(scored, left, "requests", "n/a: no disclosure request is due or answered yet.", "requests")
    with tab_case:
        scored, left = narrative.case_table(why, evidence, shown)
        st.caption(
            "Status: open (no plan or evidence yet), remediation in progress, verified (every finding), "
            "retaliation (confirmed). Age: days from the report to the assessment date."
        )
        _table(scored, left, "cases", "n/a: no monitoring report with findings yet.", "cases")
    with tab_change:
        if previous is None:
            st.info("n/a: this is the first quarter with scores.")
            return
        before = cache.explanation(version, company_id, previous, methodology)
        rescored = None
        if before.methodology != why.methodology:
            rescored = cache.explanation(version, company_id, previous, why.methodology)
        lines = narrative.change_sentences(why, before, evidence, shown, rescored)
        st.caption("Each change with the evidence behind it, largest effect first. Choose another quarter end "
                   "above to explain its change.")  # fmt: skip
        bullets(lines)


def peer_context(version: object, methodology: str, as_of: date, company_id: str) -> dict[str, object]:
    """The rank and medians line under the scores; returns the figures for the report."""
    peer = cache.peer_context(version, methodology, as_of, company_id)
    st.markdown(md_escape(summary.peer_sentence(peer, as_of)))
    return peer
