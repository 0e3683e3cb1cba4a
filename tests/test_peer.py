"""Peer context: a company's rank and the medians of all scored companies and of its role."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from wording import summary

SCORES = pd.DataFrame(
    {
        "company_id": ["A", "B", "C", "D", "E", "F"],
        "role": ["brand", "brand", "contractor", "brand", "contractor", "reseller"],
        "overall": [80.0, 60.0, 60.0, 40.0, 20.0, np.nan],
    }
)


def test_rank_and_medians() -> None:
    peer = summary.peer_context(SCORES, "D")
    assert peer == {
        "rank": 4, "scored": 5, "median": 60.0, "role": "brand", "role_scored": 3, "role_median": 60.0,
    }  # fmt: skip


def test_ties_share_a_rank_and_n_a_is_not_ranked() -> None:
    assert summary.peer_context(SCORES, "B")["rank"] == summary.peer_context(SCORES, "C")["rank"] == 2
    peer = summary.peer_context(SCORES, "F")
    assert peer["rank"] is None and peer["role_scored"] == 0 and peer["role_median"] is None


def test_peer_sentence() -> None:
    text = summary.peer_sentence(summary.peer_context(SCORES, "E"), date(2024, 12, 31))
    assert text == (
        "Rank 5 of 5 scored companies by overall score on 2024-12-31. "
        "Median overall: 60.0 for all scored companies, 40.0 for the 2 scored contractors."
    )
    assert summary.peer_sentence(summary.peer_context(SCORES, "F"), date(2024, 12, 31)).startswith(
        "Not ranked on 2024-12-31: no overall score yet (5 companies are scored)."
    )
