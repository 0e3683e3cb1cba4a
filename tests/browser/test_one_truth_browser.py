"""One truth after an import through the Data page (issue 19), in a real browser.

Staff upload a file that changes at least three companies' bands, look at what will change
and apply it; then the Overview (screen and CSV), the Company page (metrics, the trajectory's
last point, the rank sentence) and `python -m scoring` all show the new figures, and still do
after the server is restarted. Before the fix the Data page saved the replaced file's scores
under the new file's name, so the leaderboard and the trajectory kept the old ones.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import scoring
from tests.browser.drive import ROOT, click_download, running_server, sign_in, wait_for_app
from tests.one_truth_world import at, band_changing_import, fresh_series


@pytest.fixture(scope="module")
def world(browser_db: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    folder = tmp_path_factory.mktemp("one-truth")
    db = folder / "live.duckdb"
    shutil.copyfile(browser_db, db)
    files, changed = band_changing_import(db)
    upload = folder / "disclosures.csv"
    upload.write_text(files["disclosures.csv"])
    return {"db": db, "upload": upload, "changed": changed}


def _leaderboard_csv(pg, server: str) -> dict[str, tuple[float, str]]:
    pg.goto(f"{server}/overview")
    wait_for_app(pg, timeout=120_000)
    download = click_download(pg, pg.get_by_role("button", name="Download leaderboard (CSV)"), server)
    text = Path(download.path()).read_text(encoding="utf-8")
    rows = csv.DictReader(io.StringIO(text.split("\n", 1)[1]))
    return {r["Company"]: (round(float(r["Overall"]), 1), r["Band"]) for r in rows if r["Overall"]}


def _company_page(pg, server: str, company: str) -> dict[str, object]:
    pg.goto(f"{server}/company?company={company}")
    wait_for_app(pg, timeout=120_000)
    metrics = {}
    for metric in pg.locator("[data-testid='stMetric']").all():
        label = metric.locator("[data-testid='stMetricLabel']").inner_text().strip()
        metrics[label] = metric.locator("[data-testid='stMetricValue']").inner_text().strip()
    last = pg.evaluate(
        """() => { const plot = document.querySelector('.js-plotly-plot');
                   const trace = plot._fullData.find(t => t.name === 'Overall');
                   const ys = Array.from(trace.y).filter(v => v !== null && !Number.isNaN(v));
                   return ys[ys.length - 1]; }"""
    )
    rank = re.search(r"Rank (\d+) of (\d+)", pg.locator("[data-testid='stMain']").inner_text())
    return {"metric": (float(metrics["Overall"]), metrics["Band"]), "trajectory": round(float(last), 1),
            "rank": int(rank.group(1))}  # fmt: skip


def _expected(db: Path, company: str) -> dict[str, object]:
    fresh = fresh_series(db)
    as_of = pd.Timestamp(scoring.last_quarter_end())
    now = fresh[fresh["as_of"] == as_of].dropna(subset=["overall"])
    own = at(fresh, company, as_of)
    overall = round(float(own["overall"]), 1)
    return {"metric": (overall, own["band"]), "trajectory": overall,
            "rank": 1 + int((now["overall"] > own["overall"]).sum())}  # fmt: skip


def _names(db: Path) -> dict[str, str]:
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        return dict(con.execute("SELECT company_id, name FROM companies").fetchall())


def _scoring_cli(db: Path) -> dict[str, tuple[float, str]]:
    done = subprocess.run([sys.executable, "-m", "scoring", "--db", str(db), "--series", "quarterly"], cwd=ROOT,
                          capture_output=True, text=True, check=True)  # fmt: skip
    as_of = scoring.last_quarter_end().isoformat()
    return {r["company_id"]: (round(float(r["overall"]), 1), r["band"])
            for r in csv.DictReader(io.StringIO(done.stdout)) if r["as_of"] == as_of and r["overall"]}  # fmt: skip


def test_a_data_page_import_shows_everywhere_and_after_a_restart(browser, world: dict[str, object]) -> None:
    db, changed = world["db"], world["changed"]
    assert len(changed) >= 3
    names = _names(db)
    with running_server(db) as server:
        ctx = browser.new_context(viewport={"width": 1440, "height": 900}, accept_downloads=True)
        pg = ctx.new_page()
        sign_in(pg, server, "demo-admin", path="/data")
        pg.goto(f"{server}/data")
        wait_for_app(pg)
        before = _leaderboard_csv(pg, server)
        pg.goto(f"{server}/data")
        wait_for_app(pg)
        pg.locator("input[type='file']").set_input_files(str(world["upload"]))
        pg.get_by_role("button", name="Show what will change").click()
        wait_for_app(pg, timeout=120_000)
        pg.get_by_role("button", name="Apply import").click()
        pg.get_by_text("Imported. The summary of what changed:").wait_for(timeout=180_000)
        wait_for_app(pg, timeout=120_000)
        assert "Consistency check passed" in pg.locator("[data-testid='stMain']").inner_text()

        cli = _scoring_cli(db)
        board = _leaderboard_csv(pg, server)
        for company, (old_band, new_band) in changed.items():
            expected = _expected(db, company)
            assert expected["metric"][1] == new_band != old_band
            assert board[names[company]] == expected["metric"] == cli[company], company
            assert before[names[company]] != board[names[company]]
            assert _company_page(pg, server, company) == expected, company
        ctx.close()
    with running_server(db) as server:  # a restarted server reads what is on disk
        ctx = browser.new_context(viewport={"width": 1440, "height": 900}, accept_downloads=True)
        pg = ctx.new_page()
        sign_in(pg, server, "demo-admin")
        board = _leaderboard_csv(pg, server)
        for company in changed:
            expected = _expected(db, company)
            assert board[names[company]] == expected["metric"], company
            assert _company_page(pg, server, company) == expected, company
        ctx.close()
