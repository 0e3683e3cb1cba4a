"""The evidence a score is computed from, read from the evidence store.

`load_evidence` is also where company-account scoping happens: given company ids,
every table is restricted to those companies, so nothing about another company
reaches the scoring engine or a page built on it.

Dates are pandas `datetime64` columns throughout (what DuckDB returns for DATE).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path

import duckdb
import pandas as pd

QUERIES = Path(__file__).resolve().parent / "queries"

EVIDENCE_TABLES = (
    "companies",
    "disclosure_requests",
    "disclosures",
    "due_diligence",
    "cases",
    "findings",
    "events",
)

DATE_COLUMNS = {
    "disclosure_requests": ("requested_on", "due_on"),
    "disclosures": ("disclosed_on",),
    "due_diligence": ("recorded_on",),
    "cases": ("opened_on",),
    "events": ("event_date",),
}
"""Date columns per table; every one but `due_on` dates a piece of evidence."""

EVIDENCE_DATES = (
    ("disclosure_requests", "requested_on"),
    ("disclosures", "disclosed_on"),
    ("due_diligence", "recorded_on"),
    ("cases", "opened_on"),
    ("events", "event_date"),
)


def query(name: str) -> str:
    """The text of the named query `scoring/queries/<name>.sql`."""
    return (QUERIES / f"{name}.sql").read_text(encoding="utf-8")


@dataclass(frozen=True)
class Evidence:
    """The evidence tables of DATA_FORMAT.md that scoring uses, one DataFrame each.

    Child tables carry their company's `company_id` (disclosures and due_diligence
    through their request, findings and events through their case).
    """

    companies: pd.DataFrame
    disclosure_requests: pd.DataFrame
    disclosures: pd.DataFrame
    due_diligence: pd.DataFrame
    cases: pd.DataFrame
    findings: pd.DataFrame
    events: pd.DataFrame

    def tables(self) -> dict[str, pd.DataFrame]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def restrict(self, company_ids: list[str] | None) -> Evidence:
        """The same evidence limited to `company_ids` (None: unchanged)."""
        if company_ids is None:
            return self
        keep = set(company_ids)
        return Evidence(
            **{
                name: df[df["company_id"].isin(keep)].reset_index(drop=True)
                for name, df in self.tables().items()
            }
        )

    def first_evidence_date(self) -> pd.Timestamp | None:
        """The earliest date of any piece of evidence, or None when there is none."""
        firsts = [getattr(self, table)[column].min() for table, column in EVIDENCE_DATES]
        firsts = [d for d in firsts if not pd.isna(d)]
        return min(firsts) if firsts else None


def load_evidence(con: duckdb.DuckDBPyConnection, company_ids: list[str] | None = None) -> Evidence:
    """Read the evidence from a DuckDB connection; only `company_ids`' rows when given.

    The company ids go into the queries as a bound list parameter.
    """
    ids = None if company_ids is None else [str(c) for c in company_ids]
    frames = {}
    for table in EVIDENCE_TABLES:
        df = con.execute(query(f"evidence_{table}"), {"company_ids": ids}).df()
        for column in DATE_COLUMNS.get(table, ()):
            df[column] = df[column].astype("datetime64[us]")
        frames[table] = df
    return Evidence(**frames)
