"""Presentation mode on the contract pages (My contracts, Factory, What changed): no real
name, id, address or city in anything the server sends or in any download."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from tests.presentation_check import _check_pages, names_of


def busiest_factory(db: Path) -> str:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(
            "SELECT d.factory_id FROM disclosures d JOIN disclosure_requests r USING (request_id)"
            " GROUP BY 1 ORDER BY count(DISTINCT r.company_id) DESC, 1 LIMIT 1"
        ).fetchone()[0]


@pytest.mark.parametrize("role", ["admin", "affiliate"])
def test_contract_pages_show_nothing_real(demo_app: Path, deferred: dict, role: str) -> None:  # noqa: F811
    factory = busiest_factory(demo_app)
    pages = {
        "contracts": {},
        "factory": {"factory": factory},  # a real id in the link becomes the factory's handle
        "changes": {"since": "2024-12-31"},
    }
    seen = _check_pages(demo_app, deferred, role, pages)
    handle = names_of(demo_app).handle("factory", factory)
    assert f"factory={handle}" in seen["factory"]
    if role == "affiliate":
        # both deadline files (built on click) were made and checked
        assert any(n.startswith("cpt-deadlines-") and n.endswith(".ics") for n in seen) and any(
            n.startswith("cpt-deadlines-") and n.endswith(".csv") for n in seen
        )


def test_factory_list_and_overview_changes_show_nothing_real(demo_app: Path, deferred: dict) -> None:  # noqa: F811
    _check_pages(demo_app, deferred, "affiliate", {"factory": {}, "overview": {}, "transparency": {}})


def test_an_action_expectation_names_no_finding_in_presentation_mode(writable_demo_app: Path) -> None:
    """An improvement action's target ("verify:FN…") is a real finding id: presenting, My
    contracts says "(an improvement action)" in its place (it said "(hidden in presentation
    mode)": the page's `~presenting` on a bool is -2 or -1, never False); without the mode, the action
    in words (as How to improve says it), not its code."""
    from datetime import date, timedelta

    from data.queries import expectations
    from tests import apptest

    db = writable_demo_app
    me = apptest.demo_user(db, "affiliate")
    with duckdb.connect(str(db), read_only=True) as con:
        company, finding, factory = con.execute(
            "SELECT c.company_id, f.finding_id, fa.legal_name FROM contracts c JOIN cases k USING (company_id)"
            " JOIN findings f USING (case_id) JOIN factories fa ON fa.factory_id = k.factory_id"
            " WHERE c.affiliate_id = ? ORDER BY 1, 2 LIMIT 1",
            [me.affiliate_id],
        ).fetchone()
    expectations.add(db, affiliate_id=me.affiliate_id, company_id=company, what="action",
                     target=f"verify:{finding}", due_on=date.today() + timedelta(days=30), note=None,
                     who="demo-admin")  # fmt: skip

    def targets(**params: str) -> list[str]:
        at = apptest.open_page("contracts", role="affiliate", db=db, **params)
        assert not at.exception
        values = [e.value.data if hasattr(e.value, "data") else e.value for e in at.dataframe]
        (frame,) = [v for v in values if "target" in v.columns]  # the expectations table
        return [str(t) for t in frame["target"]]

    plain = targets()
    assert f"verify:{finding}" not in plain
    assert any(t.startswith("Have the remediation of the ") and f" at {factory} verified" in t for t in plain)
    presented = targets(present="1")
    assert "(an improvement action)" in presented
    assert not [t for t in presented if finding in t]
