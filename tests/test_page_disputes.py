"""AppTest: right of reply (issue 23). A company disputes a point on its Company page; staff see
it marked and in the queue and reject it with a reason; the company reads the reason; affiliates
see the resolved dispute under What changed. Another company and presentation mode never see it."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from data.access import accounts, sessions
from data.queries import disputes
from data.store.tables import MAX_TEXT_LENGTH
from tests import apptest, markup_check
from tests.presentation_check import names_of
from wording import disputes as words

COMPANY = "CO0010"  # the demo company account's
CONTRACTING = "AF039"  # an affiliate with a running contract with it
REASON = "The monitor visited another site of ours: this finding is not about our supplier."
REJECTED = "The monitoring report names this factory and was confirmed by the auditor."


def _read(text: object) -> str:
    """Markdown as a reader sees it (escapes and invisible joiners removed)."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", str(text)).replace("\u2060", "")


def _errors(at: AppTest) -> list[str]:
    return [_read(e.value) for e in at.error]


def _texts(at: AppTest) -> str:
    out = [_read(body) for body in markup_check.bodies(at)]
    for df in at.dataframe:
        value = df.value.data if hasattr(df.value, "data") else df.value
        out.append(" | ".join(map(str, value.columns)))
        out += [" | ".join(map(str, row)) for row in value.astype(str).itertuples(index=False)]
    return "\n".join(out)


def _my_disputes(at: AppTest) -> list[str]:
    """The company's disputes as listed under Right of reply (the Markdown list after its header)."""
    lists = [
        _read(m.value) for m in at.markdown if _read(m.value).startswith("- ") and "your reason" in m.value
    ]
    return [line.removeprefix("- ") for text in lists for line in text.split("\n")]


def _ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def _a_finding(db: Path) -> str:
    """A finding of the company in words, as the form offers it (the first finding)."""
    with duckdb.connect(str(db), read_only=True) as con:
        found = disputes.points(con.cursor(), COMPANY)
    return words.point_words(found[found["kind"] == "finding"].iloc[0].to_dict())


def _dispute_as_company(db: Path) -> AppTest:
    at = _ok(apptest.open_page("company", role="company"))
    assert "Right of reply" in [h.value for h in at.header]
    point = _a_finding(db)
    # a refused submit keeps what was typed: no point chosen
    at.text_area(key="dispute_reason").set_value(REASON)
    _ok(at.button(key="dispute_submit").click().run())
    assert _errors(at) == ["Not sent: choose the data point you dispute."]
    assert at.text_area(key="dispute_reason").value == REASON
    # the box takes at most 2,000 characters (the browser stops there; the write refuses more)
    assert at.text_area(key="dispute_reason").max_chars == disputes.MAX_REASON
    assert "at most 2,000 characters" in at.text_area(key="dispute_reason").label
    # ... no reason
    at.selectbox(key="dispute_point").set_value(point)
    at.text_area(key="dispute_reason").set_value("   ")
    _ok(at.button(key="dispute_submit").click().run())
    assert _errors(at) == ["Not sent: the reason is required: say what is wrong and why."]
    assert at.selectbox(key="dispute_point").value == point
    at.text_area(key="dispute_reason").set_value(REASON)
    _ok(at.button(key="dispute_submit").click().run())
    assert not at.error
    assert "Your dispute was sent." in _texts(at)
    mine = _my_disputes(at)
    assert len(mine) == 1 and mine[0].startswith(f"{point}. Disputed on ")
    assert f"your reason: “{REASON}”. Under review since " in mine[0]
    assert at.text_area(key="dispute_reason").value == ""  # a sent dispute clears the form
    return at


def test_a_company_disputes_staff_reject_with_a_reason_and_the_company_reads_it(
    writable_demo_app: Path,
) -> None:
    db = writable_demo_app
    score_before = _ok(apptest.open_page("company", role="admin", company=COMPANY)).metric[2].value
    _dispute_as_company(db)
    assert MAX_TEXT_LENGTH >= disputes.MAX_REASON

    # staff and affiliates see the point marked on the Company page; the score is unchanged
    for role in ("admin", "affiliate"):
        at = _ok(apptest.open_page("company", role=role, company=COMPANY))
        assert any("The company disputes 1 data point" in w.value for w in at.warning)
        cases = next(d.value for d in at.dataframe if "Disputed" in d.value.columns)
        marks = [m for m in cases["Disputed"] if m]
        assert len(marks) == 1 and marks[0].startswith("The company disputes this point since ")
        assert at.metric[2].value == score_before

    # the staff queue: oldest first, with the point and the reason; a reason is required to reject
    at = _ok(apptest.open_page("disputes", role="admin"))
    queue = next(d.value for d in at.dataframe if "Reason" in d.value.columns)
    assert list(queue["Reason"]) == [REASON] and list(queue["Data point"]) == [_a_finding(db)]
    at.radio(key="resolve_outcome").set_value("rejected")
    _ok(at.button(key="resolve_submit").click().run())
    assert _errors(at) == ["Not resolved: the reason for the outcome is required: say what is wrong and why."]
    at.text_area(key="resolve_reason").set_value(REJECTED)
    _ok(at.button(key="resolve_submit").click().run())
    assert any("rejected" in s.value for s in at.success)
    assert "No dispute is waiting" in _texts(at)

    # the company reads the outcome and the reason; the mark is gone for staff
    at = _ok(apptest.open_page("company", role="company"))
    (mine,) = _my_disputes(at)
    assert re.search(r"\. Rejected on \d{4}-\d{2}-\d{2}: " + re.escape(REJECTED) + "$", mine)
    at = _ok(apptest.open_page("company", role="admin", company=COMPANY))
    assert not at.warning and not any("Disputed" in d.value.columns for d in at.dataframe)

    # every step is in the audit log
    with duckdb.connect(str(db), read_only=True) as con:
        actions = [a for (a,) in con.execute("SELECT action FROM audit_log WHERE action LIKE 'dispute%' ORDER BY audit_id").fetchall()]  # fmt: skip
    assert actions == ["dispute opened", "dispute rejected"]

    # What changed for an affiliate with a contract with the company lists the resolved dispute
    at = _ok(apptest.open_page("changes", role="admin"))
    _ok(at.selectbox(key="changes_affiliate").set_value(CONTRACTING).run())
    table = next(d.value for d in at.dataframe if "change" in d.value.columns)
    rows = table[table["kind"] == "dispute resolved"]
    assert len(rows) == 1 and rows["change"].iloc[0].endswith(REJECTED)
    assert "dispute was rejected" in rows["change"].iloc[0]


def _other_company_session(db: Path) -> str:
    accounts.add_user(
        db, "other-company", "a-long-enough-password-1", "company", company_id="CO0001", who="test"
    )
    with duckdb.connect(str(db), read_only=True) as con:
        user = accounts.find_user(con.cursor(), "other-company")
    return sessions.STORE.create(user)


def _dispute(db: Path, kind: str = "finding") -> int:
    """A dispute written as the form writes it (before any page holds the file open)."""
    return disputes.open_dispute(db, company_id=COMPANY, kind=kind, key=_first(db, kind), reason=REASON,
                                 who="demo-company")  # fmt: skip


def _first(db: Path, kind: str) -> str:
    with duckdb.connect(str(db), read_only=True) as con:
        found = disputes.points(con.cursor(), COMPANY)
    return str(found[found["kind"] == kind]["point_key"].iloc[0])


def test_another_company_never_sees_the_dispute(writable_demo_app: Path) -> None:
    db = writable_demo_app
    _dispute(db)
    _dispute(db, "request")
    accounts.add_user(
        db, "other-company", "a-long-enough-password-1", "company", company_id="CO0001", who="test"
    )
    with duckdb.connect(str(db), read_only=True) as con:
        other = accounts.find_user(con.cursor(), "other-company")
    at = AppTest.from_file(str(apptest.ROOT / "app.py"), default_timeout=120)
    at.session_state[apptest.auth.SESSION_ID] = sessions.STORE.create(other)
    at.query_params[apptest.nav.TARGET_PARAM] = "company"
    _ok(at.run())
    assert "Right of reply" in [h.value for h in at.header]  # its own section, empty
    text = _texts(at)
    assert REASON not in text and "disputes this point" not in text and "Under review" not in text
    assert not _my_disputes(at) and not any("Disputed" in d.value.columns for d in at.dataframe)
    # asking for the disputing company's page by URL never shows its disputes
    at.query_params["company"] = COMPANY
    _ok(at.run())
    assert REASON not in _texts(at) and "disputes this point" not in _texts(at)


@pytest.mark.parametrize("role", ["admin", "affiliate"])
def test_presentation_mode_never_shows_a_dispute(writable_demo_app: Path, role: str) -> None:
    db = writable_demo_app
    disputes.resolve(db, _dispute(db), outcome="rejected", reason=REJECTED, who="demo-admin")
    _dispute(db, "case")
    _dispute(db, "request")
    handle = names_of(db).handle("affiliate", CONTRACTING)
    plain = _ok(apptest.open_page("company", role=role, company=COMPANY))  # the marks are there...
    assert "disputes this point" in _texts(plain)
    at = _ok(apptest.open_page("company", role=role, company=COMPANY, present="1"))  # ... not when presenting
    text = _texts(at)
    assert "dispute" not in text.lower() and REASON not in text and REJECTED not in text
    assert not any("Disputed" in d.value.columns for d in at.dataframe)
    if role == "admin":
        at = _ok(apptest.open_page("disputes", role=role, present="1"))
        assert "Staff pages are hidden in presentation mode." in [i.value for i in at.info]
        at = _ok(apptest.open_page("changes", role=role, present="1"))
        _ok(at.selectbox(key="changes_affiliate").set_value(handle).run())
        assert at.dataframe and "dispute" not in _texts(at).lower()
        assert not any(m.label.lower().startswith("dispute") for m in at.metric)


def test_a_hostile_reason_and_hostile_names_are_shown_as_text(
    hostile_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    import streamlit as st

    from tests.hostile_world import EVIL_HOST, MD_LINK, SCRIPT
    from tests.markup_check import bodies, live_markup

    db = tmp_path / "hostile.duckdb"
    shutil.copyfile(hostile_db, db)
    monkeypatch.setenv("CPT_DB", str(db))
    st.cache_data.clear()
    st.cache_resource.clear()
    reason = f"{MD_LINK} {SCRIPT}"
    for kind in ("finding", "disclosure"):
        disputes.open_dispute(
            db, company_id=COMPANY, kind=kind, key=_first(db, kind), reason=reason, who="demo-company"
        )
    for page, role, params in (("disputes", "admin", {}), ("company", "admin", {"company": COMPANY}),
                               ("company", "company", {})):  # fmt: skip
        at = _ok(apptest.open_page(page, role=role, db=db, **params))
        for body in bodies(at):
            if EVIL_HOST in _read(body):
                assert live_markup(body) == [], body[:300]
        shown = "\n".join([d.value.to_csv() for d in at.dataframe] + [_read(b) for b in bodies(at)])
        assert MD_LINK in shown  # the reason (staff, the company) or the marks, quoted as they are


EXE_AS_PDF = b"MZ\x90\x00" + b"\x00" * 64  # a Windows program renamed .pdf
LETTER = b"%PDF-1.4\n% fictional letter of the company: the line closed in 2024\n%%EOF\n"


def test_a_dispute_with_a_document_a_refused_file_keeps_the_form_and_staff_get_the_link(
    writable_demo_app: Path,
) -> None:
    db = writable_demo_app
    point = _a_finding(db)
    at = _ok(apptest.open_page("company", role="company"))
    at.selectbox(key="dispute_point").set_value(point)
    at.text_area(key="dispute_reason").set_value(REASON)
    at.radio(key="dispute_visibility").set_value("staff")
    at.file_uploader(key="dispute_file").set_value([("closure letter.pdf", EXE_AS_PDF, "application/pdf")])
    _ok(at.button(key="dispute_submit").click().run())
    (error,) = _errors(at)
    assert error.startswith(
        "Not sent: the document 'closure letter.pdf' was refused: the file is a Windows program"
    )
    assert "accepted: PDF, PNG, JPEG, XLSX" in error
    # what the company typed and chose is still there; nothing was written
    assert at.text_area(key="dispute_reason").value == REASON
    assert at.selectbox(key="dispute_point").value == point
    assert at.radio(key="dispute_visibility").value == "staff"
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM disputes").fetchone() == (0,)
    # a real PDF goes through, shared with staff only
    at.file_uploader(key="dispute_file").set_value([("closure letter.pdf", LETTER, "application/pdf")])
    _ok(at.button(key="dispute_submit").click().run())
    assert not at.error and "Your dispute was sent." in _texts(at)
    (mine,) = _my_disputes(at)
    assert f"your reason: “{REASON}”; with your document (shared with staff only). Under review" in mine
    # staff see the document as a link in the queue (the app's route, never a file path)
    at = _ok(apptest.open_page("disputes", role="admin"))
    (queue,) = [d for d in at.dataframe if "Reason" in d.value.columns]
    with duckdb.connect(str(db), read_only=True) as con:
        ((document_id, kind),) = con.execute(
            "SELECT d.document_id, doc.kind FROM disputes d JOIN documents doc USING (document_id)"
        ).fetchall()
    assert kind == "other"
    (link,) = queue.value["Document"]
    assert re.fullmatch(
        rf"/cpt/document/{document_id}#Other document, \d{{4}}-\d\d-\d\d \(staff only\)", link
    )
    assert '"Document"' in queue.proto.columns and "link" in queue.proto.columns  # a LinkColumn
