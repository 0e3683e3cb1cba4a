"""AppTest of the Data page: what staff see before any upload, and who may open it."""

from __future__ import annotations

import json
from datetime import date, timedelta
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
    # every problem in full, as one wrapped text line each (not a cut-off table cell)
    problems = [t.value for t in at.text]
    assert [p.split(": ", 2)[:2] for p in problems] == [
        ["companies.csv:2", "role"],
        ["companies.csv:3", "name"],
    ]
    assert "'maker'" in problems[0]  # the whole message, the value quoted
    assert not [b for b in at.button if b.key == "apply"]


def test_good_upload_previews_then_applies_and_is_audited(writable_demo_app: Path) -> None:
    at = apptest.open_page("data", role="admin", db=writable_demo_app)
    good = b"company_id,name,role,hq_country\nNEW1,Quillmere Devices,brand,NL\nCO0001,Auroline Systems,brand,DE\n"
    at.file_uploader(key="uploads").set_value([("companies.csv", good, "text/csv")]).run()
    assert not at.exception
    assert at.button(key="apply").disabled  # not before the preview is shown
    at.button(key="preview").click().run()
    preview = at.dataframe[0].value
    assert preview.to_dict("records") == [
        {"table": "companies", "inserted": 1, "replaced": 1, "unchanged": 0}
    ]
    changes = at.dataframe[1].value
    assert changes[["table", "key", "column"]].values.tolist()[0][:2] == ["companies", "CO0001"]
    assert not at.button(key="apply").disabled
    at.button(key="apply").click().run()
    assert not at.exception
    assert "Imported. The summary of what changed:" in [s.value for s in at.success]
    summary = "\n".join(t.value for t in at.text)
    assert "companies: 1 inserted, 1 replaced, 0 unchanged" in summary
    assert "will count from the next quarter end" in summary
    # the preview and the Apply button are gone; the uploader is empty again
    assert not [b for b in at.button if b.key in ("apply", "preview")]
    assert len(at.dataframe) == 1  # only the audit log
    log = at.dataframe[-1].value
    assert list(log.columns) == ["When", "Who", "Action", "Files", "Rows", "Score changes"]
    assert log.iloc[0]["Action"] == "import" and log.iloc[0]["Who"].startswith("dashboard:demo-admin")
    assert log.iloc[0]["Files"] == "companies.csv"
    assert log.iloc[0]["Rows"] == "companies: 1 inserted, 1 replaced"
    assert "Download the audit log (CSV)" in [b.proto.label for b in at.get("download_button")]
    assert not at.json  # the raw records only behind the toggle
    at.toggle(key="audit_raw").set_value(True).run()
    raw = json.loads(at.json[0].proto.body)
    assert raw[0]["action"] == "import" and '"sha256"' in raw[0]["detail"]


def test_preview_shows_score_changes_with_band_changes(writable_demo_app: Path) -> None:
    at = apptest.open_page("data", role="admin", db=writable_demo_app)
    events = "event_id,case_id,finding_id,event_type,event_date,note\nEVNEW1,CS00001,FN000003,verified,2026-05-01,\n"
    # renamed and semicolon-separated: read as events all the same
    at.file_uploader(key="uploads").set_value(
        [("export (2).csv", events.replace(",", ";").encode(), "text/csv")]
    ).run()
    assert not at.exception
    notes = [t.value for t in at.text]
    assert "export (2).csv: read as semicolon-separated" in notes
    assert "export (2).csv: read as table events (its header matches that table's columns)" in notes
    at.button(key="preview").click().run()
    scores = at.dataframe[-1].value  # no audit log yet: the score changes come last
    assert list(scores.columns) == ["company", "SCT", "FI", "overall", "band", "band changes"]
    assert scores["company"].tolist() == ["Auroline Systems (CO0001)"]  # the name, then the id
    assert " → " in scores.iloc[0]["FI"]


@pytest.mark.parametrize("data", [b",,,\n", b"\n\n", b"company_id,,role\n,,\nX,,\n"])
def test_malformed_upload_is_a_list_of_problems(writable_demo_app: Path, data: bytes) -> None:
    at = apptest.open_page("data", role="admin", db=writable_demo_app)
    at.file_uploader(key="uploads").set_value([("companies.csv", data, "text/csv")]).run()
    assert not at.exception
    n = len(at.text)
    assert at.error[0].value.startswith(f"{n} problem{'' if n == 1 else 's'} found: nothing will be written")


def test_unexpected_error_is_logged_not_shown(writable_demo_app: Path, monkeypatch, caplog) -> None:
    from data.importing import importer

    def broken(*_a: object, **_k: object) -> None:
        raise IndexError("list index out of range at /srv/cpt/data/importer.py")

    monkeypatch.setattr(importer, "validate_files", broken)
    at = apptest.open_page("data", role="admin", db=writable_demo_app)
    at.file_uploader(key="uploads").set_value([("companies.csv", b"a\n", "text/csv")]).run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "The files could not be checked because of an unexpected error (it has been logged)."
    ]
    assert "IndexError" in caplog.text
    assert all("/srv/cpt" not in str(getattr(e, "value", "")) for e in at.main)


def test_owner_error_then_correction_previews_names_and_quarter_end(writable_demo_app: Path) -> None:
    import scoring
    from scoring.dates import quarter_end_of

    at = apptest.open_page("data", role="admin", db=writable_demo_app)
    moved = b"case_id,company_id,factory_id,opened_on,title\nCS00003,CO0002,FA00028,2024-04-01,x\n"
    at.file_uploader(key="uploads").set_value([("cases.csv", moved, "text/csv")]).run()
    owner = next(t.value for t in at.text if "belongs to company 'CO0001'" in t.value)
    assert "correct its owner with a line in corrections.csv" in owner
    as_of = scoring.last_quarter_end(date.today())
    later = (as_of + timedelta(days=1)).isoformat()
    fix = b'table,id,field,new_value,reason\ncases,CS00003,company_id,CO0002,"wrong brand"\n'
    events = (
        f"event_id,case_id,finding_id,event_type,event_date,note\nEVNEW1,CS00001,FN000003,verified,{later},\n"
    )
    empty = b"company_id,name,role,hq_country\n"
    at = apptest.open_page("data", role="admin", db=writable_demo_app)
    at.file_uploader(key="uploads").set_value(
        [
            ("corrections.csv", fix, "text/csv"),
            ("events.csv", events.encode(), "text/csv"),
            ("companies.csv", empty, "text/csv"),
        ]
    ).run()
    assert not at.error and not any("no rows" in t.value for t in at.text)
    at.button(key="preview").click().run()
    assert at.dataframe[0].value["table"].tolist() == ["events"]  # the empty companies file is no line
    assert at.dataframe[1].value.to_dict("records") == [
        {"table": "cases", "id": "CS00003", "company": "CO0001 → CO0002", "reason": "wrong brand"}
    ]
    scores = at.dataframe[2].value
    assert "Auroline Systems (CO0001)" in scores["company"].tolist()
    assert any(" → " in v for v in scores["FI"])
    following = quarter_end_of(as_of + timedelta(days=1)).isoformat()
    assert any(
        f"dated after the last quarter end ({as_of.isoformat()})" in i.value
        and f"next quarter end ({following})" in i.value
        for i in at.info
    )
