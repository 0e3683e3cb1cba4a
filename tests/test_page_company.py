"""AppTest: the Company page speaks in names and words, for every demo company."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from tests import apptest

# Raw ids of the demo world (data/demo/), internal codes, and what an unformatted
# value looks like on screen.
RAW = re.compile(
    r"\b(?:CO\d{4}|FA\d{5}|PM\d{4}-\d+|RQ\d{6}|CS\d{5}|FN\d{6}|EV\d{7}|CT\d{5}|AF\d{3})\b"
    r"|final_assembly|compliance_findings|\bPARTIAL\b|DUE_DILIGENCE|\bFULL\b|\bNONE\b"
    r"|\bNone\b|\bnan\b|\bNaN\b|\bNaT\b|00:00:00"
)


def shown_text(at: AppTest) -> list[str]:
    """Every text element, metric and table cell (with its header) the page shows."""
    out = []
    for kind in ("title", "caption", "markdown", "info", "error", "warning", "text", "subheader", "header"):
        out += [str(e.value) for e in at.get(kind)]
    out += [f"{m.label} {m.value} {m.proto.delta}" for m in at.metric]
    for df in at.dataframe:
        value = df.value.data if hasattr(df.value, "data") else df.value
        out.append(" | ".join(map(str, value.columns)))
        out += [" | ".join(row) for row in value.astype(str).itertuples(index=False)]
    return out


def markdown_text(at: AppTest) -> str:
    """The Markdown on the page as a reader sees it (escapes and invisible joiners removed)."""
    text = "\n".join(m.value for m in at.markdown)
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text).replace("\u2060", "")


def demo_companies(db: Path) -> list[str]:
    with duckdb.connect(str(db), read_only=True) as con:
        return [r[0] for r in con.execute("SELECT company_id FROM companies ORDER BY company_id").fetchall()]


def test_no_raw_id_code_none_or_time_on_the_company_page_of_any_demo_company(demo_app: Path) -> None:
    at = apptest.open_page("company", role="admin", company="CO0001")
    assert not at.exception
    companies = demo_companies(demo_app)
    assert len(companies) == 25
    for company_id in companies:
        at.selectbox(key="company").set_value(company_id).run()
        assert not at.exception, (company_id, [e.value for e in at.exception])
        leaks = [line for line in shown_text(at) if RAW.search(line)]
        assert not leaks, (company_id, leaks[:5])


@pytest.fixture
def kelvaro(demo_app: Path) -> AppTest:
    at = apptest.open_page("company", company="CO0011", as_of="2023-06-30")
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_the_why_tables_use_names_labels_and_one_decimal(kelvaro: AppTest) -> None:
    requests = next(df.value for df in kelvaro.dataframe if "Asked for" in df.value.columns)
    assert {"Product model", "Due", "Credit", "Weight", "Points", "Why"} <= set(requests.columns)
    assert set(requests["Asked for"]) <= {"Final assembly", "Components", "Compliance findings"}
    assert set(requests["Now"]) <= {
        "Full disclosure",
        "Partial disclosure",
        "Due diligence only",
        "No response",
    }
    assert all(re.fullmatch(r"\d+\.\d", p) for p in requests["Points"])
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d", d) for d in requests["Due"])
    cases = next(df.value for df in kelvaro.dataframe if "Status" in df.value.columns)
    assert set(cases["Status"]) <= {"open", "remediation in progress", "verified", "retaliation"}
    assert "retaliation" in set(cases["Status"])  # Kelvaro's case of 2023-03-16
    assert all(a.isdigit() for a in cases["Age (days)"])
    assert all(re.fullmatch(r"\d+\.\d", s) for s in cases["Score"])


def test_the_change_since_last_quarter_is_said_in_sentences(kelvaro: AppTest) -> None:
    text = markdown_text(kelvaro)
    assert "Since 2023-03-31: Overall" in text
    # the retaliation confirmed in 2023-05 at the Penang factory takes the case to 0
    assert re.search(
        r"FI −\d\.\d: Case at Ironleaf Power Adapter \(Penang\) Sdn\. Bhd\. opened 2023-03-16: ", text
    )
    assert "retaliation confirmed 2023-05-19" in text and "scores 0.0 (was 10.0)" in text


def test_the_change_across_the_methodology_change_is_split(demo_app: Path) -> None:
    at = apptest.open_page("company", company="CO0011", as_of="2022-09-30")
    assert not at.exception
    text = markdown_text(at)
    assert "from the methodology change (v1 → v2: the evidence of 2022-06-30 scores" in text
    assert "from new evidence" in text


def test_peer_context_matches_the_scores_of_every_company(demo_app: Path) -> None:
    import subprocess
    import sys

    at = apptest.open_page("company", company="CO0010", as_of="2024-12-31")
    assert not at.exception
    done = subprocess.run(
        [sys.executable, "-m", "scoring", "--db", str(demo_app), "--as-of", "2024-12-31", "--format", "json"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    import json
    import statistics

    rows = [r for r in json.loads(done.stdout) if r["overall"] is not None]
    own = next(r for r in rows if r["company_id"] == "CO0010")
    rank = 1 + sum(r["overall"] > own["overall"] for r in rows)
    text = markdown_text(at)
    assert f"Rank {rank} of {len(rows)} scored companies by overall score on 2024-12-31." in text
    median = statistics.median(r["overall"] for r in rows)
    assert (
        f"Median overall: {median:.1f} for all scored companies" in text
        or abs(float(re.search(r"Median overall: (\d+\.\d)", text).group(1)) - median) <= 0.05
    )
    assert "scored brands" in text  # Jovance Micro is a brand


def test_the_company_account_lands_on_how_to_improve(demo_app: Path) -> None:
    import scoring
    from wording import narrative

    at = apptest.open_page("company", role="company")
    assert not at.exception, [e.value for e in at.exception]
    assert [s.value for s in at.header][0] == "How to improve"  # first thing under the scores
    as_of = at.selectbox(key="as_of").value
    with duckdb.connect(str(demo_app), read_only=True) as con:
        evidence = scoring.load_evidence(con.cursor(), ["CO0010"])
    listed = scoring.actions(evidence, "CO0010", as_of)
    overall = scoring.score(evidence, [as_of])["overall"].iloc[0]
    plan = scoring.next_band(listed, overall, evidence)
    text = markdown_text(at)
    assert plan is not None
    assert (
        f"To reach {plan.band} ({plan.lower:g} or more) from {narrative.one_decimal(overall)}: these "
        f"{len(plan.actions)} actions together would take the overall score to "
        f"{narrative.one_decimal(plan.overall_after[-1])}." in text
    )
    first = listed.iloc[0]
    gains = narrative.gains_text(first.to_dict())
    assert re.search(
        r"- (Disclose|Complete|Share|Acknowledge|Give|Submit|Have) .*: " + re.escape(gains), text
    )
    table = next(df.value for df in at.dataframe if "What to do" in df.value.columns)
    assert len(table) == len(listed) and list(table["Overall"])[:3] == [
        narrative.signed(g) for g in listed["overall_gain"][:3]
    ]


def test_compare_shows_talking_points_per_company(demo_app: Path) -> None:
    at = apptest.open_page("compare", company="CO0011,CO0010", as_of="2024-12-31")
    assert not at.exception, [e.value for e in at.exception]
    text = markdown_text(at)
    assert "Talking points for the meeting" in [s.value for s in at.header]
    # Kelvaro Networks had retaliation confirmed in 2023 at its Penang factory
    assert (
        "**Retaliation**: Retaliation against workers was confirmed in 1 case: Ironleaf Power Adapter (Penang) "
        "Sdn. Bhd. (report opened 2023-03-16, retaliation confirmed 2023-05-19)" in text
    )
    assert "**Improvement action**: " in text and "Will the company commit to it?" in text
    assert not RAW.search(text), RAW.findall(text)[:5]


def test_the_what_if_is_folded_and_scored_only_when_opened(
    demo_app: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Most visits do not open the v1/v2 what-if: it is not scored or drawn until it is opened,
    and then shows the company's whole history rescored under each version."""
    import base64
    import json

    import numpy as np

    import scoring
    from scoring import engine

    asked: list[str] = []
    original = engine.score

    def counting(evidence, dates, methodology="in-force", company_ids=None):
        asked.append(methodology)
        return original(evidence, dates, methodology, company_ids)

    monkeypatch.setattr(scoring, "score", counting)
    at = apptest.open_page("company", role="affiliate", company="CO0004")
    assert not at.exception
    assert [e.label for e in at.expander if e.label.startswith("What if")] == [
        "What if: the same history under v1 and under v2"
    ]
    assert not [t for t in apptest.chart_titles(at) if t.startswith("Under ")]
    assert "v1" not in asked and "v2" not in asked
    at.session_state["whatif"] = True  # the person opens it
    at.run()
    assert [t for t in apptest.chart_titles(at) if t.startswith("Under ")] == [
        "Under v1 for all dates",
        "Under v2 for all dates",
    ]
    with duckdb.connect(str(demo_app), read_only=True) as con:
        evidence = scoring.load_evidence(con, ["CO0004"])
    for chart in at.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        title = spec["layout"]["title"]["text"]
        if not title.startswith("Under "):
            continue
        version = title.split()[1]
        rescored = original(evidence, scoring.series_dates(evidence), version)
        drawn = [t for t in spec["data"] if t["name"] == "Overall"][0]["y"]
        if isinstance(drawn, dict):  # a typed array
            drawn = np.frombuffer(base64.b64decode(drawn["bdata"]), dtype=drawn["dtype"]).tolist()
        expected = rescored["overall"].tolist()[: len(drawn)]
        assert len(drawn) > 4 and np.allclose(
            np.array(drawn, dtype=float), np.array(expected, dtype=float), equal_nan=True
        ), version
