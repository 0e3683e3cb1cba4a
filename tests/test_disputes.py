"""Right of reply (issue 23): the dispute writes, their audit rows and who sees which."""

from __future__ import annotations

import re
import shutil
from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from data.queries import disputes
from data.queries.contracts import Viewer
from data.store import series_cache, writes
from wording import disputes as words

COMPANY = "CO0010"  # the demo company account's


@pytest.fixture
def db(demo_db: Path, tmp_path: Path) -> Path:
    path = tmp_path / "disputes.duckdb"
    shutil.copyfile(demo_db, path)
    return path


def _read(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def _point(db: Path, kind: str, company: str = COMPANY) -> str:
    with duckdb.connect(str(db), read_only=True) as con:
        found = disputes.points(con.cursor(), company)
    return str(found[found["kind"] == kind]["point_key"].iloc[0])


def _visible(db: Path, viewer: Viewer, **kw) -> pd.DataFrame:
    with duckdb.connect(str(db), read_only=True) as con:
        return disputes.visible(con.cursor(), viewer, **kw)


@pytest.mark.parametrize("kind", disputes.KINDS)
def test_a_company_disputes_each_kind_of_its_points_and_the_audit_log_says_so(db: Path, kind: str) -> None:
    key = _point(db, kind)
    dispute_id = disputes.open_dispute(db, company_id=COMPANY, kind=kind, key=key, reason="  Wrong date.  ",
                                       who="demo-company", now=datetime(2026, 12, 1, 9))  # fmt: skip
    (row,) = _read(db, "SELECT company_id, point_kind, point_key, reason, status, opened_by, document_id "
                       "FROM disputes WHERE dispute_id = ?", [dispute_id])  # fmt: skip
    assert row == (COMPANY, kind, key, "Wrong date.", "open", "demo-company", None)
    audit = _read(db, "SELECT who, action, detail FROM audit_log WHERE action LIKE 'dispute%'")
    assert audit == [("demo-company", "dispute opened", f"dispute {dispute_id}: {COMPANY} disputes {kind} {key}: Wrong date.")]  # fmt: skip


@pytest.mark.parametrize(
    ("reason", "message"),
    [("", "reason is required"), ("   \n", "reason is required"), (None, "reason is required"),
     ("x" * 2001, "2,001 characters long; at most 2,000")],
)  # fmt: skip
def test_a_missing_or_too_long_reason_is_refused_and_nothing_is_written(db: Path, reason, message) -> None:
    before = _read(db, "SELECT count(*) FROM audit_log")
    with pytest.raises(disputes.DisputeError, match=message):
        disputes.open_dispute(
            db, company_id=COMPANY, kind="finding", key=_point(db, "finding"), reason=reason, who="c"
        )
    assert _read(db, "SELECT count(*) FROM disputes") == [(0,)]
    assert _read(db, "SELECT count(*) FROM audit_log") == before


def test_a_reason_of_exactly_the_limit_is_accepted(db: Path) -> None:
    disputes.open_dispute(
        db, company_id=COMPANY, kind="case", key=_point(db, "case"), reason="y" * 2000, who="c"
    )
    assert _read(db, "SELECT length(reason) FROM disputes") == [(2000,)]


def test_another_companys_point_an_unknown_point_and_a_second_open_dispute_are_refused(db: Path) -> None:
    other = _point(db, "finding", "CO0001")
    with pytest.raises(disputes.DisputeError, match="not among the company's evidence"):
        disputes.open_dispute(db, company_id=COMPANY, kind="finding", key=other, reason="r", who="c")
    with pytest.raises(disputes.DisputeError, match="not among"):
        disputes.open_dispute(db, company_id=COMPANY, kind="finding", key="FN999999", reason="r", who="c")
    with pytest.raises(disputes.DisputeError, match="kind of point"):
        disputes.open_dispute(db, company_id=COMPANY, kind="score", key="x", reason="r", who="c")
    key = _point(db, "finding")
    disputes.open_dispute(db, company_id=COMPANY, kind="finding", key=key, reason="r", who="c",
                          now=datetime(2026, 12, 1, 9))  # fmt: skip
    with pytest.raises(disputes.DisputeError, match="already disputed since 2026-12-01"):
        disputes.open_dispute(db, company_id=COMPANY, kind="finding", key=key, reason="again", who="c")


def test_the_score_does_not_change_while_a_dispute_is_open(db: Path) -> None:
    with duckdb.connect(str(db), read_only=True) as con:
        before = series_cache.evidence_key(con.cursor())
    disputes.open_dispute(
        db, company_id=COMPANY, kind="finding", key=_point(db, "finding"), reason="r", who="c"
    )
    with duckdb.connect(str(db), read_only=True) as con:
        assert series_cache.evidence_key(con.cursor()) == before


def test_staff_reject_with_a_reason_once_and_every_step_is_audited(db: Path) -> None:
    key = _point(db, "case_event")
    dispute_id = disputes.open_dispute(
        db, company_id=COMPANY, kind="case_event", key=key, reason="r", who="c"
    )
    with pytest.raises(disputes.DisputeError, match="reason for the outcome is required"):
        disputes.resolve(db, dispute_id, outcome="rejected", reason=" ", who="demo-admin")
    with pytest.raises(disputes.DisputeError, match="upheld or rejected"):
        disputes.resolve(db, dispute_id, outcome="closed", reason="x", who="demo-admin")
    disputes.resolve(db, dispute_id, outcome="rejected", reason="The monitor's report dates it so.",
                     who="demo-admin", now=datetime(2026, 12, 3, 10))  # fmt: skip
    (row,) = _read(db, "SELECT status, resolved_by, resolution, resolved_at FROM disputes")
    assert row == ("rejected", "demo-admin", "The monitor's report dates it so.", datetime(2026, 12, 3, 10))
    with pytest.raises(disputes.DisputeError, match="already resolved \\(rejected\\)"):
        disputes.resolve(db, dispute_id, outcome="upheld", reason="x", who="demo-admin")
    with pytest.raises(disputes.DisputeError, match="no dispute 999"):
        disputes.resolve(db, 999, outcome="upheld", reason="x", who="demo-admin")
    actions = [
        a for (a,) in _read(db, "SELECT action FROM audit_log WHERE action LIKE 'dispute%' ORDER BY audit_id")
    ]
    assert actions == ["dispute opened", "dispute rejected"]
    # the point may be disputed again once the first dispute is resolved
    disputes.open_dispute(db, company_id=COMPANY, kind="case_event", key=key, reason="new facts", who="c")


def test_who_sees_which_dispute(db: Path) -> None:
    mine = disputes.open_dispute(
        db, company_id=COMPANY, kind="case", key=_point(db, "case"), reason="r", who="c"
    )
    theirs = disputes.open_dispute(db, company_id="CO0001", kind="case", key=_point(db, "case", "CO0001"),
                                   reason="s", who="d")  # fmt: skip
    assert set(_visible(db, Viewer("admin"))["dispute_id"]) == {mine, theirs}
    assert set(_visible(db, Viewer("affiliate", affiliate_id="AF001"))["dispute_id"]) == {mine, theirs}
    assert list(_visible(db, Viewer("company", company_id=COMPANY))["dispute_id"]) == [mine]
    # asking for the other company's disputes by id gives a company nothing
    assert _visible(db, Viewer("company", company_id=COMPANY), company_id="CO0001").empty
    assert _visible(db, Viewer()).empty
    assert list(_visible(db, Viewer("admin"), status="open")["dispute_id"]) == [mine, theirs]  # oldest first


def test_a_file_made_before_disputes_reads_none_and_gets_the_table_on_the_first(
    db: Path, tmp_path: Path
) -> None:
    old = tmp_path / "old.duckdb"
    shutil.copyfile(db, old)
    with duckdb.connect(str(old)) as con:
        con.execute("DROP TABLE disputes")
        con.execute("DROP SEQUENCE disputes_seq")
    assert _visible(old, Viewer("admin")).empty
    disputes.open_dispute(old, company_id=COMPANY, kind="case", key=_point(old, "case"), reason="r", who="c")
    assert len(_visible(old, Viewer("admin"))) == 1


def test_resolved_between_lists_the_companies_disputes_resolved_in_the_period(db: Path) -> None:
    d = disputes.open_dispute(
        db, company_id=COMPANY, kind="case", key=_point(db, "case"), reason="r", who="c"
    )
    disputes.resolve(db, d, outcome="upheld", reason="ok", who="s", now=datetime(2026, 12, 2))
    with duckdb.connect(str(db), read_only=True) as con:
        cur = con.cursor()
        assert len(disputes.resolved_between(cur, [COMPANY], date(2026, 11, 30), date(2026, 12, 5))) == 1
        assert disputes.resolved_between(cur, ["CO0001"], date(2026, 11, 30), date(2026, 12, 5)).empty
        assert disputes.resolved_between(cur, [COMPANY], date(2026, 12, 2), date(2026, 12, 5)).empty
        assert len(disputes.resolved_between(cur, [COMPANY], date(2026, 12, 1), date(2026, 12, 2))) == 1


def test_resolved_between_with_every_dispute_still_open_is_empty(db: Path) -> None:
    """Only open disputes: no resolution date at all (What changed must still open)."""
    disputes.open_dispute(db, company_id=COMPANY, kind="case", key=_point(db, "case"), reason="r", who="c")
    with duckdb.connect(str(db), read_only=True) as con:
        assert disputes.resolved_between(con.cursor(), [COMPANY], date(2026, 1, 1), date(2026, 12, 5)).empty


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ({"kind": "request", "day": date(2025, 3, 31), "scope": "final_assembly", "product_model": "Book 14"},
         "Disclosure request for the final-assembly factories of Book 14, due 2025-03-31 (its state)"),
        ({"kind": "disclosure", "day": date(2025, 2, 1), "scope": "components", "product_model": None,
          "factory": "Alpha Works", "complete": True},
         "Disclosure: Alpha Works, complete, 2025-02-01 (request for the component factories of its products)"),
        ({"kind": "finding", "day": date(2024, 6, 1), "factory": "Alpha Works", "code_area": "working_hours",
          "severity": "major"}, "Finding: working hours (major) at Alpha Works, case opened 2024-06-01"),
        ({"kind": "case_event", "day": date(2024, 7, 2), "factory": "Alpha Works", "event_type": "verified",
          "code_area": "wages", "severity": "critical"},
         "Case event: remediation verified for the wages (critical) finding, 2024-07-02, at Alpha Works"),
        ({"kind": "case_event", "day": date(2024, 7, 2), "factory": "Alpha Works", "event_type": "acknowledged"},
         "Case event: acknowledged the report, 2024-07-02, at Alpha Works"),
        ({"kind": "case", "day": date(2024, 6, 1), "factory": "Alpha Works"}, "Monitoring case at Alpha Works, opened 2024-06-01"),
        ({"point_kind": "finding", "day": None}, "Finding: a data point no longer in the evidence (corrected since)"),
    ],
)  # fmt: skip
def test_points_in_words(row: dict, expected: str) -> None:
    assert words.point_words(row) == expected


def test_open_disputes_mark_their_why_rows_and_resolved_ones_do_not() -> None:
    frame = pd.DataFrame(
        [
            {"status": "open", "opened_at": datetime(2026, 12, 1), "point_kind": "disclosure", "request_id": "RQ1",
             "case_id": None, "day": date(2025, 2, 1), "scope": "components", "factory": "A", "complete": False},
            {"status": "open", "opened_at": datetime(2026, 12, 2), "point_kind": "finding", "request_id": None,
             "case_id": "CS1", "day": date(2024, 6, 1), "factory": "B", "code_area": "wages", "severity": "minor"},
            {"status": "rejected", "opened_at": datetime(2026, 11, 2), "point_kind": "case", "request_id": None,
             "case_id": "CS2", "day": date(2024, 6, 1), "factory": "C"},
        ]
    )  # fmt: skip
    by_request, by_case = words.why_marks(frame)
    assert list(by_request) == ["RQ1"] and list(by_case) == ["CS1"]
    assert by_case["CS1"].startswith(
        "The company disputes this point since 2026-12-02: Finding: wages (minor) at B"
    )


def test_the_cli_lists_shows_and_resolves_disputes(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from data import cli

    assert cli.main(["disputes", "list", "--db", str(db)]) == 0
    assert capsys.readouterr().out == "no open disputes\n"
    first = disputes.open_dispute(db, company_id=COMPANY, kind="case", key=_point(db, "case"), reason="Closed in 2023.",
                                  who="demo-company", now=datetime(2026, 12, 1, 9))  # fmt: skip
    second = disputes.open_dispute(db, company_id=COMPANY, kind="finding", key=_point(db, "finding"), reason="Not ours.",
                                   who="demo-company", now=datetime(2026, 12, 2, 9))  # fmt: skip
    assert cli.main(["disputes", "list", "--db", str(db)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split("\t")[:4] for line in lines] == [
        [str(first), "2026-12-01", "open", COMPANY], [str(second), "2026-12-02", "open", COMPANY]
    ]  # fmt: skip
    assert lines[0].split("\t")[5].startswith("Monitoring case at ")

    assert cli.main(["disputes", "resolve", str(first), "--rejected", "--reason", " ", "--db", str(db)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: the reason for the outcome is required") and "nothing was written" in err
    assert cli.main(["disputes", "resolve", str(first), "--rejected", "--reason", "The report is from 2024.",
                     "--db", str(db)]) == 0  # fmt: skip
    assert f"dispute {first} rejected" in capsys.readouterr().out
    assert (
        cli.main(
            ["disputes", "resolve", str(second), "--upheld", "--reason", "Wrong factory.", "--db", str(db)]
        )
        == 0
    )
    assert "python -m data import" in capsys.readouterr().out
    assert (
        cli.main(["disputes", "resolve", str(second), "--upheld", "--reason", "again", "--db", str(db)]) == 1
    )
    assert "already resolved (upheld)" in capsys.readouterr().err

    assert cli.main(["disputes", "show", str(first), "--db", str(db)]) == 0
    shown = capsys.readouterr().out
    assert "reason: Closed in 2023." in shown and "status: rejected" in shown
    assert "reason: The report is from 2024." in shown and "by demo-company" in shown
    assert cli.main(["disputes", "show", "999", "--db", str(db)]) == 1
    assert "there is no dispute 999" in capsys.readouterr().err
    assert cli.main(["disputes", "list", "--db", str(db)]) == 0
    assert capsys.readouterr().out == "no open disputes\n"
    assert cli.main(["disputes", "list", "--all", "--db", str(db)]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 2
    actions = [
        a for (a,) in _read(db, "SELECT action FROM audit_log WHERE action LIKE 'dispute%' ORDER BY audit_id")
    ]
    assert actions == ["dispute opened", "dispute opened", "dispute rejected", "dispute upheld"]


def test_a_backup_made_before_disputes_still_restores(db: Path, tmp_path: Path) -> None:
    from data import store

    old = tmp_path / "before-disputes.duckdb"
    shutil.copyfile(db, old)
    with duckdb.connect(str(old)) as con:
        con.execute("DROP TABLE disputes")
        con.execute("DROP SEQUENCE disputes_seq")
    store.check_database_file(old)  # no StoreError: the table comes with the first dispute
    writes.restore(db, old)
    assert _visible(db, Viewer("admin")).empty


def test_an_upheld_dispute_is_corrected_by_an_import_and_then_the_score_changes(db: Path) -> None:
    """Upheld: staff correct the evidence through the normal audited import; only then does the
    score move (the remediation the company says was verified is recorded)."""
    import scoring
    from data.importing import importer

    with duckdb.connect(str(db), read_only=True) as con:
        cur = con.cursor()
        open_ = cur.execute(
            "SELECT x.finding_id, x.case_id, c.opened_on FROM findings x JOIN cases c USING (case_id) "
            "WHERE c.company_id = ? AND NOT EXISTS (SELECT 1 FROM events e WHERE e.finding_id = x.finding_id "
            "AND e.event_type = 'verified') ORDER BY c.opened_on LIMIT 1",
            [COMPANY],
        ).fetchone()
        as_of = scoring.last_quarter_end()
        before = scoring.score(scoring.load_evidence(cur, [COMPANY]), [as_of])["overall"].iloc[0]
    finding, case, opened = open_
    d = disputes.open_dispute(db, company_id=COMPANY, kind="finding", key=finding, reason="Remediated and verified.",
                              who="demo-company")  # fmt: skip
    with duckdb.connect(str(db), read_only=True) as con:  # under review: the score stands
        assert (
            scoring.score(scoring.load_evidence(con.cursor(), [COMPANY]), [as_of])["overall"].iloc[0]
            == before
        )
    disputes.resolve(
        db, d, outcome="upheld", reason="The verification report was missing; recorded now.", who="staff"
    )
    when = max(opened, as_of.replace(day=1))
    events = (
        f"event_id,case_id,finding_id,event_type,event_date,note\nEVX1,{case},{finding},verified,{when},\n"
    )
    plan = importer.apply_import(db, [("events.csv", events.encode())], "staff")
    assert plan.ok, plan.errors
    with duckdb.connect(str(db), read_only=True) as con:
        after = scoring.score(scoring.load_evidence(con.cursor(), [COMPANY]), [as_of])["overall"].iloc[0]
    assert after > before
    actions = [a for (a,) in _read(db, "SELECT action FROM audit_log WHERE audit_id > 0 ORDER BY audit_id")][
        -3:
    ]
    assert actions[:2] == ["dispute opened", "dispute upheld"] and actions[2] not in (
        "dispute opened",
        "dispute upheld",
    )


# ---------------------------------------------------------------- a dispute's document

PDF = b"%PDF-1.4\n% fictional delivery records of the company\n%%EOF\n"


def _as(role: str, company: str | None = None):
    from types import SimpleNamespace

    return SimpleNamespace(role=role, company_id=company, username=f"{role}-user")


def _answer(db: Path, document_id: str, user) -> int:
    from data.documents import serving

    with duckdb.connect(str(db), read_only=True) as con:
        return serving.answer(con.cursor(), db, document_id, user, presenting=False).status


@pytest.mark.parametrize(
    ("visibility", "affiliate", "company", "other_company"),
    [("affiliates_and_company", 200, 200, 404), ("staff", 404, 404, 404)],
)
def test_a_dispute_keeps_its_document_in_the_store_shared_as_the_company_chose(
    db: Path,
    visibility: str,
    affiliate: int,
    company: int,
    other_company: int,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from data.documents import store

    dispute_id = disputes.open_dispute(
        db, company_id=COMPANY, kind="finding", key=_point(db, "finding"), reason="Our records differ.",
        who="demo-company", document=("delivery records.pdf", PDF), visibility=visibility,
        now=datetime(2026, 12, 1, 9),
    )  # fmt: skip
    ((document_id,),) = _read(db, "SELECT document_id FROM disputes WHERE dispute_id = ?", [dispute_id])
    (doc,) = _read(db, "SELECT sha256, kind, document_date, media_type, visibility, company_id, uploaded_by, title "
                       "FROM documents WHERE document_id = ?", [document_id])  # fmt: skip
    assert doc[1:] == ("other", date(2026, 12, 1), "application/pdf", visibility, COMPANY, "demo-company",
                       f"Sent with dispute {dispute_id}: delivery records.pdf")  # fmt: skip
    assert store.read(db, doc[0]) == PDF  # kept by its hash beside the database
    assert not _read(db, "SELECT * FROM document_links WHERE document_id = ?", [document_id])  # not evidence
    (audit,) = _read(db, "SELECT detail FROM audit_log WHERE action = 'dispute opened'")
    assert f"with document {document_id}" in audit[0]
    assert _answer(db, document_id, _as("admin")) == 200
    assert _answer(db, document_id, _as("affiliate")) == affiliate
    assert _answer(db, document_id, _as("company", COMPANY)) == company
    assert _answer(db, document_id, _as("company", "CO0001")) == other_company
    # the queue names it; the company's list says it was sent and with whom it is shared
    (row,) = _visible(db, Viewer("admin")).to_dict("records")
    assert (row["document_id"], row["document_kind"], row["document_visibility"]) == (document_id, "other", visibility)  # fmt: skip
    from data import cli

    assert cli.main(["disputes", "show", str(dispute_id), "--db", str(db)]) == 0  # staff at the command line
    assert f"document: {document_id} ({visibility}), /cpt/document/{document_id}\n" in capsys.readouterr().out
    shared = "staff only" if visibility == "staff" else "staff and affiliates"
    assert f"“Our records differ.”; with your document (shared with {shared}). Under review" in words.company_lines(
        _visible(db, Viewer("company", company_id=COMPANY))
    )[0]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("invoice.pdf", b"MZ\x90\x00" + b"\x00" * 64, "a Windows program, whatever its name says"),
        ("empty.pdf", b"", "the file is empty"),
        ("huge.pdf", b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024), "more than the limit of 10.0 MB"),
    ],
)
def test_a_refused_document_refuses_the_dispute_and_stores_nothing(
    db: Path, name: str, data: bytes, message: str
) -> None:
    from data.documents import store

    before = _read(db, "SELECT count(*) FROM audit_log")
    files = sorted(store.folder(db).iterdir()) if store.folder(db).exists() else []
    with pytest.raises(
        disputes.DisputeError, match=f"the document '{re.escape(name)}' was refused: .*{re.escape(message)}"
    ):
        disputes.open_dispute(db, company_id=COMPANY, kind="finding", key=_point(db, "finding"),
                              reason="Our records differ.", who="demo-company", document=(name, data))  # fmt: skip
    assert _read(db, "SELECT count(*) FROM disputes") == [(0,)]
    assert _read(db, "SELECT count(*) FROM audit_log") == before
    assert (sorted(store.folder(db).iterdir()) if store.folder(db).exists() else []) == files


def test_a_dispute_refused_in_the_write_removes_the_file_it_had_kept(db: Path) -> None:
    from data.documents import store

    key = _point(db, "finding")
    disputes.open_dispute(db, company_id=COMPANY, kind="finding", key=key, reason="First.", who="c")
    with pytest.raises(disputes.DisputeError, match="already disputed"):
        disputes.open_dispute(db, company_id=COMPANY, kind="finding", key=key, reason="Again.", who="c",
                              document=("again.pdf", PDF + b"% second\n"))  # fmt: skip
    assert not store.path_of(db, store.digest(PDF + b"% second\n")).exists()
    assert _read(db, "SELECT count(*) FROM disputes") == [(1,)]
