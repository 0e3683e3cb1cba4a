"""Presentation handles are translated only for accounts that may present (issue 20, item 12).

`/company?company=Company-E` used to be rewritten to the real id for any signed-in account,
so a company account could decode every pseudonym a webinar showed (and see its own page
under a handle). Only admin and affiliate accounts get handles translated."""

from __future__ import annotations

from pathlib import Path

import duckdb

from data.presentation import pseudonyms
from tests import apptest


def handles(db: Path) -> tuple[str, dict[str, str]]:
    """The demo company's id and every company's handle."""
    own = apptest.demo_user(db, "company").company_id
    with duckdb.connect(str(db), read_only=True) as con:
        names = pseudonyms.build(con.cursor())
        ids = [r[0] for r in con.execute("SELECT company_id FROM companies ORDER BY company_id").fetchall()]
    return own, {c: names.to_handle("company", c) for c in ids}


def page_text(at) -> str:
    parts = [
        str(e.value)
        for kind in ("markdown", "error", "warning", "info", "caption", "title")
        for e in at.get(kind)
    ]
    return " ".join(parts)


def test_a_company_account_gets_no_handle_decoded(demo_app: Path) -> None:
    own, handle = handles(demo_app)
    other = next(c for c in handle if c != own)
    at = apptest.open_page("company", role="company", company=handle[other])
    assert not at.exception, [e.value for e in at.exception]
    assert at.query_params["company"] != [other] and at.query_params["company"] != other
    assert other not in page_text(at)  # the handle's real id is never shown
    assert [e.value for e in at.error] and handle[other] in page_text(at)  # "not available", by the handle
    # An account that may present still gets a handle back as the id (presentation mode off).
    at = apptest.open_page("company", role="affiliate", company=handle[own])
    assert not at.exception, [e.value for e in at.exception]
    assert at.query_params["company"] in (own, [own])
    assert not at.error


def test_a_company_account_does_not_open_its_own_page_by_handle(demo_app: Path) -> None:
    own, handle = handles(demo_app)
    at = apptest.open_page("company", role="company", company=handle[own])
    assert not at.exception, [e.value for e in at.exception]
    assert any("not available" in str(e.value) for e in at.error)  # a handle is no id for a company
