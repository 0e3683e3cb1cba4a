"""The Data page's audit log and its templates and export downloads (moved out of
pages/data.py so the page stays thin; no behaviour of their own)."""

import io
import json
import logging
import tempfile
import zipfile
from pathlib import Path

import streamlit as st

from data.exports import spreadsheet
from data.exports.tables_dump import export_documents, export_tables
from data.importing import templates
from data.importing.audit import audit_csv, audit_table
from data.store.tables import TABLES
from ui import cache, downloads
from ui.text import md_escape
from wording.i18n import _

log = logging.getLogger("cpt.data_page")


def audit_log() -> None:
    """The applied imports, readable, with a CSV download and the raw records on request."""
    st.header(_("Audit log"))
    audit = cache.audit_log(cache.db_version())
    if audit.empty:
        st.info(_("No import has been applied to this database yet."))
    else:
        try:
            readable = audit_table(audit)
        except Exception:  # a record the reader does not understand: the raw records are still there
            log.exception("audit log could not be summarised")
            st.error(_("The audit log could not be summarised (logged); the raw records are below."))
            readable = None
        if readable is not None:
            st.dataframe(readable, key="audit_log", hide_index=True, width="stretch")
            st.download_button(
                _("Download the audit log (CSV)"),
                downloads.deferred(lambda: audit_csv(readable), "csv"),
                "cpt-audit-log.csv",
                key="audit_csv",
                on_click="ignore",
            )
        if st.toggle(_("Show the raw records (JSON)"), key="audit_raw", value=readable is None):
            st.json(json.loads(audit.astype(str).to_json(orient="records")), expanded=False)


def templates_and_export() -> None:
    """The empty import templates (zip) and, on request, every table as CSV (zip)."""
    st.header(_("Templates and export"))
    bundle = io.BytesIO()
    with zipfile.ZipFile(bundle, "w") as archive:
        for name in TABLES:
            archive.writestr(f"{name}.csv", templates.csv_template(name))
        archive.writestr("cpt-import-template.xlsx", templates.xlsx_template())
    st.download_button(
        _("Download import templates (zip)"),
        downloads.deferred(bundle.getvalue, "zip"),
        "cpt-import-templates.zip",
        key="templates",
        on_click="ignore",
    )
    if st.button(_("Prepare a full export"), key="prepare_export"):
        with tempfile.TemporaryDirectory() as tmp:
            export_tables(cache.reader().cursor(), Path(tmp))
            missing = None
            try:  # the source documents and their links, in the import's format
                export_documents(cache.reader().cursor(), cache.reader().path, Path(tmp))
            except FileNotFoundError as exc:
                missing = str(exc)
            out = io.BytesIO()
            with zipfile.ZipFile(out, "w") as archive:
                for name in TABLES:
                    archive.write(Path(tmp) / f"{name}.csv", f"{name}.csv")
                for extra in sorted(p for p in Path(tmp).rglob("*") if p.is_file()):
                    if extra.relative_to(tmp).as_posix() not in {f"{n}.csv" for n in TABLES}:
                        archive.write(extra, extra.relative_to(tmp).as_posix())
                archive.writestr("README.txt", spreadsheet.export_readme())
        if missing:
            st.error(md_escape(_("The export is incomplete: {}.").format(missing)))
        st.download_button(
            _("Download export (zip)"),
            downloads.deferred(out.getvalue, "zip"),
            "cpt-export.zip",
            key="export",
            on_click="ignore",
        )
