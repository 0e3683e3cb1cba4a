"""A company whose contract covers another company's product model (a reseller contract, which
DATA_FORMAT.md allows) sees only its own company's requests, factories and cases (issue 20,
item 4): My contracts, the deadlines CSV and the .ics used to list the other company's
requests and factories (legal name, address, city) while /factory refused the same factory."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from data.queries import contracts as q
from tests import apptest

TODAY = date.today()
RESOLD_REQUEST = "RQ-RESOLD"


def make_reseller_world(db: Path) -> dict[str, object]:
    """The demo company's first contract also covers another company's product model, made at
    factories the demo company never disclosed, with an overdue request about it."""
    company = apptest.demo_user(db, "company").company_id
    con = duckdb.connect(str(db))
    try:
        contract = con.execute(
            "SELECT contract_id FROM contracts WHERE company_id = ? ORDER BY contract_id LIMIT 1", [company]
        ).fetchone()[0]
        other_company, model = con.execute(
            """
            SELECT r.company_id, r.product_model_id FROM disclosure_requests r JOIN disclosures d USING (request_id)
            WHERE r.company_id <> $c AND r.product_model_id IS NOT NULL AND r.scope = 'final_assembly'
              AND d.disclosed_on <= current_date
              AND d.factory_id NOT IN (SELECT d2.factory_id FROM disclosures d2
                                       JOIN disclosure_requests r2 USING (request_id) WHERE r2.company_id = $c)
            ORDER BY r.product_model_id LIMIT 1
            """,
            {"c": company},
        ).fetchone()
        factories = {
            r[0]
            for r in con.execute(
                "SELECT DISTINCT d.factory_id FROM disclosures d JOIN disclosure_requests r USING (request_id) "
                "WHERE r.product_model_id = ?",
                [model],
            ).fetchall()
        }
        con.execute("INSERT INTO contract_products VALUES (?, ?)", [contract, model])
        con.execute(
            "INSERT INTO disclosure_requests (request_id, company_id, product_model_id, scope, requested_on, due_on) "
            "VALUES (?, ?, ?, 'final_assembly', ?, ?)",
            [RESOLD_REQUEST, other_company, model, TODAY - timedelta(days=100), TODAY - timedelta(days=10)],
        )
        other_name = con.execute(
            "SELECT name FROM companies WHERE company_id = ?", [other_company]
        ).fetchone()[0]
        legal_names = {
            r[0]
            for r in con.execute(
                "SELECT legal_name FROM factories WHERE factory_id IN (SELECT unnest(?))", [sorted(factories)]
            ).fetchall()
        }
    finally:
        con.close()
    return {"company": company, "contract": contract, "other": other_company, "other_name": other_name,
            "model": model, "factories": factories, "legal_names": legal_names}  # fmt: skip


@pytest.fixture(scope="module")
def reseller_db(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, object]]:
    db = tmp_path_factory.mktemp("reseller") / "reseller.duckdb"
    shutil.copyfile(demo_db, db)
    return db, make_reseller_world(db)


def own_factories(cur, company: str) -> set[str]:
    rows = cur.execute(
        "SELECT DISTINCT d.factory_id FROM disclosures d JOIN disclosure_requests r USING (request_id) "
        "WHERE r.company_id = ?",
        [company],
    ).fetchall()
    return {r[0] for r in rows}


def test_the_company_sees_only_its_own_requests_factories_and_cases(reseller_db) -> None:
    db, world = reseller_db
    with duckdb.connect(str(db), read_only=True) as con:
        cur = con.cursor()
        viewer = q.viewer_of(apptest.demo_user(db, "company"))
        assert world["model"] in set(q.contract_models(cur, viewer)["product_model_id"])  # its own contract
        requests = q.model_requests(cur, viewer, TODAY)
        assert set(requests["company_id"]) <= {world["company"]}
        assert RESOLD_REQUEST not in set(requests["request_id"])
        deadlines = q.deadlines(cur, viewer, TODAY)
        assert set(deadlines["company_id"]) <= {world["company"]}
        assert RESOLD_REQUEST not in set(deadlines["request_id"])
        factories = q.model_factories(cur, viewer, TODAY)
        assert set(factories["factory_id"]) <= own_factories(cur, world["company"])
        assert not world["factories"] & set(factories["factory_id"])
        cases = q.model_open_cases(cur, viewer, TODAY)
        assert set(cases["company_id"]) <= {world["company"]}
        assert set(cases["factory_id"]) <= own_factories(cur, world["company"])
        # The Factory page refuses those factories too: the same rule.
        for factory_id in world["factories"]:
            assert q.factory(cur, viewer, factory_id).empty
        # Staff still see the resold model's request and factories.
        admin = q.viewer_of(apptest.demo_user(db, "admin"))
        assert RESOLD_REQUEST in set(q.deadlines(cur, admin, TODAY)["request_id"])
        assert world["factories"] & set(q.model_factories(cur, admin, TODAY)["factory_id"])


def test_my_contracts_and_its_downloads_show_the_company_nothing_of_the_other(
    reseller_db, monkeypatch: pytest.MonkeyPatch
) -> None:
    import streamlit as st

    db, world = reseller_db
    monkeypatch.setenv("CPT_DB", str(db))
    st.cache_data.clear()
    st.cache_resource.clear()
    at = apptest.open_page("contracts", role="company")
    assert not at.exception, [e.value for e in at.exception]
    at.selectbox(key="contracts_contract").set_value(world["contract"]).run()
    assert not at.exception, [e.value for e in at.exception]
    shown = " ".join(str(frame.value.to_dict()) for frame in at.dataframe)
    assert RESOLD_REQUEST not in shown
    assert not any(name in shown for name in world["legal_names"])
    for key in ("deadlines_csv", "deadlines_ics"):
        payload = apptest.download(at, key).decode("utf-8")
        assert RESOLD_REQUEST not in payload
        assert world["other_name"] not in payload
