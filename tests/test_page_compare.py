"""AppTest: Compare gives each company its reasons, a link to its page and every component
against the medians; the Company page shows the summary lines and how each score is made;
How to improve says who asked, by when and what counts. Expected numbers are computed here
from the engine's explanations and the scored series, not read from the product's breakdown."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

import scoring
from data.presentation import pseudonyms
from scoring import params
from tests import apptest
from tests.presentation_check import leaks, payload, secrets_of
from wording import narrative

AS_OF = date(2023, 6, 30)
CHOSEN = ["CO0001", "CO0011", "CO0012"]
LABELS = {"final_assembly": "Disclosure: final assembly", "components": "Disclosure: components",
          "compliance_findings": "Disclosure: compliance findings", "ack_points": "Acknowledging reports",
          "access_points": "Access for monitors", "plan_points": "Remediation plans",
          "evidence_points": "Remediation evidence", "verified_points": "Verified remediation"}  # fmt: skip


def one(x: float | None) -> str:
    return "n/a" if x is None or pd.isna(x) else f"{x:.1f}"


def reader_text(at) -> str:
    text = "\n".join(m.value for m in at.markdown)
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text).replace("\u2060", "")


@pytest.fixture(scope="module")
def world(demo_db: Path) -> dict[str, object]:
    with duckdb.connect(str(demo_db), read_only=True) as con:
        ev = scoring.load_evidence(con.cursor())
        companies = con.execute("SELECT company_id, name, role FROM companies").df()
    return {"evidence": ev, "companies": companies.set_index("company_id")}


def components(why) -> dict[str, float]:
    """A company's component points, by this test's own arithmetic over the explanation."""
    out: dict[str, float] = {}
    r = why.requests[why.requests["status"] == "scored"]
    for scope in LABELS:
        part = r[r["scope"] == scope]
        if len(part):
            out[LABELS[scope]] = 100 * (part["weight"] * part["credit"]).sum() / r["weight"].sum()
    c = why.cases[why.cases["status"] == "scored"]
    if len(c):
        for column in ("ack_points", "access_points", "plan_points", "evidence_points", "verified_points"):
            out[LABELS[column]] = (c["case_weight"] * c[column]).sum() / c["case_weight"].sum()
    return out


def breakdown_table(at) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if "Component" in d.value.columns)


def test_compare_gives_reasons_links_and_the_breakdown_against_the_medians(demo_app: Path, world) -> None:
    at = apptest.open_page("compare", company=",".join(CHOSEN), as_of=AS_OF.isoformat())
    assert not at.exception, [e.value for e in at.exception]
    ev, companies = world["evidence"], world["companies"]
    text = reader_text(at)
    for company_id in CHOSEN:  # the sentences of the Company page and the PDF, for every company
        why = scoring.explain(ev, company_id, AS_OF)
        for line in narrative.why_summary(why, ev.restrict([company_id])):
            assert line in text, (company_id, line)
    urls = [b.proto.url for b in at.get("link_button")]
    assert urls == [f"company?as_of={AS_OF}&company={c}" for c in CHOSEN]

    # The scored series at the date, and every company's components, computed here.
    series = scoring.score(ev, [AS_OF]).merge(companies[["role"]], left_on="company_id", right_index=True)
    parts = {c: components(scoring.explain(ev, c, AS_OF)) for c in companies.index}
    table = breakdown_table(at)
    for company_id in CHOSEN:
        name, role = companies.loc[company_id, "name"], companies.loc[company_id, "role"]
        own = table[table["Company"] == name].set_index(["Score", "Component"])
        same_role = series["role"] == role
        for score, label in (
            ("sct", "Supply Chain Transparency"),
            ("fi", "Factory Improvement"),
            ("overall", "Overall"),
        ):
            row = own.loc[(label, "Score (total)")]
            assert row["Points"] == one(series.set_index("company_id").loc[company_id, score])
            assert row["Median, all companies"] == one(series[score].median())
            assert row["Median, same role"] == one(series[same_role][score].median())
        for component, points in parts[company_id].items():
            score = (
                "Supply Chain Transparency" if component.startswith("Disclosure") else "Factory Improvement"
            )
            row = own.loc[(score, component)]
            assert row["Points"] == one(points), (company_id, component)
            applies = [p[component] for p in parts.values() if component in p]
            same = [parts[c][component] for c in companies.index if companies.loc[c, "role"] == role and component in parts[c]]  # fmt: skip
            assert row["Median, all companies"] == one(pd.Series(applies).median()), component
            assert row["Median, same role"] == one(pd.Series(same).median()), component
        fi_rows = own.loc["Factory Improvement"] if "Factory Improvement" in own.index else None
        if fi_rows is not None and len(fi_rows) > 1:
            maxima = fi_rows.drop("Score (total)")["Maximum"].tolist()
            m = params.VERSIONS["v2"]
            assert maxima[:5] == [one(m.ack_on_time_points), one(m.access_points), one(m.plan_points),
                                  one(m.evidence_points), one(m.verified_points)]  # fmt: skip

    chart = at.get("plotly_chart")[-1].proto.spec
    assert "Points per component" in chart and "Median, all scored companies" in chart
    rows = list(csv.reader(io.StringIO(apptest.download(at, "download_breakdown").decode("utf-8"))))
    assert rows[0][0].startswith("# ") and "component breakdown" in rows[0][0]
    header = rows[1]
    assert header[:5] == ["Company id", "Company", "Score", "Component", "Points"]
    kelvaro = [dict(zip(header, r, strict=True)) for r in rows[2:] if r[0] == "CO0011"]
    got = {r["Component"]: float(r["Points"]) for r in kelvaro if r["Score"] == "Factory Improvement"}
    assert got["Remediation plans"] == pytest.approx(parts["CO0011"]["Remediation plans"])


def test_a_company_account_never_sees_another_company_on_compare(demo_app: Path, world) -> None:
    at = apptest.open_page("compare", role="company", company="CO0001,CO0011", as_of=AS_OF.isoformat())
    shown = payload(at)
    names = world["companies"]["name"]
    assert [n for c, n in names.items() if n in shown and c != "CO0010"] == []
    assert not any(d for d in at.dataframe if "Component" in d.value.columns)


def test_presentation_mode_shows_no_real_name_and_links_carry_handles(demo_app: Path, world) -> None:
    at = apptest.open_page("compare", present="1", company=",".join(CHOSEN), as_of=AS_OF.isoformat())
    assert not at.exception, [e.value for e in at.exception]
    shown = payload(at)
    leaked = [s for s in secrets_of(demo_app) if s in shown]
    assert leaked == []
    urls = [b.proto.url for b in at.get("link_button")]
    assert len(urls) == 3 and all("present=1" in u and re.search(r"company=Company-\w+", u) for u in urls)
    assert all(re.search(r"CO\d{4}", u) is None for u in urls)
    csv_text = apptest.download(at, "download_breakdown").decode("utf-8")
    assert [s for s in secrets_of(demo_app) if s in csv_text] == []
    with duckdb.connect(str(demo_app), read_only=True) as con:
        names = pseudonyms.build(con.cursor())
    table = breakdown_table(at)
    assert set(table["Company"]) == {names.name("company", c) for c in CHOSEN}


def test_company_page_shows_the_summary_lines_and_how_each_score_is_made(demo_app: Path, world) -> None:
    at = apptest.open_page("company", company="CO0011", as_of=AS_OF.isoformat())
    assert not at.exception, [e.value for e in at.exception]
    ev = world["evidence"]
    why = scoring.explain(ev, "CO0011", AS_OF)
    scored = why.requests[why.requests["status"] == "scored"]
    text = reader_text(at)
    assert f"SCT {one(why.sct)}: {len(scored)} disclosure requests counted (" in text
    assert f"Overall {one(why.overall)} = 0.4 × SCT + 0.6 × FI under v2: band {why.band}." in text
    cases = why.cases[why.cases["status"] == "scored"]
    assert f"FI {one(why.fi)}: {len(cases)} monitoring cases counted (" in text
    helps = {m.label: m.proto.help for m in at.metric}
    assert "0.4 × SCT + 0.6 × FI" in helps["Overall"]
    assert "final assembly 3, components 3, compliance findings 1" in helps["Supply Chain Transparency"]
    assert "within 14 days (5 later)" in helps["Factory Improvement"]


def test_how_to_improve_says_who_asked_by_when_and_what_counts(demo_app: Path) -> None:
    # The demo affiliate expects CO0006 to disclose the component factories of one request.
    at = apptest.open_page("company", company="CO0006")
    assert not at.exception, [e.value for e in at.exception]
    table = next(d.value for d in at.dataframe if "Asked by" in d.value.columns)
    assert {"By when", "Evidence that counts"} <= set(table.columns)
    assert (table["Evidence that counts"].str.len() > 0).all()
    wished = table[table["Asked by"].str.startswith("University of Skovlund, in an expectation")]
    assert len(wished) == 1 and wished["By when"].iloc[0].startswith("by 2027-01-28 (the expectation's date)")
    others = table.drop(wished.index)
    assert others["Asked by"].str.startswith("Electronics Watch").all()
    assert "Asked by " in reader_text(at) and "what counts: " in reader_text(at)


def test_how_to_improve_in_presentation_mode_says_an_affiliate_asked_without_naming_it(
    demo_app: Path,
) -> None:
    # The same expectation as above, on a projector: still the affiliate's ask and its date, not
    # "Electronics Watch" alone, and neither the affiliate's name nor its pseudonym (an affiliate
    # sees only its own expectations: a pseudonym would mark the presenter's organisation).
    at = apptest.open_page("company", present="1", company="CO0006")
    assert not at.exception, [e.value for e in at.exception]
    table = next(d.value for d in at.dataframe if "Asked by" in d.value.columns)
    wished = table[table["Asked by"].str.startswith("An affiliate, in an expectation (and Electronics Watch")]
    assert len(wished) == 1 and wished["By when"].iloc[0].startswith("by 2027-01-28 (the expectation's date)")
    assert table.drop(wished.index)["Asked by"].str.startswith("Electronics Watch").all()
    shown = payload(at)
    assert "University of Skovlund" not in shown and leaks(shown, secrets_of(demo_app)) == []
    assert not re.search(r"Affiliate \d+, in an expectation", shown)
