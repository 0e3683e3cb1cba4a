"""A company report built the way the Company page builds it (shared by tests/test_reports.py
and tests/test_report_long_text.py)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

import scoring
from charts import trajectory
from data.queries import companies as company_queries
from reports import report
from wording import narrative

COMPANY = "CO0011"  # Kelvaro Networks: open findings, a retaliation case


def build(
    db: Path, as_of: date, methodology: str, name: str = "Kelvaro Networks"
) -> tuple[report.CompanyReport, object]:
    with duckdb.connect(str(db), read_only=True) as con:
        cur = con.cursor()
        evidence = scoring.load_evidence(cur, [COMPANY])
        series = scoring.score(evidence, scoring.series_dates(evidence), methodology)
        why = scoring.explain(evidence, COMPANY, as_of, methodology)
        findings = company_queries.open_findings(cur, COMPANY, as_of)
        events = company_queries.company_evidence_events(cur, COMPANY)
        names = narrative.Names.from_frame(company_queries.company_names(cur, COMPANY))
    upto = series[series["as_of"] <= as_of.isoformat()]
    fig = trajectory.trajectory(upto, f"{name}: scores", events)
    built = report.build_company_report(
        name, COMPANY, why, upto, findings, methodology, fictional=True, evidence=evidence, names=names
    )
    return built, fig
