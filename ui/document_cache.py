"""Cached, scoped queries for source documents (issue 23; data/queries/documents.py).

The viewer is the signed-in account's (ui/cache.py `scoped`), so a page only ever gets the
documents its account may open; pages never call these in presentation mode (no document is
linked on a projector), and the route checks again at every request (serve.py).
"""

from __future__ import annotations

import pandas as pd

from data.queries import documents as q
from ui import cache, present


def _cur():
    return cache.reader().cursor()


@cache.scoped(company="company_id", viewer="viewer", max_entries=64)
def company_documents(version: object, company_id: str, viewer: object = None) -> pd.DataFrame:
    return q.for_company(_cur(), company_id, viewer)


@cache.scoped(companies="company_ids", viewer="viewer", handles=("factory_id",), max_entries=64)
def factory_documents(
    version: object, factory_id: str, company_ids: tuple[str, ...] | None = None, viewer: object = None
) -> pd.DataFrame:
    return q.for_factory(_cur(), factory_id, list(company_ids) if company_ids is not None else None, viewer)


def linked(frame_of) -> pd.DataFrame:
    """Nothing in presentation mode (no document is ever linked there), else the query's rows."""
    if present.is_on():
        return pd.DataFrame(columns=q.COLUMNS)
    return frame_of()


def change_sources(version: object, changes: pd.DataFrame) -> list[str]:
    """What changed: per row, the link to the document the change rests on ("" when none, and
    always in presentation mode), of the documents the account may open about each company."""
    if present.is_on() or changes.empty:
        return [""] * len(changes)
    companies = [c for c in changes["company_id"].dropna().unique()]
    docs = [company_documents(version, c) for c in companies]
    docs = [d for d in docs if not d.empty]
    frame = pd.concat(docs, ignore_index=True) if docs else pd.DataFrame(columns=q.COLUMNS)
    return q.change_links(frame, changes)
