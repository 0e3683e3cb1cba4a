"""Data (staff): upload evidence, preview what the import changes, apply it; audit log, templates, export."""

import hashlib
import logging

import streamlit as st

from data.importing import importer
from ui import cache, data_views, import_preview, import_view, nav
from wording import i18n
from wording.i18n import _

nav.through_app("data")
log = logging.getLogger("cpt.data_page")

version = cache.db_version()
st.title(_("Evidence data"))
st.caption(
    _("Import CSV or Excel files in the format of DATA_FORMAT.md. Nothing is written until you press Apply.")
)

done = st.session_state.pop("import_done", None)
if done is not None:
    st.success(_("Imported. The summary of what changed:"))
    st.text("\n".join(done))

round_ = st.session_state.get("upload_round", 0)
uploads = st.file_uploader(
    _(
        "Evidence files (CSV or .xlsx; a CSV's table is taken from its name or its header), with source documents "
        "(documents.csv and the files it names, or all in one .zip)"
    ),
    type=["csv", "xlsx", "zip", "pdf", "png", "jpg", "jpeg", "txt"],
    accept_multiple_files=True,
    key="uploads" if round_ == 0 else f"uploads-{round_}",
)


if uploads:
    files = [(u.name, u.getvalue()) for u in uploads]
    digest = hashlib.sha256(
        b"".join(n.encode() + b"\0" + hashlib.sha256(d).digest() for n, d in files) + str(version).encode()
    ).hexdigest()
    cached = st.session_state.get("plan")
    plan = None
    if cached is not None and cached[0] == digest:
        plan = cached[1]
    else:
        try:
            plan = importer.validate_files(files, cache.reader().cursor())
            plan.frames = {}  # the rows themselves are read again by Apply; keep the session small
            st.session_state["plan"] = (digest, plan)
        except Exception:  # never a stack trace for users: logged on the server
            log.exception("checking an upload failed unexpectedly")
            st.error(_("The files could not be checked because of an unexpected error (it has been logged)."))
    if plan is not None and plan.errors:
        import_preview.show_problems(plan)
    elif plan is not None:
        for note in plan.notes:
            st.text(note)
        if plan.total_rows == 0:
            st.info(_("The files hold no rows: there is nothing to import."))
        else:
            st.success(
                (
                    _("The files are valid ({} row). Nothing is written until you press Apply.")
                    if plan.total_rows == 1
                    else _("The files are valid ({} rows). Nothing is written until you press Apply.")
                ).format(i18n.number(plan.total_rows))
            )
            shown = st.session_state.get("previewed") == digest
            if not shown and st.button(_("Show what will change"), key="preview"):
                st.session_state["previewed"] = digest
                shown = True
            if shown:
                import_view.show_preview(plan)
            if st.button(
                _("Apply import"),
                key="apply",
                type="primary",
                disabled=not shown,
                help=None if shown else _("Show what will change first."),
            ):
                import_view.apply(files, round_)

data_views.audit_log()
data_views.templates_and_export()
