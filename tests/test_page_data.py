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


def test_bad_upload_lists_every_problem_and_offers_no_apply(writable_demo_app: Path) -> None:
    at = apptest.open_page("data", role="admin", db=writable_demo_app)
    bad = b"company_id,name,role\nX1,Foo,maker\nX2,,brand\n"
    at.file_uploader(key="uploads").set_value([("companies.csv", bad, "text/csv")]).run()
    assert not at.exception
    assert at.error[0].value.startswith("2 problems found: nothing will be written")
    problems = at.dataframe[0].value
    assert problems[["file", "line", "column"]].values.tolist() == [
        ["companies.csv", 2, "role"],
        ["companies.csv", 3, "name"],
    ]
    assert not [b for b in at.button if b.key == "apply"]


def test_good_upload_previews_then_applies_and_is_audited(writable_demo_app: Path) -> None:
    at = apptest.open_page("data", role="admin", db=writable_demo_app)
    good = b"company_id,name,role,hq_country\nNEW1,Quillmere Devices,brand,NL\nCO0001,Auroline Systems,brand,DE\n"
    at.file_uploader(key="uploads").set_value([("companies.csv", good, "text/csv")]).run()
    preview = at.dataframe[0].value
    assert preview.to_dict("records") == [
        {"table": "companies", "inserted": 1, "replaced": 1, "unchanged": 0}
    ]
    at.button(key="apply").click().run()
    assert not at.exception
    assert "Imported. Every page now shows the new data." in [s.value for s in at.success]
    at.run()  # the next run reads the published file
    log = at.dataframe[-1].value
    assert log.iloc[0]["action"] == "import" and log.iloc[0]["who"].startswith("dashboard:demo-admin")
