"""AppTest of the Data page: what staff see before any upload."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent


def test_data_page_shows_empty_audit_log_and_templates(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CPT_DB", str(demo_db))
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.switch_page("pages/data.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Evidence data"
    assert any("No import has been applied" in i.value for i in at.info)
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Download import templates (zip)" in labels
