"""Expectations: recorded through the publish path, scoped like contracts, assessed as met /
on track / behind / missed against the quarterly scores, drawn on the trajectory, and kept
through export -> import."""

from __future__ import annotations

import io
import json
import shutil
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from pypdf import PdfReader

import scoring
from charts import trajectory
from data import store
from data.cli import main
from data.documents import store as document_store
from data.queries import contracts as contract_queries
from data.queries import expectations
from reports import report
from tests import apptest
from tests.import_world import WORLD, new_db, tables_content, write_files
from wording import labels


@pytest.fixture
def no_chart(monkeypatch: pytest.MonkeyPatch) -> None:
    """PDFs without the kaleido chart (drawn elsewhere: tests/test_reports.py)."""
    monkeypatch.setattr(report, "chart_image", lambda fig, **kw: (None, "no chart in this test"))


def pdf_pages(payload: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(payload)).pages]


HEAD = "expectation_id,affiliate_id,company_id,what,target,due_on,note,set_by,set_on\n"


def test_an_expectation_recorded_survives_export_and_import(demo_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "live.duckdb"
    shutil.copyfile(demo_db, db)  # with its source documents: the full export holds them too
    shutil.copytree(document_store.folder(demo_db), document_store.folder(db))
    eid = expectations.add(db, affiliate_id="AF001", company_id="CO0001", what="overall", target="72.5",
                           due_on=date(2027, 6, 30), note="Before the renewal, = not a formula", who="demo-admin")  # fmt: skip
    assert main(["export", "--db", str(db), "--out", str(tmp_path / "out")]) == 0
    assert eid in (tmp_path / "out" / "expectations.csv").read_text(encoding="utf-8")
    empty = new_db(tmp_path / "empty.duckdb")
    assert main(["import", "--db", str(empty), str(tmp_path / "out")]) == 0
    assert tables_content(empty)["expectations"] == tables_content(db)["expectations"]
    with duckdb.connect(str(empty), read_only=True) as con:
        row = con.execute("SELECT what, target, due_on, set_by FROM expectations WHERE expectation_id = ?", [eid]).fetchone()  # fmt: skip
        audit = con.execute("SELECT count(*) FROM audit_log WHERE action = 'import'").fetchone()[0]
    assert row == ("overall", "72.5", date(2027, 6, 30), "demo-admin") and audit == 1
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM audit_log WHERE action = 'expectation'").fetchone()[0] == 1


@pytest.mark.parametrize(
    ("what", "target", "message"),
    [
        ("overall", "101", "the target score must be a number from 0 to 100"),
        ("sct", "high", "the target score must be a number from 0 to 100"),
        ("band", "Great", "the target band must be one of: Insufficient, Developing, Good, Leading"),
        ("action", " ", "name the action expected"),
        ("action", "verify", "name the action expected"),
        ("stars", "5", "what must be one of"),
    ],
)
def test_bad_expectations_are_refused_before_writing(
    demo_db: Path, tmp_path: Path, what, target, message
) -> None:
    db = tmp_path / "live.duckdb"
    shutil.copyfile(demo_db, db)
    before = db.stat().st_mtime_ns
    with pytest.raises(expectations.ExpectationError, match=message):
        expectations.add(db, affiliate_id="AF001", company_id="CO0001", what=what, target=target,
                         due_on=date(2027, 1, 1), note=None, who="demo-admin")  # fmt: skip
    assert db.stat().st_mtime_ns == before


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("X1,AF1,CO1,overall,120,2027-01-01,,ann,2024-01-01", "expectations.csv:2: target: '120' is not a score from 0 to 100"),
        ("X1,AF1,CO1,band,Great,2027-01-01,,ann,2024-01-01", "expectations.csv:2: target: 'Great' is not a band"),
        ("X1,AF1,CO1,stars,5,2027-01-01,,ann,2024-01-01", "expectations.csv:2: what: 'stars' is not allowed"),
        ("X1,AF1,CO9,sct,50,2027-01-01,,ann,2024-01-01", "expectations.csv:2: company_id"),
        ("X1,AF1,CO1,sct,50,2027-01-01,,ann,2099-01-01", "expectations.csv:2: set_on: '2099-01-01' lies in the future"),
    ],
)  # fmt: skip
def test_bad_expectation_rows_are_refused_on_import(tmp_path: Path, capsys, row: str, expected: str) -> None:
    db = new_db(tmp_path / "w.duckdb")
    assert main(["import", "--db", str(db), *write_files(tmp_path / "csv", WORLD)]) == 0
    before = tables_content(db)
    code = main(
        ["import", "--db", str(db), *write_files(tmp_path / "in", {"expectations.csv": HEAD + row + "\n"})]
    )
    err = capsys.readouterr().err
    assert code == 1 and expected in err, err
    assert "Traceback" not in err and tables_content(db) == before


def series_of(values: list[float | None], start: date = date(2024, 3, 31)) -> pd.DataFrame:
    ends = [pd.Timestamp(start) + pd.offsets.QuarterEnd(i) for i in range(len(values))]
    bands = [None if v is None else next(b.name for b in scoring.params.BANDS if b.lower <= v < b.upper + 1e-9) for v in values]  # fmt: skip
    return pd.DataFrame(
        {
            "company_id": "C",
            "as_of": ends,
            "methodology": "v2",
            "sct": values,
            "fi": values,
            "overall": values,
            "band": bands,
        }
    )


def one(what: str, target: str, due_on: date, set_on: date = date(2024, 5, 1)) -> pd.DataFrame:
    return pd.DataFrame([{"expectation_id": "E", "affiliate": "A", "company_id": "C", "what": what,
                          "target": target, "due_on": due_on, "set_on": set_on}])  # fmt: skip


@pytest.mark.parametrize(
    ("what", "target", "due_on", "values", "status", "value"),
    [
        ("overall", "60", date(2024, 10, 15), [40, 50, 61, 30], "met", "61.0"),  # reached by the due date
        ("overall", "60", date(2024, 9, 30), [40, 50, 55, 70], "missed", "55.0"),  # reached only after it
        ("sct", "80", date(2026, 1, 1), [40, 50, 55, 70], "on track", "70.0"),  # rising since set
        ("fi", "80", date(2026, 1, 1), [40, 50, 45, 40], "behind", "40.0"),  # not risen since set
        ("band", "Good", date(2026, 1, 1), [40, 50, 55, 20], "behind", "Insufficient"),
        ("band", "Developing", date(2025, 1, 1), [10, 30, 12, 30], "met", "Developing"),
        (
            "band",
            "Developing",
            date(2025, 1, 1),
            [10, 30, 30, 12],
            "missed",
            "Insufficient",
        ),  # judged at the due date
        ("overall", "50", date(2026, 1, 1), [None, None, None, None], "behind", "n/a"),  # n/a is never 0
        ("action", "verify:F1", date(2026, 1, 1), [40, 50, 55, 70], "not assessed", ""),
    ],
)
def test_assess(what, target, due_on, values, status, value) -> None:
    as_of = date(2025, 3, 31)
    got = expectations.assess(one(what, target, due_on), series_of(values), as_of).iloc[0]
    assert (got["status"], got["value"]) == (status, value)


def test_each_account_sees_its_own_expectations(demo_db: Path) -> None:
    with duckdb.connect(str(demo_db), read_only=True) as con:
        every = expectations.visible(con.cursor(), contract_queries.Viewer("admin"))
        assert len(every) == con.execute("SELECT count(*) FROM expectations").fetchone()[0] >= 3
        for role in ("affiliate", "company"):
            viewer = contract_queries.viewer_of(apptest.demo_user(demo_db, role))
            mine = expectations.visible(con.cursor(), viewer)
            if role == "affiliate":
                assert set(mine["affiliate_id"]) == {viewer.affiliate_id} and len(mine) >= 3
            else:
                assert set(mine["company_id"]) <= {viewer.company_id}
        assert expectations.visible(con.cursor(), contract_queries.Viewer()).empty


def test_targets_on_the_trajectory() -> None:
    fig = trajectory.trajectory(series_of([40, 50, 55, 70]), "t")
    targets = one("overall", "60", date(2025, 6, 30)).assign(affiliate="City of <b>X</b>")
    targets = pd.concat([targets, one("band", "Good", date(2025, 9, 30)).assign(affiliate="A"),
                         one("action", "verify:F1", date(2025, 9, 30)).assign(affiliate="A")])  # fmt: skip
    trajectory.add_targets(fig, targets)
    marks = [t for t in fig.data if t.name and t.name.startswith("Target")]
    assert len(marks) == 1 and list(marks[0].y) == [60.0, 50.0]  # band Good at its lower bound; no action
    assert "<b>" not in marks[0].text[0] and "&lt;b&gt;" in marks[0].text[0]


def test_contracts_page_shows_expectations_and_records_one(writable_demo_app: Path) -> None:
    me = apptest.demo_user(writable_demo_app, "affiliate")
    at = apptest.open_page("contracts", role="affiliate")
    assert not at.exception
    frame = next(d.value for d in at.dataframe if "status" in d.value.columns)
    with duckdb.connect(str(writable_demo_app), read_only=True) as con:
        count = con.execute("SELECT count(*) FROM expectations WHERE affiliate_id = ?", [me.affiliate_id]).fetchone()[0]  # fmt: skip
    assert len(frame) == count
    with duckdb.connect(str(writable_demo_app), read_only=True) as con:
        evidence = scoring.load_evidence(con.cursor())
        ids = dict(con.execute("SELECT name, company_id FROM companies").fetchall())
        ids = dict(con.execute("SELECT name, company_id FROM companies").fetchall())
    series = scoring.score(evidence, scoring.series_dates(evidence), "in-force")
    series["as_of"] = pd.to_datetime(series["as_of"]).dt.date
    as_of = scoring.last_quarter_end()
    scored = 0
    codes = {label: code for code, label in labels.EXPECTATION_LABELS.items()}  # shown in words
    for row in frame.itertuples():
        what = codes[row.what]
        if what not in ("sct", "fi", "overall"):
            continue
        company_id, due = ids[row.company], pd.Timestamp(row.due_on).date()
        history = series[(series["company_id"] == company_id) & (series["as_of"] <= min(due, as_of))]
        value = history.sort_values("as_of")[what].iloc[-1]
        assert row.value == f"{value:.1f}"
        if value >= float(row.target):
            assert row.status == "met"
        else:
            assert row.status == "missed" if due <= as_of else row.status in ("on track", "behind")
        scored += 1
    assert scored >= 2
    at.selectbox(key="expectation_what").set_value("band").run()
    assert at.selectbox(key="expectation_band").options == ["Insufficient", "Developing", "Good", "Leading"]
    at.selectbox(key="expectation_band").set_value("Leading")
    at.button(key="expectation_submit").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["Expectation recorded."]
    with duckdb.connect(str(writable_demo_app), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM expectations WHERE affiliate_id = ?", [me.affiliate_id]).fetchone()[0] == count + 1  # fmt: skip
        assert con.execute("SELECT set_by, target FROM expectations ORDER BY set_on DESC, expectation_id LIMIT 1").fetchone() is not None  # fmt: skip
    assert store.list_backups(writable_demo_app)  # written through publish (the old file kept)
    at.selectbox(key="expectation_what").set_value("overall").run()  # no score given: refused, input kept
    at.text_area(key="expectation_note").input("Kept after a refusal")
    at.button(key="expectation_submit").click().run()
    assert any("Not recorded: the target score must be a number" in e.value for e in at.error)
    assert at.text_area(key="expectation_note").value == "Kept after a refusal"
    at.selectbox(key="expectation_what").set_value("action").run()  # an action is picked by its words
    words = at.selectbox(key="expectation_action")
    assert words.options and not any(
        o.startswith(("verify:", "disclose:", "acknowledge:")) for o in words.options
    )
    assert at.text_area(key="expectation_note").value == "Kept after a refusal"
    at.selectbox(key="expectation_action").select_index(0)
    at.button(key="expectation_submit").click().run()
    assert [s.value for s in at.success] == ["Expectation recorded."]
    with duckdb.connect(str(writable_demo_app), read_only=True) as con:
        what, target, note = con.execute("SELECT what, target, note FROM expectations WHERE affiliate_id = ? ORDER BY set_on DESC, note NULLS LAST LIMIT 1", [me.affiliate_id]).fetchone()  # fmt: skip
    assert (
        what == "action" and target.split(":")[0] in expectations.ACTIONS and note == "Kept after a refusal"
    )
    assert at.text_area(key="expectation_note").value == ""  # cleared once recorded


def test_company_page_draws_the_affiliates_targets(demo_app: Path) -> None:
    with duckdb.connect(str(demo_app), read_only=True) as con:
        company = con.execute(
            "SELECT company_id FROM expectations WHERE what = 'overall' LIMIT 1"
        ).fetchone()[0]
    at = apptest.open_page("company", role="affiliate", company=company)
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert any(str(t.get("name", "")).startswith("Target") for t in spec["data"])


def test_action_expectations_are_judged_by_their_evidence(demo_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "live.duckdb"
    shutil.copyfile(demo_db, db)
    today = date.today()
    with duckdb.connect(str(db), read_only=True) as con:
        verified, on = con.execute(
            "SELECT e.finding_id, e.event_date FROM events e WHERE e.event_type = 'verified' ORDER BY 1 LIMIT 1"
        ).fetchone()
        company = con.execute("SELECT k.company_id FROM findings JOIN cases k USING (case_id) WHERE finding_id = ?", [verified]).fetchone()[0]  # fmt: skip
        open_finding = con.execute(
            "SELECT f.finding_id FROM findings f JOIN cases k USING (case_id) WHERE k.company_id = ? AND NOT EXISTS"
            " (SELECT 1 FROM events e WHERE e.finding_id = f.finding_id AND e.event_type = 'verified') ORDER BY 1 LIMIT 1",
            [company],
        ).fetchone()[0]
        full = con.execute(
            "SELECT request_id FROM disclosures WHERE request_id IN (SELECT request_id FROM disclosure_requests"
            " WHERE company_id = ?) GROUP BY 1 HAVING bool_and(complete) ORDER BY 1 LIMIT 1",
            [company],
        ).fetchone()[0]
    cases = {
        f"verify:{verified}": (on + timedelta(days=1), "met"),  # verified before the due date
        f"verify:{open_finding}": (today - timedelta(days=1), "missed"),  # due date passed without it
        f"submit_evidence:{open_finding}x": (
            today + timedelta(days=30),
            "open",
        ),  # unknown finding, not yet due
        f"disclose:{full}": (today + timedelta(days=30), "met"),
    }
    ids = {}
    for target, (due, _) in cases.items():
        ids[expectations.add(db, affiliate_id="AF001", company_id=company, what="action", target=target,
                             due_on=due, note=None, who="demo-admin")] = target  # fmt: skip
    with duckdb.connect(str(db), read_only=True) as con:
        seen = expectations.visible(con.cursor(), contract_queries.Viewer("admin"), company, today)
    seen = expectations.assess(
        seen[seen["expectation_id"].isin(ids)], series_of([50]), date(2024, 3, 31), today
    )
    assert {ids[r.expectation_id]: r.status for r in seen.itertuples()} == {
        t: s for t, (_, s) in cases.items()
    }
    with pytest.raises(expectations.ExpectationError, match="action:target_id"):
        expectations.add(db, affiliate_id="AF001", company_id=company, what="action", target="dance:FN1",
                         due_on=today, note=None, who="demo-admin")  # fmt: skip


def test_the_company_report_lists_the_expectations_the_account_may_see(
    writable_demo_app: Path, no_chart: None
) -> None:
    """The scoring report (PDF and HTML) has a table of what affiliates expect of the company,
    judged at the report's date; an affiliate's report holds only its own expectations."""
    me = apptest.demo_user(writable_demo_app, "affiliate")
    with duckdb.connect(str(writable_demo_app), read_only=True) as con:
        company = con.execute(
            "SELECT company_id FROM expectations WHERE what = 'overall' LIMIT 1"
        ).fetchone()[0]
        other = con.execute(
            "SELECT affiliate_id FROM affiliates WHERE affiliate_id <> ? ORDER BY 1 LIMIT 1",
            [me.affiliate_id],
        ).fetchone()[0]
        mine = con.execute(
            "SELECT what, target, note FROM expectations WHERE company_id = ? AND affiliate_id = ?",
            [company, me.affiliate_id],
        ).fetchall()
    expectations.add(writable_demo_app, affiliate_id=other, company_id=company, what="sct", target="75",
                     due_on=date(2027, 6, 30), note="Another buyer's own target, not for you", who="demo-admin")  # fmt: skip
    assert mine

    at = apptest.open_page("company", role="affiliate", company=company)
    assert not at.exception
    html = apptest.download(at, "download_report_html").decode("utf-8")
    assert "What affiliates expect, by when (status as of " in html
    for what, target, note in mine:
        assert (what == "action" or f"<td>{target}</td>" in html) and (note is None or note in html)
    assert "disclose:" not in html and "<td>Disclose the component factories of " in html  # in words
    assert "Another buyer" not in html  # another affiliate's expectation stays with it
    pdf = "\n".join(pdf_pages(apptest.download(at, "download_report_pdf")))
    assert (
        "What affiliates expect, by when" in pdf
        and "Improvement action" in pdf
        and "Another buyer" not in pdf
    )

    staff = apptest.download(
        apptest.open_page("company", role="admin", company=company), "download_report_html"
    )
    assert "Another buyer's own target, not for you" in staff.decode("utf-8")


def test_report_table_reads_as_words() -> None:
    judged = expectations.assess(
        pd.concat(
            [
                one("overall", "60", date(2024, 10, 15)).assign(note="Before renewal"),
                one("action", "verify:F1", date(2026, 1, 1)).assign(note=None),
            ]
        ),  # fmt: skip
        series_of([40, 50, 61, 30]),
        date(2025, 3, 31),
    )
    table = expectations.report_table(judged)
    assert list(table.columns) == expectations.REPORT_COLUMNS
    assert table.to_dict("records") == [
        {"Affiliate": "A", "Expectation": "Overall score", "Target": "60", "Due": "2024-10-15", "Status": "met",
         "Value at the date": "61.0", "Note": "Before renewal"},
        {"Affiliate": "A", "Expectation": "Improvement action", "Target": "verify:F1", "Due": "2026-01-01",
         "Status": "not assessed", "Value at the date": "", "Note": ""},
    ]  # fmt: skip
    assert list(expectations.report_table(judged.head(0)).columns) == expectations.REPORT_COLUMNS
    worded = expectations.report_table(judged, lambda target: f"words for {target}")
    assert list(worded["Target"]) == ["60", "words for verify:F1"]  # only an action's target


def test_an_expected_action_reads_as_the_improvement_actions_say_it(demo_db: Path) -> None:
    from wording import narrative

    with duckdb.connect(str(demo_db), read_only=True) as con:
        evidence = scoring.load_evidence(con.cursor()).restrict(["CO0011"])
        names = narrative.Names.from_frame(names_frame(con, "CO0011"))
    request = evidence.disclosure_requests.iloc[0]
    case = evidence.cases.iloc[0]
    finding = evidence.findings.iloc[0]
    factory = names.factory(case["factory_id"])
    opened = f"(report opened {pd.Timestamp(case['opened_on']):%Y-%m-%d})"
    text = lambda target: narrative.expected_action_text(target, evidence, names)  # noqa: E731
    assert text(f"disclose:{request['request_id']}").startswith("Disclose the ")
    assert names.product_model(request["product_model_id"]) in text(f"disclose:{request['request_id']}")
    assert (
        text(f"acknowledge:{case['case_id']}") == f"Acknowledge the monitoring report on {factory} {opened}"
    )
    assert text(f"grant_access:{case['case_id']}") == f"Give monitors access to {factory} {opened}"
    assert text(f"submit_plan:{case['case_id']}") == f"Submit a remediation plan for {factory} {opened}"
    on_case = evidence.cases[evidence.cases["case_id"] == finding["case_id"]].iloc[0]
    assert names.factory(on_case["factory_id"]) in text(f"verify:{finding['finding_id']}")
    assert text(f"verify:{finding['finding_id']}").startswith("Have the remediation of the ")
    assert text(f"submit_evidence:{finding['finding_id']}").startswith("Submit remediation evidence for the ")
    assert text("verify:NO-SUCH-FINDING") == "verify:NO-SUCH-FINDING"  # as given when unknown
    assert text("polish:CS1") == "polish:CS1"


def names_frame(con: duckdb.DuckDBPyConnection, company_id: str) -> pd.DataFrame:
    from data.queries import companies as company_queries

    return company_queries.company_names(con.cursor(), company_id)


def test_hostile_expectation_notes_stay_text_in_the_report(hostile_app: Path, no_chart: None) -> None:
    """Notes are free text: escaped in the HTML report, cut to fit in the PDF."""
    from tests.hostile_world import HTML_LINK, SCRIPT

    with duckdb.connect(str(hostile_app), read_only=True) as con:
        company, note = con.execute(
            "SELECT company_id, note FROM expectations WHERE note LIKE '%<script>%' LIMIT 1"
        ).fetchone()
    at = apptest.open_page("company", role="admin", company=company)
    assert not at.exception
    html = apptest.download(at, "download_report_html").decode("utf-8")
    assert SCRIPT in note and SCRIPT not in html and HTML_LINK not in html
    assert "&lt;script&gt;" in html  # the note is there, as text
    assert "What affiliates expect, by when" in "\n".join(
        pdf_pages(apptest.download(at, "download_report_pdf"))
    )


def test_presentation_mode_report_shows_expectations_without_names_or_ids(
    demo_app: Path, no_chart: None
) -> None:
    """While presenting, the report's expectations name the affiliate by its pseudonym, hide
    the notes and any target that names a real request, case or finding."""
    from data.presentation.pseudonyms import HIDDEN
    from tests.presentation_check import download_text, leaks, secrets_of

    with duckdb.connect(str(demo_app), read_only=True) as con:
        company, notes = con.execute(
            "SELECT company_id, list(note) FROM expectations WHERE what = 'action' GROUP BY 1 LIMIT 1"
        ).fetchone()
    at = apptest.open_page("company", role="affiliate", present="1", company=company)
    assert not at.exception
    secrets = secrets_of(demo_app) + [n for n in notes if n]
    for key in ("download_report_html", "download_report_pdf"):
        text = download_text(apptest.download(at, key))
        assert "What affiliates expect, by when" in text, key
        assert leaks(text, secrets) == [], (key, leaks(text, secrets)[:5])
    assert HIDDEN in download_text(apptest.download(at, "download_report_html"))


def test_briefing_lines_are_short_and_name_the_affiliate_only_when_several() -> None:
    table = pd.DataFrame(
        [["A", "Overall score", "60", "2027-06-27", "on track", "51.3", "n"],
         ["A", "Improvement action", "Disclose the component factories of X", "2027-01-28", "open", "not done", ""],
         ["A", "Band", "Good", "2026-08-31", "missed", "Developing", ""]],
        columns=expectations.REPORT_COLUMNS,
    )  # fmt: skip
    assert expectations.briefing_lines(table) == [
        "Overall score 60 by 2027-06-27: on track (51.3)",
        "Disclose the component factories of X by 2027-01-28: open (not done)",
        "Band Good by 2026-08-31: missed (Developing)",
    ]
    two = table.assign(Affiliate=["A", "B", "A"])
    assert expectations.briefing_lines(two, limit=2) == [
        "Overall score 60 by 2027-06-27: on track (51.3); A",
        "Disclose the component factories of X by 2027-01-28: open (not done); B",
        "... and 1 more (the company report lists them all).",
    ]
    assert expectations.briefing_lines(table.head(0)) == []


def test_the_briefing_page_of_a_company_says_what_is_expected_of_it(demo_app: Path, no_chart: None) -> None:
    with duckdb.connect(str(demo_app), read_only=True) as con:
        company, count = con.execute(
            "SELECT company_id, count(*) FROM expectations GROUP BY 1 ORDER BY 2 DESC LIMIT 1"
        ).fetchone()
        other = con.execute(
            "SELECT company_id FROM companies WHERE company_id NOT IN (SELECT company_id FROM expectations) "
            "ORDER BY 1 LIMIT 1"
        ).fetchone()[0]
    at = apptest.open_page("compare", role="affiliate", company=f"{company},{other}")
    assert not at.exception
    pages = pdf_pages(apptest.download(at, "download_briefing"))
    assert len(pages) == 3  # the summary, then one page per company
    assert "What affiliates expect, by when" in pages[1] and "What affiliates expect" not in pages[2]
    assert pages[1].count(" by 20") >= count and "Overall score 60 by " in pages[1]
