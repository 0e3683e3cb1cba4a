"""The Data page's import: the preview of what Apply will do, and Apply itself (moved out of
pages/data.py so the page stays thin; no behaviour of its own)."""

import logging

import streamlit as st

from data import store
from data.importing import importer
from data.importing.audit import summary_lines
from ui import auth, cache, import_preview
from ui.import_preview import show_preview as show_preview
from wording.i18n import _

log = logging.getLogger("cpt.data_page")


def apply(files: list[tuple[str, bytes]], round_: int) -> None:
    """Apply the import; `round_` is the uploader's round (the next one starts empty)."""
    with st.spinner(_("Importing…")):
        try:
            applied = importer.apply_import(store.db_path(), files, who=f"dashboard:{auth.user().username}")
        except Exception:  # never a stack trace for users: logged on the server
            log.exception("import failed unexpectedly")
            st.error(
                _(
                    "The import failed because of an unexpected error (it has been logged). Nothing was written."
                )
            )
            return
    if not applied.applied:
        import_preview.show_problems(applied, refused=True)
        return
    cache.clear()
    with st.spinner(_("Checking that every page shows the new scores…")):
        try:
            difference = cache.check_series()
            check = (
                _(
                    "Consistency check passed: the scores every page reads equal a fresh scoring of the new evidence."
                )
                if difference is None
                else _("Consistency check FAILED: {}. Run `python -m data check --repair`.").format(
                    difference
                )
            )
        except Exception:  # the import itself is done; the check is logged
            log.exception("the consistency check failed unexpectedly")
            check = _("Consistency check could not run (logged); run `python -m data check`.")
    summary = summary_lines(applied)
    if applied.as_of is not None:
        summary.append(importer.effective_date_message(applied.as_of))
    summary.append(check)
    st.session_state["import_done"] = summary
    st.session_state.pop("previewed", None)
    st.session_state.pop("plan", None)
    st.session_state["upload_round"] = round_ + 1
    st.rerun()
