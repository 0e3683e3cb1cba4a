"""Right of reply in a real browser (issue 23): a company disputes a finding on its Company
page; staff see it in the Disputes queue and reject it with a reason; the company reads the
reason on its page; the audit log holds each step. Then another dispute is upheld, staff correct
the evidence through the Data page's import (the normal audited write), and the score changes
on every page (Overview leaderboard, Company page, Compare); the audit log shows each step.
One server for both (CI runs this on two cores)."""

from __future__ import annotations

import csv
import io
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from data.queries import disputes
from tests.browser.drive import click_download, running_server, sign_in, wait_for_app
from wording import disputes as words

REASON = "This finding concerns a line we closed before the audit; our records show no overtime."
REJECTED = "The monitoring report and the worker interviews both date the overtime after the closure."


@pytest.fixture(scope="module")
def world(browser_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("disputes") / "live.duckdb"
    shutil.copyfile(browser_db, db)
    return db


@pytest.fixture(scope="module")
def live(world: Path) -> Iterator[str]:
    with running_server(world) as url:
        yield url


def _finding(db: Path) -> str:
    with duckdb.connect(str(db), read_only=True) as con:
        found = disputes.points(con.cursor(), "CO0010")
    return words.point_words(found[found["kind"] == "finding"].iloc[0].to_dict())


def _main(pg) -> str:
    return pg.locator("[data-testid='stMain']").inner_text().replace("\u2060", "")  # the joiners after colons


def test_a_company_disputes_a_finding_and_reads_why_staff_rejected_it(
    browser, world: Path, live: str
) -> None:
    point = _finding(world)
    server = live  # one server for the module
    company = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    sign_in(company, server, "demo-company")
    wait_for_app(company, timeout=120_000)
    box = company.locator("[data-testid='stSelectbox']").filter(has_text="The data point you dispute")
    box.click()
    company.keyboard.type(point)
    company.keyboard.press("Enter")
    company.get_by_role("textbox", name=re.compile("Why it is wrong")).fill(REASON)
    company.get_by_role("button", name="Send the dispute").click()
    company.get_by_text("Your dispute was sent.").wait_for(timeout=60_000)

    staff = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    sign_in(staff, server, "demo-admin")
    staff.goto(f"{server}/disputes")
    wait_for_app(staff, timeout=60_000)
    staff.get_by_text("Open disputes (1)").wait_for(timeout=30_000)
    staff.get_by_text("Rejected: the evidence stands").click()
    staff.get_by_role("textbox", name=re.compile("Note for an upheld dispute")).fill(REJECTED)
    staff.get_by_role("button", name="Resolve the dispute").click()
    staff.get_by_text(re.compile(r"Dispute \d+ rejected")).wait_for(timeout=60_000)
    assert "No dispute is waiting" in _main(staff)

    company.goto(f"{server}/company")
    wait_for_app(company, timeout=120_000)
    company.get_by_text(REJECTED, exact=False).wait_for(timeout=30_000)
    text = _main(company)
    mine = text[text.index("Right of reply") :]
    assert re.search(r"Rejected on \d{4}-\d{2}-\d{2}: " + re.escape(REJECTED), mine), mine[:1500]
    assert f"your reason: “{REASON}”" in text
    company.context.close()
    staff.context.close()
    with duckdb.connect(str(world), read_only=True) as con:
        row = con.execute(
            "SELECT status, reason, resolution, opened_by, resolved_by FROM disputes"
        ).fetchall()
        actions = [a for (a,) in con.execute("SELECT action FROM audit_log WHERE action LIKE 'dispute%' ORDER BY audit_id").fetchall()]  # fmt: skip
    assert row == [("rejected", REASON, REJECTED, "demo-company", "demo-admin")]
    assert actions == ["dispute opened", "dispute rejected"]


UPHELD = "The verification report was missing from the import; recorded now."
WHY_UPHELD = "The auditor verified this remediation; the verification report is attached to our file."


def _to_verify(db: Path, tmp: Path) -> tuple[str, Path]:
    """The company's earliest finding not verified as remedied: its label in the dispute form,
    and the events.csv that records its verification (the correction staff import)."""
    import scoring
    from ui import disputes_view

    with duckdb.connect(str(db), read_only=True) as con:
        cur = con.cursor()
        finding, case, opened = cur.execute(
            "SELECT x.finding_id, x.case_id, c.opened_on FROM findings x JOIN cases c USING (case_id) "
            "WHERE c.company_id = 'CO0010' AND NOT EXISTS (SELECT 1 FROM events e WHERE e.finding_id = x.finding_id "
            "AND e.event_type = 'verified') ORDER BY c.opened_on LIMIT 1"
        ).fetchone()  # fmt: skip
        options = disputes_view._options(disputes.points(cur, "CO0010"))
    label = next(text for text, point in options.items() if point == ("finding", finding))
    when = max(opened, scoring.last_quarter_end().replace(day=1))
    upload = tmp / "events.csv"
    upload.write_text(f"event_id,case_id,finding_id,event_type,event_date,note\nEVUPHELD,{case},{finding},verified,{when},\n")  # fmt: skip
    return label, upload


def _csv(pg, server: str, path: str, button: str) -> list[dict[str, str]]:
    pg.goto(f"{server}{path}")
    wait_for_app(pg, timeout=120_000)
    download = click_download(pg, pg.get_by_role("button", name=button), server)
    text = Path(download.path()).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text.split("\n", 1)[1])))


def _scores(pg, server: str) -> dict[str, str]:
    """CO0010's overall score as the Overview leaderboard (CSV), the Company page (metric) and
    Compare (CSV) show it."""
    board = {r["Company"]: r["Overall"] for r in _csv(pg, server, "/overview", "Download leaderboard (CSV)")}
    compare = _csv(pg, server, "/compare?company=CO0010,CO0001", "Download comparison (CSV)")
    pg.goto(f"{server}/company?company=CO0010")
    wait_for_app(pg, timeout=120_000)
    metric = pg.locator("[data-testid='stMetric']").filter(has_text="Overall").first
    return {
        "overview": f"{float(board['Jovance Micro']):.1f}",
        "company": metric.locator("[data-testid='stMetricValue']").inner_text().strip(),
        "compare": next(f"{float(r['Overall']):.1f}" for r in compare if r["Company id"] == "CO0010"),
    }


def test_an_upheld_dispute_corrected_by_import_changes_the_score_on_every_page(
    browser, world: Path, live: str, tmp_path: Path
) -> None:
    import scoring
    from tests.one_truth_world import at, fresh_series

    label, upload = _to_verify(world, tmp_path)
    staff = browser.new_context(viewport={"width": 1440, "height": 900}, accept_downloads=True).new_page()
    sign_in(staff, live, "demo-admin")
    before = _scores(staff, live)
    assert len(set(before.values())) == 1, before  # one truth before

    company = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
    sign_in(company, live, "demo-company")
    wait_for_app(company, timeout=120_000)
    # the Why tables fit a 1280 px window: no sideways scroll (the grid draws after the run settles)
    company.locator("[data-testid=stDataFrame] .dvn-scroller").first.wait_for(state="visible", timeout=60_000)
    widths = company.evaluate("""() => [...document.querySelectorAll('[data-testid=stDataFrame] .dvn-scroller')]
        .filter(e => e.offsetParent).slice(0, 1).map(e => [e.scrollWidth, e.clientWidth])""")  # fmt: skip
    assert widths and all(scroll <= client for scroll, client in widths), widths
    company.locator("[data-testid='stSelectbox']").filter(has_text="The data point you dispute").click()
    company.keyboard.type(label)
    company.keyboard.press("Enter")
    company.get_by_role("textbox", name=re.compile("Why it is wrong")).fill(WHY_UPHELD)
    company.get_by_role("button", name="Send the dispute").click()
    company.get_by_text("Your dispute was sent.").wait_for(timeout=60_000)

    staff.goto(f"{live}/disputes")
    wait_for_app(staff, timeout=60_000)
    staff.get_by_text("Open disputes (1)").wait_for(timeout=30_000)
    staff.get_by_text("Upheld: the company is right").click()
    staff.get_by_role("textbox", name=re.compile("Note for an upheld dispute")).fill(UPHELD)
    staff.get_by_role("button", name="Resolve the dispute").click()
    staff.get_by_text(re.compile(r"Dispute \d+ upheld")).wait_for(timeout=60_000)
    assert _scores(staff, live) == before  # upheld alone changes no evidence

    staff.goto(f"{live}/data")  # the correction: the normal audited import
    wait_for_app(staff, timeout=60_000)
    staff.locator("input[type='file']").set_input_files(str(upload))
    staff.get_by_role("button", name="Show what will change").click()
    wait_for_app(staff, timeout=120_000)
    staff.get_by_role("button", name="Apply import").click()
    staff.get_by_text("Imported. The summary of what changed:").wait_for(timeout=180_000)
    wait_for_app(staff, timeout=120_000)

    expected = f"{float(at(fresh_series(world), 'CO0010', scoring.last_quarter_end())['overall']):.1f}"
    after = _scores(staff, live)
    assert after == {"overview": expected, "company": expected, "compare": expected}, (before, after)
    assert expected != before["company"]

    company.goto(f"{live}/company")  # the company reads the outcome
    wait_for_app(company, timeout=120_000)
    company.get_by_text(UPHELD, exact=False).wait_for(timeout=30_000)

    audit = _csv(staff, live, "/data", "Download the audit log (CSV)")[::-1]  # oldest first
    steps = [
        (r["Action"].split(":")[0], r["Who"]) for r in audit if r["Action"].startswith(("dispute", "import"))
    ]
    assert steps[-5:] == [("dispute opened", "demo-company"), ("dispute rejected", "demo-admin"),
                          ("dispute opened", "demo-company"), ("dispute upheld", "demo-admin"),
                          ("import", "dashboard:demo-admin")], steps  # the Data page names its writer  # fmt: skip
    staff.context.close()
    company.context.close()
