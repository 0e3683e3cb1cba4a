"""The Data page's import messages: every problem in full (wrapped, never cut off in a table
cell), and the preview before Apply (rows per table, owner corrections, score changes with
company names, and which quarter end evidence dated after the last one counts from)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from data.importing.audit import later_evidence_message, preview_frames
from data.importing.plan import MAX_CHANGED_CELLS, ImportPlan
from ui.text import md
from wording import i18n
from wording.i18n import _

MAX_PROBLEMS_SHOWN = 200


def problems_heading(n: int, *, refused: bool = False) -> str:
    if refused:
        return (_("The import was refused ({} problem); nothing was written:") if n == 1
                else _("The import was refused ({} problems); nothing was written:")).format(i18n.number(n))  # fmt: skip
    return (_("{} problem found: nothing will be written. Fix the files and upload them again.") if n == 1
            else _("{} problems found: nothing will be written. Fix the files and upload them again.")).format(i18n.number(n))  # fmt: skip


def show_problems(plan: ImportPlan, *, refused: bool = False) -> None:
    """Each problem as one wrapped line of plain text, `file:line: column: problem`."""
    st.error(problems_heading(len(plan.errors), refused=refused))
    with st.container(border=True, key="import_errors"):
        for problem in plan.errors[:MAX_PROBLEMS_SHOWN]:
            st.text(str(problem))
        hidden = len(plan.errors) - MAX_PROBLEMS_SHOWN
        if hidden > 0:
            st.text(
                (_("… and {} more problem") if hidden == 1 else _("… and {} more problems")).format(
                    i18n.number(hidden)
                )
            )


def _band_style(row: pd.Series) -> list[str]:
    colour = "background-color: #fff3cd; font-weight: bold" if row["band changes"] else ""
    return [colour if column == "band" else "" for column in row.index]


def show_preview(plan: ImportPlan) -> None:
    frames = preview_frames(plan)
    st.header(_("What Apply will do"))
    if not frames["counts"].empty:
        st.dataframe(frames["counts"], key="import_preview", hide_index=True)
    if not frames["corrections"].empty:
        n = len(frames["corrections"])
        st.caption(
            md(
                _("Owner corrections ({} row):") if n == 1 else _("Owner corrections ({} rows):"),
                i18n.number(n),
            )
        )
        st.dataframe(frames["corrections"], key="import_corrections", hide_index=True, width="stretch")
    if not frames["changes"].empty:
        st.caption(_("Changed cells of the replaced rows (old → new):"))
        st.dataframe(frames["changes"], key="import_changes", hide_index=True, width="stretch")
        if (frames["changes"].groupby("table").size() >= MAX_CHANGED_CELLS).any():
            st.caption(
                md(
                    _("Only the first {} changed cells of a table are listed."),
                    i18n.number(MAX_CHANGED_CELLS),
                )
            )
    when = i18n.day(plan.as_of) if plan.as_of else _("the last quarter end")
    if frames["scores"].empty:
        st.info(md(_("No company's score at the last quarter end ({}) changes."), when))
    else:
        st.caption(md(_("Scores at the last quarter end ({}) that change (band changes highlighted):"), when))
        for change in plan.score_changes:
            if change.band_changed:
                st.text(
                    _("Band change: {}: {} → {}").format(
                        change.label, _(change.band_before or "n/a"), _(change.band_after or "n/a")
                    )
                )
        st.dataframe(
            frames["scores"].style.apply(_band_style, axis=1),
            key="import_scores",
            hide_index=True,
            width="stretch",
        )
    later = later_evidence_message(plan)
    if later:
        st.info(later)
