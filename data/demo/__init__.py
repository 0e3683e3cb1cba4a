"""The fictional demo world (DESIGN.md, "Demo data").

Everything here is invented: company, factory, affiliate, product and town
names are made up from word lists that avoid real brands and manufacturers.
The world is deterministic (a fixed seed; the only input besides `scale` is the
last quarter end before the day it is built), so two builds on the same day
export byte-identical files.

Companies have characters so the trajectories tell stories: leaders, steady
improvers, a decliner, a company that only ever shows due diligence, a late
responder, one that drops at the v1 -> v2 methodology change (2022-07), one
with a confirmed retaliation case, and one with no evidence yet (n/a).

The world is built in data/demo/world.py from the word lists in data/demo/names.py, the
companies' characters in data/demo/characters.py, the evidence generators in
data/demo/evidence.py and the pooled buying in data/demo/buying.py; the demo's source
documents are data/demo/documents.py. Here: filling a database with it, and the demo accounts.
"""

from __future__ import annotations

from datetime import date

import duckdb

from data.demo.world import build_world, last_quarter_end
from data.store.tables import TABLES

__all__ = ["DEMO_COMPANY", "add_demo_accounts", "build_world", "fill_demo", "last_quarter_end"]


def fill_demo(con: duckdb.DuckDBPyConnection, scale: int = 1, today: date | None = None) -> None:
    """Insert the demo world into a database that has the schema (inside the caller's transaction)."""

    world = build_world(scale, today)
    for name, table in TABLES.items():
        frame = world.pop(name)[table.column_names]
        con.from_df(frame).insert_into(name)  # columns in the schema's order
        del frame  # each table's frame goes once it is in the database
    con.execute("INSERT INTO meta VALUES ('demo', 'true'), ('demo_scale', ?)", [str(scale)])
    add_demo_accounts(con)
    from data.demo import documents  # a few fictional PDFs behind some evidence (issue 23)

    documents.add_documents(con)


DEMO_COMPANY = "CO0010"  # Jovance Micro: its score drops at the v1 -> v2 change


def add_demo_accounts(con: duckdb.DuckDBPyConnection) -> None:
    """demo-admin, demo-affiliate (the affiliate with the most contracts) and demo-company,
    all with the password in the README (accounts.DEMO_PASSWORD)."""
    from data.access import accounts

    affiliate = con.execute(
        "SELECT affiliate_id FROM contracts GROUP BY affiliate_id ORDER BY count(*) DESC, affiliate_id LIMIT 1"
    ).fetchone()[0]
    for username, role, company, aff in (
        ("demo-admin", "admin", None, None),
        ("demo-affiliate", "affiliate", None, affiliate),
        ("demo-company", "company", DEMO_COMPANY, None),
    ):
        accounts.insert_user(con, username, accounts.DEMO_PASSWORD, role, company, aff)
