"""Every company's series kept on disk beside the database file (data/store/series_cache.py)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

import scoring
from data.store import series_cache, writes
from tests import apptest


@pytest.fixture(scope="module")
def evidence(demo_db: Path) -> scoring.Evidence:
    with duckdb.connect(str(demo_db), read_only=True) as con:
        return scoring.load_evidence(con.cursor())


@pytest.mark.parametrize("methodology", ["in-force", "v1", "v2"])
def test_saved_series_reads_back_exactly(evidence, tmp_path: Path, methodology: str) -> None:
    scores = scoring.score(evidence, scoring.series_dates(evidence), methodology)
    db = tmp_path / "cpt.duckdb"
    series_cache.save(db, (1, 2), methodology, scores)
    back = series_cache.load(db, (1, 2), methodology)
    pd.testing.assert_frame_equal(back, scores)
    assert [type(b) for b in back["band"]] == [type(b) for b in scores["band"]]  # None stays None


def test_another_file_or_methodology_is_a_miss_and_old_files_go(evidence, tmp_path: Path) -> None:
    scores = scoring.score(evidence, scoring.series_dates(evidence), "in-force")
    db = tmp_path / "cpt.duckdb"
    series_cache.save(db, (1, 2), "in-force", scores)
    assert series_cache.load(db, (1, 3), "in-force") is None  # the file was replaced
    assert series_cache.load(db, (1, 2), "v1") is None
    assert series_cache.load(db, (1, 2), "in-force", peek=True) is True
    series_cache.save(db, (1, 3), "in-force", scores)
    assert [p.name for p in tmp_path.glob("*.parquet")] == [
        series_cache.cache_path(db, (1, 3), "in-force").name
    ]
    assert series_cache.code_hash() in series_cache.cache_path(db, (1, 3), "in-force").name


def test_a_directory_that_cannot_be_written_only_means_no_cache(evidence, tmp_path: Path) -> None:
    scores = scoring.score(evidence, scoring.series_dates(evidence), "in-force")
    series_cache.save(tmp_path / "missing" / "cpt.duckdb", (1, 2), "in-force", scores)
    assert series_cache.load(tmp_path / "missing" / "cpt.duckdb", (1, 2), "in-force") is None


@pytest.mark.parametrize("methodology", ["in-force", "v1", "v2"])
def test_one_company_scored_alone_is_its_line_of_the_whole_series(evidence, methodology: str) -> None:
    """What the Company page relies on when it scores one company, not every company."""
    dates = scoring.series_dates(evidence)
    every = scoring.score(evidence, dates, methodology)
    for company in ("CO0004", "CO0010", "CO0011", "CO0012"):
        alone = scoring.score(evidence.restrict([company]), dates, methodology).reset_index(drop=True)
        pd.testing.assert_frame_equal(alone, every[every["company_id"] == company].reset_index(drop=True))


def test_a_new_server_reads_the_scores_from_disk(
    writable_demo_app: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import streamlit as st

    first = apptest.open_page("overview", role="admin")
    assert not first.exception
    assert list(writable_demo_app.parent.glob(f"{writable_demo_app.name}.series-in-force-*.parquet"))
    st.cache_data.clear()
    st.cache_resource.clear()  # as a restarted server: nothing in memory

    def no_scoring(*args, **kwargs):
        raise AssertionError("scored again although the series is on disk")

    monkeypatch.setattr(scoring, "score", no_scoring)
    again = apptest.open_page("overview", role="admin")
    assert not again.exception, [e.value for e in again.exception]
    pd.testing.assert_frame_equal(again.dataframe[0].value, first.dataframe[0].value)


def _saved(db: Path) -> list[str]:
    return sorted(p.name for p in db.parent.glob(f"{db.name}.series-*.parquet"))


def _key(db: Path) -> str:
    """The content key of the evidence in the file (what the saved series is named by)."""
    with duckdb.connect(str(db), read_only=True) as con:
        return series_cache.evidence_key(con)


def test_init_and_import_save_the_series_for_the_new_file(tmp_path: Path, capsys) -> None:
    """A new server's first page after `init` or an import reads the series, it does not score it."""
    from data import cli

    db = tmp_path / "cpt.duckdb"
    assert cli.main(["init", "--demo", "--db", str(db)]) == 0
    assert "scored every company's quarterly series for the dashboard" in capsys.readouterr().out
    saved = _saved(db)
    assert saved == [series_cache.cache_path(db, _key(db), "in-force").name]
    back = series_cache.load(db, _key(db), "in-force")
    with duckdb.connect(str(db), read_only=True) as con:
        evidence = scoring.load_evidence(con)
    pd.testing.assert_frame_equal(back, scoring.score(evidence, scoring.series_dates(evidence)))
    assert series_cache.warm(db) is False  # already saved: nothing scored


def test_a_publish_without_new_evidence_keeps_the_saved_series(tmp_path: Path) -> None:
    """Adding an account, an expectation or a new presentation key changes no score:
    the new file's evidence has the same key, so its series is found, not scored again."""
    from data import demo
    from data.access import accounts

    db = tmp_path / "cpt.duckdb"
    writes.create(db, demo.fill_demo)
    assert series_cache.warm(db) is False  # the write path saved it before the file went live
    before = series_cache.load(db, _key(db), "in-force")
    accounts.add_user(db, "new-affiliate", "a long enough passphrase 1", "affiliate",
                      affiliate_id="AF001", who="test")  # fmt: skip
    writes.rotate_presentation_key(db, who="test")
    assert series_cache.load(db, _key(db), "in-force", peek=True) is True
    assert series_cache.warm(db) is False
    pd.testing.assert_frame_equal(series_cache.load(db, _key(db), "in-force"), before)
    assert len(_saved(db)) == 1


def test_an_import_makes_a_new_series(tmp_path: Path) -> None:
    from data import demo

    db = tmp_path / "cpt.duckdb"
    writes.create(db, demo.fill_demo)
    first = _key(db)
    writes.publish(db, lambda con: con.execute("DELETE FROM due_diligence"))
    assert _key(db) != first
    assert series_cache.load(db, _key(db), "in-force", peek=True) is True  # scored before the swap
    assert series_cache.warm(db) is False
    assert _saved(db) == [series_cache.cache_path(db, _key(db), "in-force").name]


def test_the_code_hash_covers_what_scores_and_not_the_wording() -> None:
    """Editing a sentence (wording/narrative.py) keeps the saved series; every module that
    `scoring.score` runs is hashed: the engine and every scoring module it imports."""
    import ast

    engine_imports = set()
    for name in series_cache.SCORING_CODE:
        tree = ast.parse((series_cache.SCORING / name).read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("scoring"):
                parts = node.module.split(".")
                engine_imports |= (
                    {f"{parts[1]}.py"} if len(parts) > 1 else {f"{a.name}.py" for a in node.names}
                )
    assert engine_imports <= set(series_cache.SCORING_CODE)
    assert "narrative.py" not in series_cache.SCORING_CODE and "summary.py" not in series_cache.SCORING_CODE
