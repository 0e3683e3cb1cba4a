"""Source documents behind the evidence (issue 23), as the account asking may see them.

Every query takes a `Viewer` (data.queries.contracts) and returns only the documents its
account may open (data.documents.store.may_see, here as SQL); a file made before documents
existed has none. Each row is one (document, evidence row) link, with the request or case the
evidence belongs to, so a page can put the link beside the row it supports.
"""

from __future__ import annotations

from urllib.parse import quote

import duckdb
import pandas as pd

from data.documents import store
from data.queries.contracts import Viewer
from data.queries.named import query

COLUMNS = ["document_id", "kind", "document_date", "title", "company_id", "evidence", "request_id", "case_id", "factory_id",
           "event_id"]  # fmt: skip
ROUTE = "/cpt/document/"

_LINKED = query("documents_linked")


def _params(viewer: Viewer) -> dict[str, object]:
    return {"role": viewer.role, "comp": viewer.company_id if viewer.role == "company" else None}


_BY_COMPANY = _LINKED.format(visible=store.visible_sql("d"), where="d.company_id = $company")
_BY_FACTORY = _LINKED.format(
    visible=store.visible_sql("d"),
    where="coalesce(l.factory_id, c.factory_id) = $factory "
    "AND ($companies IS NULL OR list_contains($companies, d.company_id))",
)


def _run(cur: duckdb.DuckDBPyConnection, sql: str, viewer: Viewer, extra: dict[str, object]) -> pd.DataFrame:
    if viewer.role is None or not store.has_tables(cur):
        return pd.DataFrame(columns=COLUMNS)
    return cur.execute(sql, _params(viewer) | extra).df()[COLUMNS]


def for_company(cur: duckdb.DuckDBPyConnection, company_id: str, viewer: Viewer) -> pd.DataFrame:
    """The documents about `company_id` that `viewer` may open, one row per evidence link."""
    return _run(cur, _BY_COMPANY, viewer, {"company": company_id})


def for_factory(
    cur: duckdb.DuckDBPyConnection, factory_id: str, company_ids: list[str] | None, viewer: Viewer
) -> pd.DataFrame:
    """The documents behind the evidence about factory `factory_id` (its cases, findings, case
    events and disclosures) of `company_ids` (None: every company) that `viewer` may open."""
    companies = list(company_ids) if company_ids is not None else None
    return _run(cur, _BY_FACTORY, viewer, {"factory": factory_id, "companies": companies})


def url(document_id: str, kind: str, day: object) -> str:
    """The app's route to a document, its words after `#` (what a LinkColumn shows)."""
    return f"{ROUTE}{quote(str(document_id), safe='')}#{store.label(kind, day)}"


DISPLAY = r"#(.+)$"  # st.column_config.LinkColumn(display_text=DISPLAY): "Monitoring report, 2025-03-14"


def links_by(frame: pd.DataFrame, column: str) -> dict[str, str]:
    """The newest document's link per value of `column` (request_id, case_id), "(+n)" when more."""
    out: dict[str, str] = {}
    if frame.empty:
        return out
    rows = frame.dropna(subset=[column]).drop_duplicates([column, "document_id"])
    for value, group in rows.groupby(column, sort=False):
        first = group.iloc[0]
        link = url(first["document_id"], first["kind"], first["document_date"])
        out[str(value)] = link + (f" (+{len(group) - 1} more below)" if len(group) > 1 else "")
    return out


# What a change of What changed rests on (data/queries/changes.py `item_id`): a new case on
# the monitoring report behind the case or its findings; a verified remediation or a confirmed
# retaliation on the document behind that event. Score, band, overdue and dispute rows on none.
CHANGE_EVIDENCE = {"new case": ("case_id", ("cases", "findings")),
                   "remediation verified": ("event_id", ("events",)),
                   "retaliation confirmed": ("event_id", ("events",))}  # fmt: skip


def change_links(frame: pd.DataFrame, changes: pd.DataFrame) -> list[str]:
    """Per row of What changed (`kind`, `item_id`): the link to the newest document it rests on
    (from `frame`, documents the viewer may open), "" when none."""
    out = []
    for kind, item in zip(changes["kind"], changes["item_id"], strict=True):
        column, evidence = CHANGE_EVIDENCE.get(kind, (None, ()))
        found = frame[(frame[column] == item) & frame["evidence"].isin(evidence)] if column and not frame.empty else frame.iloc[0:0]  # fmt: skip
        if len(found):  # the nearest evidence first (a case's own report before a finding's), then the newest
            found = found.assign(_near=found["evidence"].map(evidence.index)).sort_values(
                ["_near", "document_date"], ascending=[True, False], kind="stable"
            )
        first = found.iloc[0] if len(found) else None
        out.append("" if first is None else url(first["document_id"], first["kind"], first["document_date"]))
    return out


def listing(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per document: its link (label after `#`), title, kind and date."""
    if frame.empty:
        return pd.DataFrame(columns=["document_id", "link", "label", "title"])
    docs = frame.drop_duplicates("document_id")
    return pd.DataFrame(
        {
            "document_id": docs["document_id"],
            "link": [
                url(d, k, t)
                for d, k, t in zip(docs["document_id"], docs["kind"], docs["document_date"], strict=True)
            ],
            "label": [store.label(k, t) for k, t in zip(docs["kind"], docs["document_date"], strict=True)],
            "title": docs["title"],
        }
    ).reset_index(drop=True)


def report_lines(frame: pd.DataFrame) -> list[str]:
    """One line per document for a report: "Monitoring report, 2025-03-14: <title>"."""
    return [f"{r.label}: {r.title}" for r in listing(frame).itertuples()]
