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
