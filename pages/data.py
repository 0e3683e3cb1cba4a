"""Data (staff): upload evidence, preview what the import changes, apply it; audit log, templates, export."""

import hashlib
import io
import json
import logging
import zipfile

import streamlit as st

from data import store
from data.exports import spreadsheet
from data.exports.tables_dump import export_tables
from data.importing import importer, templates
from data.importing.audit import audit_csv, audit_table, summary_lines
from data.importing.plan import plural
from data.queries import companies as company_queries
from data.store.tables import TABLES
from ui import auth, cache, downloads, import_preview, nav

nav.through_app("data")
log = logging.getLogger("cpt.data_page")

version = cache.db_version()
st.title("Evidence data")
st.caption(
    "Import CSV or Excel files in the format of DATA_FORMAT.md. Nothing is written until you press Apply."
)

done = st.session_state.pop("import_done", None)
if done is not None:
    st.success("Imported. The summary of what changed:")
    st.text("\n".join(done))

round_ = st.session_state.get("upload_round", 0)
uploads = st.file_uploader(
    "Evidence files (CSV or .xlsx; a CSV's table is taken from its name or its header)",
    type=["csv", "xlsx"],
    accept_multiple_files=True,
    key="uploads" if round_ == 0 else f"uploads-{round_}",
)


def _apply(files: list[tuple[str, bytes]]) -> None:
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
        import_preview.show_problems(applied, refused=True)
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
    summary = summary_lines(applied)
    if applied.as_of is not None:
        summary.append(importer.effective_date_message(applied.as_of))
    summary.append(check)
    st.session_state["import_done"] = summary
    st.session_state.pop("previewed", None)
    st.session_state.pop("plan", None)
    st.session_state["upload_round"] = round_ + 1
    st.rerun()


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
            st.error("The files could not be checked because of an unexpected error (it has been logged).")
    if plan is not None and plan.errors:
        import_preview.show_problems(plan)
    elif plan is not None:
        for note in plan.notes:
            st.text(note)
        if plan.total_rows == 0:
            st.info("The files hold no rows: there is nothing to import.")
        else:
            st.success(
                f"The files are valid ({plural(plan.total_rows, 'row')}). Nothing is written until you press Apply."
            )
            shown = st.session_state.get("previewed") == digest
            if not shown and st.button("Show what will change", key="preview"):
                st.session_state["previewed"] = digest
                shown = True
            if shown:
                import_preview.show_preview(plan)
            if st.button(
                "Apply import",
                key="apply",
                type="primary",
                disabled=not shown,
                help=None if shown else "Show what will change first.",
            ):
                _apply(files)

st.subheader("Audit log")
audit = company_queries.audit_log(cache.reader().cursor())
if audit.empty:
    st.info("No import has been applied to this database yet.")
else:
    try:
        readable = audit_table(audit)
    except Exception:  # a record the reader does not understand: the raw records are still there
        log.exception("audit log could not be summarised")
        st.error("The audit log could not be summarised (logged); the raw records are below.")
        readable = None
    if readable is not None:
        st.dataframe(readable, key="audit_log", hide_index=True, width="stretch")
        st.download_button(
            "Download the audit log (CSV)",
            downloads.deferred(lambda: audit_csv(readable), "csv"),
            "cpt-audit-log.csv",
            key="audit_csv",
            on_click="ignore",
        )
    if st.toggle("Show the raw records (JSON)", key="audit_raw", value=readable is None):
        st.json(json.loads(audit.astype(str).to_json(orient="records")), expanded=False)

st.subheader("Templates and export")
bundle = io.BytesIO()
with zipfile.ZipFile(bundle, "w") as archive:
    for name in TABLES:
        archive.writestr(f"{name}.csv", templates.csv_template(name))
    archive.writestr("cpt-import-template.xlsx", templates.xlsx_template())
st.download_button(
    "Download import templates (zip)",
    downloads.deferred(bundle.getvalue, "zip"),
    "cpt-import-templates.zip",
    key="templates",
    on_click="ignore",
)
if st.button("Prepare a full export", key="prepare_export"):
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        export_tables(cache.reader().cursor(), Path(tmp))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            for name in TABLES:
                archive.write(Path(tmp) / f"{name}.csv", f"{name}.csv")
            archive.writestr("README.txt", spreadsheet.export_readme())
    st.download_button(
        "Download export (zip)",
        downloads.deferred(out.getvalue, "zip"),
        "cpt-export.zip",
        key="export",
        on_click="ignore",
    )
