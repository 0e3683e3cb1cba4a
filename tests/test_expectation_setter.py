"""Who set an expectation is shown as an organisation, never as a sign-in name (issue 20, item 9).

A company account saw the affiliate users' usernames (`set_by`) on My contracts: half of a
credential, and a person's name. `expectations.visible` gives the affiliate's name (or
"CPT staff" for one recorded by staff) instead."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from data.access import accounts
from data.queries import contracts as q
from data.queries import expectations
from tests import apptest


def test_a_company_sees_organisations_not_usernames(writable_demo_app: Path) -> None:
    db = writable_demo_app
    company = apptest.demo_user(db, "company").company_id
    affiliate = apptest.demo_user(db, "affiliate").affiliate_id
    for who in ("demo-affiliate", "demo-admin"):
        expectations.add(db, affiliate_id=affiliate, company_id=company, what="overall", target="70",
                         due_on=date(2027, 6, 30), note=None, who=who)  # fmt: skip
    with duckdb.connect(str(db), read_only=True) as con:
        cur = con.cursor()
        usernames = {u["username"] for u in accounts.list_users(cur)}
        affiliate_name = cur.execute(
            "SELECT name FROM affiliates WHERE affiliate_id = ?", [affiliate]
        ).fetchall()[0][0]
        seen = expectations.visible(cur, q.viewer_of(apptest.demo_user(db, "company")), company)
    assert len(seen) >= 2
    assert not set(seen["set_by"]) & usernames
    assert {affiliate_name, "CPT staff"} <= set(seen["set_by"])

    at = apptest.open_page("contracts", role="company")
    assert not at.exception, [e.value for e in at.exception]
    shown = next(d.value for d in at.dataframe if "status" in d.value.columns)  # the expectations table
    assert "set_by" in shown.columns
    assert not set(shown["set_by"]) & usernames
    assert affiliate_name in set(shown["set_by"])
