"""AppTest of the Data page: what staff see before any upload, and who may open it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import apptest


def test_data_page_shows_empty_audit_log_and_templates(demo_app: Path) -> None:
    at = apptest.open_page("data", role="admin")
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Evidence data"
    assert any("No import has been applied" in i.value for i in at.info)
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Download import templates (zip)" in labels


@pytest.mark.parametrize("role", ["affiliate", "company"])
def test_data_page_is_staff_only(demo_app: Path, role: str) -> None:
    at = apptest.open_page("data", role=role)
    assert [e.value for e in at.error] == ["This page is not available to your account."]
    assert not at.get("file_uploader")
