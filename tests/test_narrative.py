"""Explanations in words (wording.narrative): rounding, labels, tables and change sentences,
on METHODOLOGY.md's worked example."""

from __future__ import annotations

import math
import re

import pytest

import scoring
from tests.worlds import worked_example_world
from wording import narrative

NAMES = narrative.Names(
    {"F1": "Alder Assembly Ltd", "F2": "Birch Works", "F3": "Cedar Cells", "F4": "Dune Boards"},
    {"PM1": "Kestrel Book 14"},
)
RAW = re.compile(
    r"\b(?:EX|PM1|R[1-5]|C[1-3]|F[1-4]|f[1-5]|e[1-7])\b|final_assembly|PARTIAL|DUE_DILIGENCE|\bNone\b|\bnan\b|00:00"
)


@pytest.fixture(scope="module")
def evidence():
    return worked_example_world().evidence()


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (
            84.15,
            "84.2",
        ),  # the float is 84.15000000000000568: half-up, never 84.1 in one place and 84.2 in another
        (84.14999, "84.1"),
        (62.25, "62.3"),  # an exact tie rounds up (Python's format would give 62.2)
        (0.05, "0.1"),
        (-0.04, "0.0"),
        (100.0, "100.0"),
        (float("nan"), "n/a"),
        (None, "n/a"),
    ],
)
def test_one_decimal_rounds_half_up(value, shown) -> None:
    assert narrative.one_decimal(value) == shown


@pytest.mark.parametrize(
    ("value", "shown"), [(4.24, "+4.2"), (-25.25, "−25.3"), (0.04, "±0.0"), (-0.04, "±0.0")]
)
def test_signed_changes_use_a_real_minus(value, shown) -> None:
    assert narrative.signed(value) == shown


def test_request_table_in_words(evidence) -> None:
    why = scoring.explain(evidence, "EX", "2021-12-31", "v1")
    scored, left = narrative.request_table(why, evidence, NAMES)
    assert list(scored["Asked for"]) == ["Final assembly", "Components", "Components"]
    assert list(scored["By the deadline"]) == ["Full disclosure", "No response", "Due diligence only"]
    assert list(scored["Now"]) == ["Full disclosure", "Partial disclosure", "Due diligence only"]
    assert list(scored["Credit"]) == ["100%", "40%", "25%"]
    assert list(scored["Points"]) == ["3.0", "0.8", "0.5"]
    assert (
        scored.at[0, "Evidence"]
        == "Alder Assembly Ltd: complete 2021-03-15; Birch Works: complete 2021-03-20"
    )
    assert "late factor 0.8" in scored.at[1, "Why"]
    assert set(left["Asked for"]) == {"Compliance findings", "Final assembly"}
    assert "not scored under v1" in left.at[0, "Why"]
    for frame in (scored, left):
        assert not RAW.search(frame.to_csv()), frame.to_csv()


def test_case_table_has_status_age_score_and_weight(evidence) -> None:
    why = scoring.explain(evidence, "EX", "2021-12-31", "v1")
    scored, left = narrative.case_table(why, evidence, NAMES)
    assert list(scored["Factory"]) == ["Alder Assembly Ltd", "Birch Works"]
    assert list(scored["Status"]) == ["remediation in progress", "open"]
    assert list(scored["Age (days)"]) == ["333", "121"]  # 2021-02-01 and 2021-09-01 to 2021-12-31
    assert list(scored["Score"]) == ["67.5", "5.0"]
    assert list(scored["Weight"]) == ["3", "1"]
    assert list(scored["Findings verified"]) == ["1 of 3", "0 of 1"]
    assert list(left["Why"]) == ["Opened after the assessment date."]
    assert not RAW.search(scored.to_csv() + left.to_csv())


def test_case_statuses_verified_and_retaliation() -> None:
    w = worked_example_world()
    w.event("C2", "verified", "2021-11-01", "f4")
    w.event("C1", "retaliation_confirmed", "2021-11-02")
    ev = w.evidence()
    facts = narrative.case_facts(scoring.explain(ev, "EX", "2021-12-31", "v1"), ev).set_index("case_id")
    assert facts.at["C1", "status"] == "retaliation"
    assert facts.at["C2", "status"] == "verified"
    assert facts.at["C3", "status"] == "open"


def test_change_sentences_name_the_evidence(evidence) -> None:
    now = scoring.explain(evidence, "EX", "2021-12-31")
    before = scoring.explain(evidence, "EX", "2021-09-30")
    lines = narrative.change_sentences(now, before, evidence, NAMES)
    assert lines[0] == (
        "Since 2021-09-30: Overall +4.4 (52.3 → 56.7), SCT ±0.0 (61.4 → 61.4), FI +8.8 (43.1 → 51.9)."
    )
    # C1's f1 verified: case 57.5 -> 67.5; alone, FI (3*57.5 + 5)/4 = 44.375 -> 51.875 = +7.5
    assert lines[1] == (
        "FI +7.5: Case at Alder Assembly Ltd opened 2021-02-01: remediation verified for 1 finding "
        "(2021-10-01), scores 67.5 (was 57.5)."
    )
    assert lines[2] == (
        "FI +1.3: Case at Birch Works opened 2021-09-01: acknowledged the report 2021-10-15, scores 5.0 (was 0.0)."
    )
    assert len(lines) == 3


def test_change_sentences_new_case_and_request_due(evidence) -> None:
    now = scoring.explain(evidence, "EX", "2022-03-31")
    before = scoring.explain(evidence, "EX", "2021-12-31")
    lines = narrative.change_sentences(now, before, evidence, NAMES)
    assert (
        "SCT −18.4: Request for the final-assembly factories of Kestrel Book 14 fell due 2022-03-31 with no "
        "response: credit 0%." in lines
    )
    assert "FI −17.3: New major case at Cedar Cells opened 2022-01-15 scores 0.0." in lines


def test_change_across_the_methodology_change_is_split(evidence) -> None:
    now = scoring.explain(evidence, "EX", "2022-09-30")  # v2 in force
    before = scoring.explain(evidence, "EX", "2022-06-30")  # v1 in force
    rescored = scoring.explain(evidence, "EX", "2022-06-30", "v2")
    lines = narrative.change_sentences(now, before, evidence, NAMES, rescored)
    method = rescored.overall - before.overall
    evidence_part = now.overall - rescored.overall
    assert math.isclose(method + evidence_part, now.overall - before.overall)
    overall = next(line for line in lines if line.startswith("Overall "))
    assert overall == (
        f"Overall {narrative.signed(now.overall - before.overall)}: {narrative.signed(method)} from the "
        f"methodology change (v1 → v2: the evidence of 2022-06-30 scores {narrative.one_decimal(rescored.overall)} "
        f"under v2 instead of {narrative.one_decimal(before.overall)} under v1), "
        f"{narrative.signed(evidence_part)} from new evidence."
    )
    assert lines[-1] == "No request or case changed its contribution under the new version."
