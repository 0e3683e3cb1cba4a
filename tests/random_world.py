"""Random evidence worlds for the property tests (hypothesis strategies), shared by
tests/test_scoring_properties.py and tests/test_scoring_actions.py."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

import scoring
from tests.worlds import World

START = date(2020, 1, 1)
DATES = scoring.quarter_ends(START, date(2024, 12, 31))
SCOPES = ("final_assembly", "components", "compliance_findings")
SEVERITIES = ("minor", "major", "critical")
CASE_EVENTS = ("acknowledged", "access_granted", "plan_submitted", "retaliation_confirmed")
FINDING_EVENTS = ("evidence_submitted", "verified")

days = st.integers(min_value=0, max_value=5 * 365)


@st.composite
def worlds(draw: st.DrawFn) -> World:
    """A few companies with random requests, responses, cases, findings and events."""
    w = World()
    for c in range(draw(st.integers(1, 3))):
        company = w.company(f"C{c}")
        for r in range(draw(st.integers(0, 4))):
            rid = f"{company}R{r}"
            requested = START + timedelta(days=draw(days))
            due = requested + timedelta(days=draw(st.integers(0, 400)))
            w.request(rid, company, draw(st.sampled_from(SCOPES)), due, requested)
            for i in range(draw(st.integers(0, 3))):
                on = requested + timedelta(days=draw(st.integers(0, 600)))
                w.disclosure(rid, f"F{i}", on, draw(st.booleans()))
                # later rows for the same factory: a partial completed (or undone) later
                for _ in range(draw(st.integers(0, 2))):
                    on += timedelta(days=draw(st.integers(1, 300)))
                    w.disclosure(rid, f"F{i}", on, draw(st.booleans()))
            for on in sorted(
                {
                    requested + timedelta(days=draw(st.integers(0, 600)))
                    for _ in range(draw(st.integers(0, 2)))
                }
            ):
                w.due_diligence(rid, on)
        for k in range(draw(st.integers(0, 3))):
            cid = f"{company}K{k}"
            opened = START + timedelta(days=draw(days))
            w.case(cid, company, opened)
            findings = [
                w.finding(f"{cid}f{i}", cid, draw(st.sampled_from(SEVERITIES)))
                for i in range(draw(st.integers(0, 3)))
            ]
            for _ in range(draw(st.integers(0, 5))):
                on = opened + timedelta(days=draw(st.integers(0, 500)))
                if findings and draw(st.booleans()):
                    w.event(cid, draw(st.sampled_from(FINDING_EVENTS)), on, draw(st.sampled_from(findings)))
                else:
                    w.event(cid, draw(st.sampled_from(CASE_EVENTS)), on)
    return w


def dedupe(w: World) -> World:
    """Drop rows that would break a primary key (same disclosure twice)."""
    seen: set = set()
    rows = []
    for row in w.rows["disclosures"]:
        if row[:3] not in seen:
            seen.add(row[:3])
            rows.append(row)
    w.rows["disclosures"] = rows
    return w


FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
