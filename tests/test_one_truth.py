"""One truth after every write (DESIGN.md; issue 19): every write goes through data/store/writes.py, the
saved series is keyed by the evidence it was computed from, and every page shows the new figures.

The defect these pin down: the Data page imports inside the server process, which holds the
live file open; scoring "the new file" by opening its path there handed back DuckDB's instance
of the *replaced* file, so the old scores were saved under the new file's name and every page
that reads the series (Overview, trajectory, rank) kept showing them, also after a restart.
"""

from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st_

import scoring
from data import cli, store
from data.importing import importer
from data.queries import expectations
from data.store import series_cache, writes
from tests import apptest
from tests.one_truth_world import at, band_changing_import, fresh_series, saved_series

ROOT = Path(__file__).resolve().parent.parent


def assert_saved_is_fresh(db: Path) -> None:
    saved = saved_series(db)
    assert saved is not None, "no series saved for the live file's evidence"
    assert series_cache.compare(saved, fresh_series(db)) is None


def page_import(db: Path, files: dict[str, str]) -> importer.ImportPlan:
    """An import as the Data page applies it: in a process that holds the live file open."""
    reader = store.Reader(db)
    try:
        reader.cursor().execute("SELECT count(*) FROM companies").fetchall()
        plan = importer.apply_import(db, [(n, t.encode()) for n, t in files.items()], who="dashboard:test")
        assert plan.applied, plan.errors
        return plan
    finally:
        reader.close()


@pytest.fixture
def db(demo_db: Path, tmp_path: Path) -> Path:
    path = tmp_path / "live.duckdb"
    shutil.copyfile(demo_db, path)
    series_cache.warm(path)
    return path


def test_an_import_in_a_process_that_holds_the_file_open_saves_the_new_series(db: Path) -> None:
    files, changed = band_changing_import(db)
    assert len(changed) == 3
    page_import(db, files)
    assert_saved_is_fresh(db)
    saved, as_of = saved_series(db), scoring.last_quarter_end()
    for company, (_, band) in changed.items():
        assert at(saved, company, as_of)["band"] == band


def test_a_saved_series_of_other_evidence_is_never_served(db: Path, tmp_path: Path) -> None:
    """A series file renamed (or copied) to the name of another file's evidence is a miss."""
    con = duckdb.connect(str(db), read_only=True)
    key = series_cache.evidence_key(con)
    con.close()
    assert series_cache.load(db, key, "in-force", peek=True)
    other = series_cache.cache_path(db, "0" * 20, "in-force")
    shutil.copyfile(series_cache.cache_path(db, key, "in-force"), other)
    assert series_cache.load(db, "0" * 20, "in-force") is None


def test_the_evidence_key_follows_the_content_not_the_file(db: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.duckdb"
    shutil.copyfile(db, copy)

    def key(path: Path) -> str:
        with duckdb.connect(str(path), read_only=True) as con:
            return series_cache.evidence_key(con)

    assert key(copy) == key(db)  # another file, the same evidence
    writes.publish(copy, lambda con: con.execute("UPDATE events SET event_date = event_date + 1 WHERE event_id = (SELECT min(event_id) FROM events)"))  # fmt: skip
    assert key(copy) != key(db)
    before = key(db)  # an account or a presentation key changes no evidence
    writes.publish(db, lambda con: con.execute("INSERT INTO audit_log (who, action, detail) VALUES ('t', 'note', 'x')"))  # fmt: skip
    assert key(db) == before


def test_every_write_leaves_a_saved_series_equal_to_a_fresh_scoring(db: Path) -> None:
    files, _ = band_changing_import(db)
    page_import(db, files)
    assert_saved_is_fresh(db)
    expectations.add(db, affiliate_id="AF001", company_id="CO0001", what="overall", target="60",
                     due_on=pd.Timestamp("2027-06-30").date(), note=None, who="t")  # fmt: skip
    assert_saved_is_fresh(db)
    writes.restore(db, store.list_backups(db)[1])  # the file before the import
    assert_saved_is_fresh(db)
    assert series_cache.compare(saved_series(db), fresh_series(db)) is None


def _last_y(spec: dict, name: str) -> float:
    trace = next(t for t in spec["data"] if t.get("name") == name)
    y = trace["y"]
    values = np.frombuffer(base64.b64decode(y["bdata"]), dtype=y["dtype"]) if isinstance(y, dict) else y
    return float(values[-1])


def _shown(db: Path, company: str) -> dict[str, object]:
    """What the Overview (screen) and the Company page (metrics, trajectory, rank) show."""
    overview = apptest.open_page("overview", role="admin", db=db)
    assert not overview.exception
    board = overview.dataframe[0].value
    row = board[board["company_id"] == company].iloc[0]
    page = apptest.open_page("company", role="admin", db=db, company=company)
    assert not page.exception
    metrics = {m.label: m.value for m in page.metric}
    spec = json.loads(page.get("plotly_chart")[0].proto.spec)
    rank = next(re.search(r"Rank (\d+) of (\d+)", m.value) for m in page.markdown if "Rank " in m.value)
    return {
        "overview": (round(float(row["Overall"]), 1), row["Band"]),
        "metric": (float(metrics["Overall"]), metrics["Band"]),
        "trajectory": round(_last_y(spec, "Overall"), 1),
        "rank": int(rank.group(1)),
    }


def _expected(db: Path, company: str) -> dict[str, object]:
    fresh = fresh_series(db)
    as_of = scoring.last_quarter_end()
    now = fresh[fresh["as_of"] == pd.Timestamp(as_of)].dropna(subset=["overall"])
    own = at(fresh, company, as_of)
    rank = 1 + int((now["overall"] > own["overall"]).sum())
    overall = round(float(own["overall"]), 1)
    return {
        "overview": (overall, own["band"]),
        "metric": (overall, own["band"]),
        "trajectory": overall,
        "rank": rank,
    }


def _compare_and_changes_agree(db: Path, companies: list[str]) -> None:
    """Compare's table and What changed's band changes show the fresh bands and scores."""
    fresh = fresh_series(db)
    as_of = scoring.last_quarter_end()
    compare = apptest.open_page("compare", role="admin", db=db, company=",".join(companies))
    assert not compare.exception
    table = compare.dataframe[0].value.set_index("company_id")
    for company in companies:
        own = at(fresh, company, as_of)
        assert round(float(table.at[company, "Overall"]), 2) == round(float(own["overall"]), 2)
        assert table.at[company, "Band"] == own["band"]
    changes = apptest.open_page("changes", role="admin", db=db)
    assert not changes.exception
    with duckdb.connect(str(db), read_only=True) as con:
        ids = {name: cid for cid, name in con.execute("SELECT company_id, name FROM companies").fetchall()}
    if not len(changes.dataframe):  # nothing changed for the affiliate the page shows staff
        assert any("Nothing changed" in i.value for i in changes.info), [i.value for i in changes.info]
        return
    rows = changes.dataframe[0].value
    bands = rows[(rows["kind"] == "band change") & (rows["date"].astype(str) == as_of.isoformat())]
    for name, text in zip(bands["company"], bands["change"], strict=True):
        assert text.endswith("→ " + at(fresh, ids[name], as_of)["band"]), (name, text)


def test_pages_show_the_new_figures_after_an_import_in_the_server_process(
    writable_demo_app: Path,
) -> None:
    import streamlit as st

    db = writable_demo_app
    files, changed = band_changing_import(db)
    first = next(iter(changed))
    assert _shown(db, first) == _expected(db, first)
    _compare_and_changes_agree(db, list(changed))
    importer.apply_import(db, [(n, t.encode()) for n, t in files.items()], who="dashboard:test")
    for company in changed:
        assert _shown(db, company) == _expected(db, company)
    _compare_and_changes_agree(db, list(changed))
    st.cache_data.clear()
    st.cache_resource.clear()  # a restarted server: only what is on disk
    for company in changed:
        assert _shown(db, company) == _expected(db, company)


def test_pages_show_the_new_figures_after_a_cli_import_and_a_restore(
    writable_demo_app: Path, tmp_path: Path
) -> None:
    db = writable_demo_app
    files, changed = band_changing_import(db, start=5)
    company = next(iter(changed))
    before = _shown(db, company)
    folder = tmp_path / "files"
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text)
    done = subprocess.run([sys.executable, "-m", "data", "import", "--db", str(db), str(folder)],
                          cwd=ROOT, capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 0, done.stderr
    after = _shown(db, company)  # the open server, at its next run
    assert after == _expected(db, company) and after != before
    done = subprocess.run([sys.executable, "-m", "data", "restore", "--db", str(db), "--latest"],
                          cwd=ROOT, capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert _shown(db, company) == _expected(db, company) == before


# ---------------------------------------------------------------- random sequences of writes

WRITES = ["page import", "cli import", "expectation", "restore"]


@settings(max_examples=4, deadline=None, phases=[Phase.explicit, Phase.generate],  # a failing sequence is short already
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(steps=st_.lists(st_.tuples(st_.sampled_from(WRITES), st_.integers(0, 20)), min_size=5, max_size=5))
def test_random_writes_keep_the_saved_series_equal_to_a_fresh_scoring(
    demo_db: Path, tmp_path_factory: pytest.TempPathFactory, steps: list[tuple[str, int]]
) -> None:
    db = tmp_path_factory.mktemp("writes") / "live.duckdb"
    shutil.copyfile(demo_db, db)
    series_cache.warm(db)
    for kind, n in steps:
        if kind in ("page import", "cli import"):
            files, changed = band_changing_import(db, n=1 + n % 3, start=n)
            if not changed:  # every company from `start` on already changed its band
                continue
            if kind == "page import":
                page_import(db, files)
            else:
                folder = db.parent / f"import-{n}"
                folder.mkdir(exist_ok=True)
                for name, text in files.items():
                    (folder / name).write_text(text)
                assert cli.main(["import", "--db", str(db), str(folder)]) == 0
        elif kind == "expectation":
            expectations.add(db, affiliate_id="AF001", company_id=f"CO{1 + n:04d}", what="overall",
                             target=str(40 + n), due_on=pd.Timestamp("2027-06-30").date(), note=None, who="t")  # fmt: skip
        elif store.list_backups(db):
            writes.restore(db, store.list_backups(db)[-1])
        assert_saved_is_fresh(db)


# ---------------------------------------------------------------- python -m data check


def test_check_passes_on_the_demo_and_names_the_first_tampered_company_and_date(db: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "data", "check", "--db", str(db)], cwd=ROOT,
                          capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "equals a fresh scoring" in done.stdout
    with duckdb.connect(str(db), read_only=True) as con:
        key = series_cache.evidence_key(con)
    saved = series_cache.load(db, key, "in-force")
    target = saved.index[(saved["company_id"] == "CO0005") & (saved["as_of"] == pd.Timestamp("2025-06-30"))][
        0
    ]
    saved.loc[target, "overall"] += 9.0
    series_cache.save(db, key, "in-force", saved)
    done = subprocess.run([sys.executable, "-m", "data", "check", "--db", str(db)], cwd=ROOT,
                          capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 1
    assert "CO0005 at 2025-06-30: overall" in done.stderr
    assert "Traceback" not in done.stderr
    done = subprocess.run([sys.executable, "-m", "data", "check", "--db", str(db), "--repair"], cwd=ROOT,
                          capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 0
    assert_saved_is_fresh(db)
