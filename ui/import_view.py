"""The Data page's import: the preview of what Apply will do, and Apply itself (moved out of
pages/data.py so the page stays thin; no behaviour of its own)."""

import logging

import pandas as pd
import streamlit as st

from data import store
from data.importing import importer
from data.importing.audit import preview_frames
from data.importing.plan import MAX_CHANGED_CELLS
from ui import auth, cache
from ui.text import md

log = logging.getLogger("cpt.data_page")


def _band_style(row: pd.Series) -> list[str]:
    colour = "background-color: #fff3cd; font-weight: bold" if row["band changes"] else ""
    return [colour if column == "band" else "" for column in row.index]


def show_preview(plan: importer.ImportPlan) -> None:
    frames = preview_frames(plan)
    st.header("What Apply will do")
    st.dataframe(frames["counts"], key="import_preview", hide_index=True)
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
        st.dataframe(
            frames["scores"].style.apply(_band_style, axis=1),
            key="import_scores",
            hide_index=True,
            width="stretch",
        )


def apply(files: list[tuple[str, bytes]], round_: int) -> None:
    """Apply the import; `round_` is the uploader's round (the next one starts empty)."""
    with st.spinner("Importing…"):
        try:
            applied = importer.apply_import(store.db_path(), files, who=f"dashboard:{auth.user().username}")
        except Exception:  # never a stack trace for users: logged on the server
            log.exception("import failed unexpectedly")
            st.error(
                "The import failed because of an unexpected error (it has been logged). Nothing was written."
            )
            return
    if not applied.applied:
        st.error(md("The import was refused ({} problems); nothing was written:", len(applied.errors)))
        st.text("\n".join(str(p) for p in applied.errors[:20]))
        return
    cache.clear()
    with st.spinner("Checking that every page shows the new scores…"):
        try:
            difference = cache.check_series()
            check = (
                "Consistency check passed: the scores every page reads equal a fresh scoring of the new evidence."
                if difference is None
                else f"Consistency check FAILED: {difference}. Run `python -m data check --repair`."
            )
        except Exception:  # the import itself is done; the check is logged
            log.exception("the consistency check failed unexpectedly")
            check = "Consistency check could not run (logged); run `python -m data check`."
    summary = [
        f"{t}: {c.inserted} inserted, {c.replaced} replaced, {c.unchanged} unchanged"
        for t, c in applied.counts.items()
    ]
    if applied.as_of is not None:
        summary += [f"Score changes at {applied.as_of.isoformat()}:"] + (applied.score_lines() or ["none"])
        summary.append(importer.effective_date_message(applied.as_of))
    summary.append(check)
    st.session_state["import_done"] = summary
    st.session_state.pop("previewed", None)
    st.session_state.pop("plan", None)
    st.session_state["upload_round"] = round_ + 1
    st.rerun()
