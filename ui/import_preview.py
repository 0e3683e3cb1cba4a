"""The Data page's import messages: every problem in full (wrapped, never cut off in a table
cell), and the preview before Apply (rows per table, owner corrections, score changes with
company names, and which quarter end evidence dated after the last one counts from)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from data.importing.audit import later_evidence_message, preview_frames
from data.importing.plan import MAX_CHANGED_CELLS, ImportPlan, plural
from ui.text import md

MAX_PROBLEMS_SHOWN = 200


def problems_heading(n: int, *, refused: bool = False) -> str:
    if refused:
        return f"The import was refused ({plural(n, 'problem')}); nothing was written:"
    return f"{plural(n, 'problem')} found: nothing will be written. Fix the files and upload them again."


def show_problems(plan: ImportPlan, *, refused: bool = False) -> None:
    """Each problem as one wrapped line of plain text, `file:line: column: problem`."""
    st.error(problems_heading(len(plan.errors), refused=refused))
    with st.container(border=True, key="import_errors"):
        for problem in plan.errors[:MAX_PROBLEMS_SHOWN]:
            st.text(str(problem))
        hidden = len(plan.errors) - MAX_PROBLEMS_SHOWN
        if hidden > 0:
            st.text(f"… and {plural(hidden, 'more problem')}")


def _band_style(row: pd.Series) -> list[str]:
    colour = "background-color: #fff3cd; font-weight: bold" if row["band changes"] else ""
    return [colour if column == "band" else "" for column in row.index]


def show_preview(plan: ImportPlan) -> None:
    frames = preview_frames(plan)
    st.header("What Apply will do")
    if not frames["counts"].empty:
        st.dataframe(frames["counts"], key="import_preview", hide_index=True)
    if not frames["corrections"].empty:
        st.caption(md("Owner corrections ({}):", plural(len(frames["corrections"]), "row")))
        st.dataframe(frames["corrections"], key="import_corrections", hide_index=True, width="stretch")
    if not frames["changes"].empty:
        st.caption("Changed cells of the replaced rows (old → new):")
        st.dataframe(frames["changes"], key="import_changes", hide_index=True, width="stretch")
        if (frames["changes"].groupby("table").size() >= MAX_CHANGED_CELLS).any():
            st.caption(md("Only the first {:,} changed cells of a table are listed.", MAX_CHANGED_CELLS))
    when = plan.as_of.isoformat() if plan.as_of else "the last quarter end"
    if frames["scores"].empty:
        st.info(md("No company's score at the last quarter end ({}) changes.", when))
    else:
        st.caption(md("Scores at the last quarter end ({}) that change (band changes highlighted):", when))
        for change in plan.score_changes:
            if change.band_changed:
                st.text(
                    f"Band change: {change.label}: {change.band_before or 'n/a'} → {change.band_after or 'n/a'}"
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
