"""Right of reply in a real browser (issue 23): a company disputes a finding on its Company
page; staff see it in the Disputes queue and reject it with a reason; the company reads the
reason on its page; the audit log holds each step."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import duckdb
import pytest

from data.queries import disputes
from tests.browser.drive import running_server, sign_in, wait_for_app
from wording import disputes as words

REASON = "This finding concerns a line we closed before the audit; our records show no overtime."
REJECTED = "The monitoring report and the worker interviews both date the overtime after the closure."


@pytest.fixture(scope="module")
def world(browser_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("disputes") / "live.duckdb"
    shutil.copyfile(browser_db, db)
    return db


def _finding(db: Path) -> str:
    with duckdb.connect(str(db), read_only=True) as con:
        found = disputes.points(con.cursor(), "CO0010")
    return words.point_words(found[found["kind"] == "finding"].iloc[0].to_dict())


def _main(pg) -> str:
    return pg.locator("[data-testid='stMain']").inner_text().replace("\u2060", "")  # the joiners after colons


def test_a_company_disputes_a_finding_and_reads_why_staff_rejected_it(browser, world: Path) -> None:
    point = _finding(world)
    with running_server(world) as server:
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
    with duckdb.connect(str(world), read_only=True) as con:
        row = con.execute(
            "SELECT status, reason, resolution, opened_by, resolved_by FROM disputes"
        ).fetchall()
        actions = [a for (a,) in con.execute("SELECT action FROM audit_log WHERE action LIKE 'dispute%' ORDER BY audit_id").fetchall()]  # fmt: skip
    assert row == [("rejected", REASON, REJECTED, "demo-company", "demo-admin")]
    assert actions == ["dispute opened", "dispute rejected"]
