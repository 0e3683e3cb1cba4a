"""A company's rank has one definition (scoring/facts.py `overall_rank`): the leaderboard's Rank
column, filtered or not, and the Company page's rank sentence give every company the same rank."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

import scoring
from scoring import facts
from wording import summary


def test_ties_share_a_rank_and_na_has_none() -> None:
    ranks = facts.overall_rank(pd.Series([50.0, 70.0, 50.0, None, 90.0]))
    assert ranks.tolist() == [3, 2, 3, pd.NA, 1]


@pytest.fixture(scope="module")
def series(demo_db: Path) -> pd.DataFrame:
    with duckdb.connect(str(demo_db), read_only=True) as con:
        evidence = scoring.load_evidence(con)
        roles = con.execute("SELECT company_id, role FROM companies").df()
    scores = scoring.score(evidence, scoring.series_dates(evidence))
    return scores.merge(roles, on="company_id")


def test_leaderboard_and_company_page_agree_on_every_rank(series: pd.DataFrame) -> None:
    as_of = scoring.last_quarter_end()
    board = summary.leaderboard(series, as_of)
    table = summary.board_table(board)
    at = series[series["as_of"] == pd.Timestamp(as_of)]
    for company, rank in zip(table["company_id"], table["Rank"], strict=True):
        peer = summary.peer_context(at, company)
        assert (peer["rank"] is None and pd.isna(rank)) or peer["rank"] == rank, company
    # a filtered leaderboard (an affiliate's own contracts, a category) keeps the ranks
    some = board[board["company_id"].isin(["CO0005", "CO0010", "CO0019"])]
    filtered = summary.board_table(some.reset_index(drop=True))
    for company, rank in zip(filtered["company_id"], filtered["Rank"], strict=True):
        assert summary.peer_context(at, company)["rank"] == rank
