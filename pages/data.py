"""Data (staff): upload evidence, preview the import, apply it; audit log, templates, export."""

import io
import zipfile

import pandas as pd
import streamlit as st

from data import exports, importer, queries, store, templates
from data.export import export_tables
from data.tables import TABLES
from ui import auth, cache, nav
from ui.text import md

nav.through_app("data")

version = cache.db_version()
st.title("Evidence data")
st.caption(
    "Import CSV or Excel files in the format of DATA_FORMAT.md. Nothing is written until you press Apply."
)

uploads = st.file_uploader(
    "Evidence files (<table>.csv or .xlsx)", type=["csv", "xlsx"], accept_multiple_files=True, key="uploads"
)
if uploads:
    files = [(u.name, u.getvalue()) for u in uploads]
    plan = importer.validate_files(files, cache.reader().cursor())
    if plan.errors:
        st.error(
            f"{len(plan.errors)} problems found: nothing will be written. Fix the files and upload them again."
        )
        st.dataframe(
            pd.DataFrame([vars(p) for p in plan.errors]),
            key="import_errors",
            hide_index=True,
            width="stretch",
        )
    else:
        counts = pd.DataFrame([{"table": t, **c.as_dict()} for t, c in plan.counts.items()])
        st.success("The files are valid. This is what Apply will do:")
        st.dataframe(counts, key="import_preview", hide_index=True)
        if st.button("Apply import", key="apply", type="primary"):
            with st.spinner("Importing…"):
                done = importer.apply_import(store.db_path(), files, who=f"dashboard:{auth.user().username}")
            if done.applied:
                cache.clear()
                st.success("Imported. Every page now shows the new data.")
            else:
                st.error(md("The import was refused: {}", "; ".join(str(p) for p in done.errors[:5])))

st.subheader("Audit log")
log = queries.audit_log(cache.reader().cursor())
if log.empty:
    st.info("No import has been applied to this database yet.")
else:
    st.dataframe(log, key="audit_log", hide_index=True, width="stretch")

st.subheader("Templates and export")
bundle = io.BytesIO()
with zipfile.ZipFile(bundle, "w") as archive:
    for name in TABLES:
        archive.writestr(f"{name}.csv", templates.csv_template(name))
    archive.writestr("cpt-import-template.xlsx", templates.xlsx_template())
st.download_button(
    "Download import templates (zip)", bundle.getvalue(), "cpt-import-templates.zip", key="templates"
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
            archive.writestr("README.txt", exports.export_readme())
    st.download_button("Download export (zip)", out.getvalue(), "cpt-export.zip", key="export")
