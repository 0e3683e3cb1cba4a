"""Combined spend cannot be differenced (issue 20, item 3): an affiliate sees the combined annual
spend of *other* affiliates only where at least three others buy, rounded down to a band of
SPEND_STEP_EUR, so that subtracting its own spend, pooling what two colluding buyers know, or
comparing the figure before and after one contract starts never yields one contract's spend."""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd
import pytest

from data import store
from data.queries import contracts as q

TODAY = date(2026, 6, 30)
SPEND = {"A1": 1_012_345.0, "A2": 250_000.0, "A3": 300_000.0, "A4": 425_000.0, "A5": 37_500.0}


def world(buyers: list[str]) -> duckdb.DuckDBPyConnection:
    """One factory making one product model; each of `buyers` has one current contract for it."""
    con = duckdb.connect()
    con.execute(store.SCHEMA_FILE.read_text())
    con.execute("INSERT INTO companies VALUES ('C1', 'Brand One', 'brand', 'NL')")
    con.execute("INSERT INTO product_models VALUES ('P1', 'C1', 'Model One', 'laptop')")
    con.execute(
        "INSERT INTO factories (factory_id, legal_name, country, tier) VALUES ('F1', 'Plant', 'VN', 'final_assembly')"
    )
    con.execute(
        "INSERT INTO disclosure_requests VALUES ('R1', 'C1', 'P1', 'final_assembly', '2024-01-01', '2024-03-01')"
    )
    con.execute("INSERT INTO disclosures VALUES ('R1', 'F1', '2024-02-01', true)")
    for affiliate_id in SPEND:
        con.execute(
            "INSERT INTO affiliates VALUES (?, ?, 'NL', 'city')", [affiliate_id, f"City {affiliate_id}"]
        )
    for affiliate_id in buyers:
        add_contract(con, affiliate_id)
    return con


def add_contract(con: duckdb.DuckDBPyConnection, affiliate_id: str, start: str = "2025-01-01") -> None:
    contract_id = f"K{affiliate_id}"
    con.execute(
        "INSERT INTO contracts VALUES (?, ?, 'C1', ?, NULL, ?)",
        [contract_id, affiliate_id, start, SPEND[affiliate_id]],
    )
    con.execute("INSERT INTO contract_products VALUES (?, 'P1')", [contract_id])


def seen(con: duckdb.DuckDBPyConnection, affiliate_id: str) -> dict[str, object]:
    """What an affiliate reads about the factory: the leverage row, the factory list row and
    the text a page shows."""
    viewer = q.Viewer("affiliate", affiliate_id)
    lev = q.leverage(con.cursor(), viewer, TODAY, "F1")
    listed = q.factory_list(con.cursor(), viewer, TODAY)
    assert len(lev) == len(listed) == 1
    value = lev["combined_spend_eur"].iloc[0]
    assert value == listed["combined_spend_eur"].iloc[0] or (
        pd.isna(value) and pd.isna(listed["combined_spend_eur"].iloc[0])
    )
    text = q.with_spend_text(lev)["combined_spend"].iloc[0]
    return {
        "value": None if pd.isna(value) else float(value),
        "text": text,
        "buyers": int(lev["affiliates_buying"].iloc[0]),
    }


def test_own_spend_subtracted_from_a_three_buyer_total_reveals_nothing() -> None:
    con = world(["A1", "A2", "A3"])
    for me in ("A1", "A2", "A3"):
        mine = seen(con, me)
        assert mine["buyers"] == 3
        assert mine["value"] is None and mine["text"] is None, me  # only two others: no figure
    staff = q.leverage(con.cursor(), q.Viewer("admin"), TODAY, "F1")
    assert staff["combined_spend_eur"].iloc[0] == SPEND["A1"] + SPEND["A2"] + SPEND["A3"]  # staff: exact


def test_three_others_give_a_band_of_their_spend_only() -> None:
    con = world(["A1", "A2", "A3", "A4"])
    others = SPEND["A2"] + SPEND["A3"] + SPEND["A4"]  # 975,000: the viewer's own million not counted
    mine = seen(con, "A1")
    assert mine["value"] == others // q.SPEND_STEP_EUR * q.SPEND_STEP_EUR == 900_000
    assert mine["text"] == "€0.9–1.0 m"
    assert mine["value"] != others and mine["value"] != others + SPEND["A1"]
    # A non-buyer (A5) sees all four: a band too, never the exact total
    outsider = seen(con, "A5")
    assert outsider["value"] == 1_900_000 and outsider["text"] == "€1.9–2.0 m"  # of 1,987,345


def test_whether_a_figure_shows_does_not_say_whether_the_viewer_buys_there() -> None:
    # Three buyers: a buyer (two others) and a non-buyer (three others) both see no figure, so
    # an empty cell on a presenter's screen does not tell the audience the presenter buys there.
    con = world(["A1", "A2", "A3"])
    assert seen(con, "A1")["value"] is None and seen(con, "A5")["value"] is None
    con = world(["A1", "A2", "A3", "A4"])
    assert seen(con, "A1")["value"] is not None and seen(con, "A5")["value"] is not None


def test_two_colluding_buyers_cannot_read_a_third_contract() -> None:
    # Three buyers: two of them together know two contracts; the third's must stay unknown.
    con = world(["A1", "A2", "A3"])
    assert seen(con, "A1")["value"] is None and seen(con, "A2")["value"] is None
    # Four buyers: what A1 and A2 read, with their own spend, never isolates A3's or A4's contract.
    con = world(["A1", "A2", "A3", "A4"])
    a1, a2 = seen(con, "A1")["value"], seen(con, "A2")["value"]
    candidates = {
        a1 - SPEND["A2"], a2 - SPEND["A1"], a1 - a2, a2 - a1,
        a1 - SPEND["A2"] - SPEND["A1"], a2 - SPEND["A1"] - SPEND["A2"],
    }  # fmt: skip
    assert SPEND["A3"] not in candidates and SPEND["A4"] not in candidates
    assert a1 % q.SPEND_STEP_EUR == 0 and a2 % q.SPEND_STEP_EUR == 0


@pytest.mark.parametrize(
    ("viewer", "before", "new"),
    [
        ("A1", ["A1", "A2", "A3", "A4"], "A5"),
        ("A5", ["A2", "A3", "A4"], "A1"),
        ("A2", ["A1", "A2", "A3", "A4"], "A5"),
    ],
)
def test_one_new_contract_never_changes_the_figure_by_its_spend(
    viewer: str, before: list[str], new: str
) -> None:
    con = world(before)
    then = seen(con, viewer)
    add_contract(con, new, start="2026-06-01")  # one contract starts (or is imported)
    now = seen(con, viewer)
    assert now["value"] is not None and now["text"] is not None
    difference = now["value"] - (then["value"] or 0.0)
    assert difference != SPEND[new]  # the new contract's spend is not readable
    assert difference % q.SPEND_STEP_EUR == 0 and abs(difference - SPEND[new]) > 0


def test_company_sees_its_own_total_and_text_is_exact_for_staff() -> None:
    con = world(["A1", "A2"])
    company = q.leverage(con.cursor(), q.Viewer("company", company_id="C1"), TODAY, "F1")
    assert company["combined_spend_eur"].iloc[0] == SPEND["A1"] + SPEND["A2"]
    staff = q.with_spend_text(q.leverage(con.cursor(), q.Viewer("admin"), TODAY, "F1"))
    assert staff["combined_spend"].iloc[0] == "€ 1,262,345"


def test_spend_range_text() -> None:
    assert q.spend_range(1_200_000, q.SPEND_STEP_EUR) == "€1.2–1.3 m"
    assert q.spend_range(0, q.SPEND_STEP_EUR) == "under €0.1 m"
    assert q.spend_range(1_946_500, 0) == "€ 1,946,500"
    assert q.spend_range("€1–2 m", q.SPEND_STEP_EUR) == "€1–2 m"  # presentation mode's band as it is
    assert q.spend_range(None) is None
