"""Consistent pseudonyms for presentation mode (webinars on real data).

Every company, factory, affiliate and product model gets a stable stand-in within a
database ("Company A", "Factory 12", "Affiliate 3", "Product 7"), numbered in id order,
so the same entity has the same pseudonym on every page, chart, table and download.
Free text that could identify someone (case titles, notes, finding descriptions,
addresses) is hidden altogether.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

HIDDEN = "(hidden in presentation mode)"
HIDDEN_COLUMNS = frozenset({"title", "note", "description", "address", "detail"})
SEPARATORS = (", ", " · ")


def letters(n: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA (spreadsheet-style column letters)."""
    out = ""
    n += 1
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(ord("A") + rem) + out
    return out


@dataclass(frozen=True)
class Pseudonyms:
    """Real name -> pseudonym, and entity id -> pseudonym."""

    by_name: dict[str, str]
    by_id: dict[str, str]

    def name(self, value: object) -> object:
        """A real entity name (or a list of them joined by ', ' or ' · ') as pseudonyms;
        anything else unchanged."""
        if not isinstance(value, str) or not value:
            return value
        if value in self.by_name:
            return self.by_name[value]
        for sep in SEPARATORS:
            if sep in value:
                return sep.join(str(self.name(part)) for part in value.split(sep))
        return value

    def frame(self, frame: pd.DataFrame) -> pd.DataFrame:
        """A copy with every name replaced and free-text columns hidden."""
        out = frame.copy()
        for column in out.columns:
            if column in HIDDEN_COLUMNS:
                out[column] = out[column].where(out[column].isna(), HIDDEN)
            elif out[column].dtype == object or pd.api.types.is_string_dtype(out[column].dtype):
                out[column] = out[column].map(self.name)
        return out


def build(cur: duckdb.DuckDBPyConnection) -> Pseudonyms:
    """Pseudonyms for every entity in the database, numbered in id order."""
    by_name: dict[str, str] = {}
    by_id: dict[str, str] = {}
    sources = (
        ("SELECT company_id, name FROM companies ORDER BY company_id", lambda i: f"Company {letters(i)}"),
        ("SELECT factory_id, legal_name FROM factories ORDER BY factory_id", lambda i: f"Factory {i + 1}"),
        ("SELECT affiliate_id, name FROM affiliates ORDER BY affiliate_id", lambda i: f"Affiliate {i + 1}"),
        (
            "SELECT product_model_id, name FROM product_models ORDER BY product_model_id",
            lambda i: f"Product {i + 1}",
        ),
    )
    for sql, label in sources:
        for i, (entity_id, name) in enumerate(cur.execute(sql).fetchall()):
            by_id[entity_id] = label(i)
            by_name.setdefault(name, label(i))
    return Pseudonyms(by_name, by_id)
