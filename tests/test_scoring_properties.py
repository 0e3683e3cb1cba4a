"""Properties of the scores on random small worlds, and set-based == naive reference."""

from __future__ import annotations

import math
from datetime import date, timedelta

import duckdb
import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import scoring
from data.store import create_schema
from scoring import engine
from tests.random_world import CASE_EVENTS, DATES, FAST, FINDING_EVENTS, dedupe, worlds
from tests.scoring_reference import reference_score
from tests.worlds import World


def assert_same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    assert a["company_id"].tolist() == b["company_id"].tolist()
    assert a["as_of"].tolist() == b["as_of"].tolist()
    assert a["methodology"].tolist() == b["methodology"].tolist()
    for col in ("sct", "fi", "overall"):
        x, y = a[col].to_numpy(dtype=float), b[col].to_numpy(dtype=float)
        assert (np.isnan(x) == np.isnan(y)).all(), col
        assert np.allclose(x[~np.isnan(x)], y[~np.isnan(y)], rtol=0, atol=1e-9), col
    assert a["band"].fillna("-").tolist() == b["band"].fillna("-").tolist()


def sql_scores(evidence: scoring.Evidence, dates, methodology: str = "in-force") -> pd.DataFrame:
    """SCT and FI from the SQL rules that `explain()` shows (scoring/queries/
    request_assessments.sql and case_assessments.sql, every item at every date), summed
    per company: `score()` applies the same rules with numpy and must agree."""
    grid = engine.assessments(dates, methodology)
    with engine.scoring_connection(evidence, grid) as con:
        return con.execute(
            """
            WITH sct AS (
                SELECT company_id, as_of, 100 * sum(weight * credit) / sum(weight) AS sct
                FROM request_assessments WHERE scorable GROUP BY ALL
            ),
            fi AS (
                SELECT company_id, as_of, sum(case_weight * case_score) / sum(case_weight) AS fi
                FROM case_assessments WHERE scorable GROUP BY ALL
            )
            SELECT c.company_id, a.as_of, s.sct, f.fi
            FROM companies c
            CROSS JOIN assessments a
            LEFT JOIN sct s ON s.company_id = c.company_id AND s.as_of = a.as_of
            LEFT JOIN fi f ON f.company_id = c.company_id AND f.as_of = a.as_of
            ORDER BY c.company_id, a.as_of
            """
        ).df()


def assert_sql_rules_agree(evidence: scoring.Evidence, dates, methodology: str) -> None:
    got = scoring.score(evidence, dates, methodology)
    sql = sql_scores(evidence, dates, methodology)
    assert got["company_id"].tolist() == sql["company_id"].tolist()
    assert got["as_of"].tolist() == sql["as_of"].tolist()
    for col in ("sct", "fi"):
        x, y = got[col].to_numpy(dtype=float), sql[col].to_numpy(dtype=float)
        assert (np.isnan(x) == np.isnan(y)).all(), col
        assert np.allclose(x[~np.isnan(x)], y[~np.isnan(y)], rtol=0, atol=1e-9), col


@FAST
@given(worlds(), st.sampled_from(["in-force", "v1", "v2"]))
def test_set_based_equals_naive(world: World, methodology: str) -> None:
    evidence = dedupe(world).evidence()
    assert_same(scoring.score(evidence, DATES, methodology), reference_score(evidence, DATES, methodology))


@FAST
@given(worlds(), st.sampled_from(["in-force", "v1", "v2"]))
def test_sql_rules_equal_numpy_rules(world: World, methodology: str) -> None:
    """The rules are written twice (numpy for score, SQL for explain): they must agree."""
    assert_sql_rules_agree(dedupe(world).evidence(), DATES, methodology)


@FAST
@given(worlds())
def test_scores_within_0_and_100(world: World) -> None:
    out = scoring.score(dedupe(world).evidence(), DATES)
    for col in ("sct", "fi", "overall"):
        values = out[col].dropna()
        assert ((values >= 0) & (values <= 100 + 1e-9)).all(), col
    assert (out["band"].isna() == out["overall"].isna()).all()


@FAST
@given(worlds(), st.data())
def test_responding_to_an_unanswered_due_request_never_lowers_sct(world: World, data: st.DataObject) -> None:
    world = dedupe(world)
    unanswered = [
        r
        for r in world.rows["disclosure_requests"]
        if not any(x[0] == r[0] for x in world.rows["disclosures"] + world.rows["due_diligence"])
    ]
    if not unanswered:
        return
    request_id, company, _, _, requested_on, due_on = data.draw(st.sampled_from(unanswered))
    before = scoring.score(world.evidence(), DATES).set_index(["company_id", "as_of"])
    if data.draw(st.booleans()):
        on = requested_on + timedelta(days=data.draw(st.integers(0, 600)))
        world.due_diligence(request_id, on)
    else:  # a complete disclosure on time
        on = requested_on + timedelta(days=data.draw(st.integers(0, (due_on - requested_on).days)))
        world.disclosure(request_id, "FNEW", on, True)
    after = scoring.score(world.evidence(), DATES).set_index(["company_id", "as_of"])
    # At every date: an early response never lowers a score either (METHODOLOGY.md section 1).
    for as_of in DATES:
        key = (company, pd.Timestamp(as_of))
        b, a = before.loc[key, "sct"], after.loc[key, "sct"]
        assert math.isnan(b) or a >= b - 1e-9


def test_early_due_diligence_never_lowers_sct() -> None:
    """METHODOLOGY.md: before its deadline a request counts only when it is already FULL,
    so early due diligence (credit 0.25) leaves an SCT of 100 alone until the deadline,
    and counts from the deadline on."""
    w = World()
    w.request("A", "X", "final_assembly", "2021-03-31")
    w.disclosure("A", "F1", "2021-03-01", True)
    w.request("B", "X", "final_assembly", "2021-12-31")
    before = scoring.score(w.evidence(), [date(2021, 6, 30)])["sct"].iloc[0]
    w.due_diligence("B", "2021-05-01")
    after = scoring.score(w.evidence(), [date(2021, 6, 30), date(2021, 12, 31)])["sct"].tolist()
    assert (before, after) == (100.0, [100.0, pytest.approx(100 * (3 + 0.75) / 6)])


@FAST
@given(worlds(), st.data())
def test_an_early_response_never_lowers_sct(world: World, data: st.DataObject) -> None:
    """Any response (complete or partial disclosure, due diligence) dated before the
    deadline, to a request without one, never lowers the SCT at any date."""
    world = dedupe(world)
    unanswered = [
        r
        for r in world.rows["disclosure_requests"]
        if not any(x[0] == r[0] for x in world.rows["disclosures"] + world.rows["due_diligence"])
        and r[5] > r[4]
    ]
    if not unanswered:
        return
    request_id, company, _, _, requested_on, due_on = data.draw(st.sampled_from(unanswered))
    before = scoring.score(world.evidence(), DATES).set_index(["company_id", "as_of"])
    on = requested_on + timedelta(days=data.draw(st.integers(0, (due_on - requested_on).days - 1)))
    kind = data.draw(st.sampled_from(["due_diligence", "partial", "complete"]))
    if kind == "due_diligence":
        world.due_diligence(request_id, on)
    else:
        world.disclosure(request_id, "FNEW", on, kind == "complete")
    after = scoring.score(world.evidence(), DATES).set_index(["company_id", "as_of"])
    b, a = before.loc[company, "sct"].to_numpy(), after.loc[company, "sct"].to_numpy()
    assert (a[~np.isnan(b)] >= b[~np.isnan(b)] - 1e-9).all()


@FAST
@given(worlds(), st.data())
def test_non_retaliation_events_never_lower_fi(world: World, data: st.DataObject) -> None:
    world = dedupe(world)
    cases = world.rows["cases"]
    if not cases:
        return
    case_id, company, _, opened_on, _ = data.draw(st.sampled_from(cases))
    findings = [f[0] for f in world.rows["findings"] if f[1] == case_id]
    before = scoring.score(world.evidence(), DATES).set_index(["company_id", "as_of"])
    on = opened_on + timedelta(days=data.draw(st.integers(0, 500)))
    if findings and data.draw(st.booleans()):
        world.event(
            case_id, data.draw(st.sampled_from(FINDING_EVENTS)), on, data.draw(st.sampled_from(findings))
        )
    else:
        world.event(case_id, data.draw(st.sampled_from(CASE_EVENTS[:3])), on)
    after = scoring.score(world.evidence(), DATES).set_index(["company_id", "as_of"])
    b, a = before.loc[company, "fi"].to_numpy(), after.loc[company, "fi"].to_numpy()
    assert (np.isnan(b) == np.isnan(a)).all()
    assert (a[~np.isnan(a)] >= b[~np.isnan(b)] - 1e-9).all()


@pytest.fixture(scope="module")
def demo_evidence() -> scoring.Evidence:
    import data.demo

    con = duckdb.connect()
    create_schema(con)
    data.demo.fill_demo(con, scale=1)
    try:
        return scoring.load_evidence(con)
    finally:
        con.close()


@pytest.mark.parametrize("methodology", ["in-force", "v1", "v2"])
def test_set_based_equals_naive_on_demo_world(demo_evidence: scoring.Evidence, methodology: str) -> None:
    dates = scoring.series_dates(demo_evidence)
    assert len(dates) > 8 and len(demo_evidence.companies) > 10
    got = scoring.score(demo_evidence, dates, methodology)
    assert_same(got, reference_score(demo_evidence, dates, methodology))
    assert got["overall"].notna().any()


@pytest.mark.parametrize("methodology", ["in-force", "v1", "v2"])
def test_sql_rules_equal_numpy_rules_on_demo_world(demo_evidence: scoring.Evidence, methodology: str) -> None:
    assert_sql_rules_agree(demo_evidence, scoring.series_dates(demo_evidence), methodology)


def test_explain_matches_score_on_demo_world(demo_evidence: scoring.Evidence) -> None:
    dates = scoring.series_dates(demo_evidence)
    series = scoring.score(demo_evidence, dates)
    for company in demo_evidence.companies["company_id"][:5]:
        for as_of in (dates[len(dates) // 2], dates[-1]):
            x = scoring.explain(demo_evidence, company, as_of)
            row = series[(series["company_id"] == company) & (series["as_of"] == pd.Timestamp(as_of))].iloc[0]
            for a, b in ((x.sct, row["sct"]), (x.fi, row["fi"]), (x.overall, row["overall"])):
                assert (math.isnan(a) and math.isnan(b)) or a == pytest.approx(b, abs=1e-9)
            assert len(x.requests) == (demo_evidence.disclosure_requests["company_id"] == company).sum()


@pytest.mark.parametrize("methodology", ["in-force", "v2"])
@pytest.mark.parametrize("batch", [1, 3, 7])
def test_scoring_in_batches_of_companies_gives_the_same_series(
    demo_evidence: scoring.Evidence, methodology: str, batch: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Large worlds are scored a batch of companies at a time (to bound memory): the same frame."""
    dates = scoring.series_dates(demo_evidence)
    whole = scoring.score(demo_evidence, dates, methodology)
    monkeypatch.setattr(engine, "BATCH_COMPANIES", batch)
    batched = scoring.score(demo_evidence, dates, methodology)
    assert len(demo_evidence.companies) > batch
    pd.testing.assert_frame_equal(batched, whole)


@pytest.mark.parametrize("methodology", ["in-force", "v1", "v2"])
def test_a_date_of_the_series_scores_as_that_date_alone(
    demo_evidence: scoring.Evidence, methodology: str
) -> None:
    """Peer ranks read the shared series at a quarter end instead of scoring every company again."""
    dates = scoring.series_dates(demo_evidence)
    series = scoring.score(demo_evidence, dates, methodology)
    for as_of in (dates[3], dates[len(dates) // 2], dates[-1]):
        alone = scoring.score(demo_evidence, [as_of], methodology)
        at = series[series["as_of"] == pd.Timestamp(as_of)].reset_index(drop=True)
        pd.testing.assert_frame_equal(at, alone)
