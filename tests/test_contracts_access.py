"""Contracts confidentiality (DESIGN.md, access control) for every demo account, checked
against SQL written here: an affiliate sees its own contracts in full, other affiliates only
as buyer names, other affiliates' combined spend only over at least three others, in bands; a company sees its own
contracts, the factories it disclosed and its own cases; signed out, nothing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from data.queries import contracts as q
from tests import apptest

TODAY = date.today()
ROLES = ("admin", "affiliate", "company")


@pytest.fixture(scope="module")
def con(demo_db: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(demo_db), read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="module")
def viewers(demo_db: Path) -> dict[str | None, q.Viewer]:
    out: dict[str | None, q.Viewer] = {role: q.viewer_of(apptest.demo_user(demo_db, role)) for role in ROLES}
    out[None] = q.viewer_of(None)
    return out


def sql(con: duckdb.DuckDBPyConnection, text: str, *params: object) -> list[tuple]:
    return con.execute(text, list(params)).fetchall()


def own_contracts(con: duckdb.DuckDBPyConnection, viewer: q.Viewer) -> set[str]:
    if viewer.role == "admin":
        rows = sql(con, "SELECT contract_id FROM contracts")
    elif viewer.role == "affiliate":
        rows = sql(con, "SELECT contract_id FROM contracts WHERE affiliate_id = ?", viewer.affiliate_id)
    elif viewer.role == "company":
        rows = sql(con, "SELECT contract_id FROM contracts WHERE company_id = ?", viewer.company_id)
    else:
        rows = []
    return {r[0] for r in rows}


@pytest.mark.parametrize("role", [*ROLES, None])
def test_my_contracts_are_exactly_the_accounts_own(con, viewers, role) -> None:
    viewer = viewers[role]
    mine = q.contracts(con.cursor(), viewer, TODAY)
    assert set(mine["contract_id"]) == own_contracts(con, viewer)
    if role in ("affiliate", "company"):
        assert len(mine) >= 2
    models = q.contract_models(con.cursor(), viewer)
    assert set(models["contract_id"]) <= own_contracts(con, viewer)
    deadlines = q.deadlines(con.cursor(), viewer, TODAY)
    for contracts in deadlines["contracts"]:
        assert set(contracts.split(", ")) <= own_contracts(con, viewer)


@pytest.mark.parametrize("role", ROLES)
def test_company_contracts_show_other_affiliates_as_names_only(con, viewers, role) -> None:
    viewer = viewers[role]
    for (company_id,) in sql(con, "SELECT company_id FROM companies ORDER BY company_id"):
        frame = q.company_contracts(con.cursor(), viewer, company_id)
        if role == "company" and company_id != viewer.company_id:
            assert frame.empty, company_id  # never another company's contracts
            continue
        buyers = {r[0] for r in sql(con, "SELECT DISTINCT a.name FROM contracts k JOIN affiliates a USING (affiliate_id) WHERE company_id = ?", company_id)}  # fmt: skip
        assert set(frame["affiliate"]) == buyers
        full = frame[frame["contract_id"].notna()]
        expected = {
            r[0] for r in sql(con, "SELECT contract_id FROM contracts WHERE company_id = ?", company_id)
        }
        assert set(full["contract_id"]) == expected & own_contracts(con, viewer) | (
            expected if role in ("admin", "company") else set()
        )
        names_only = frame[frame["contract_id"].isna()]
        assert names_only[["start_date", "end_date", "annual_spend_eur", "products"]].isna().all().all()
        assert not names_only["affiliate"].duplicated().any()  # no count of another's contracts


def leverage_sql(
    con: duckdb.DuckDBPyConnection, viewer: q.Viewer, exclude: str | None = None
) -> pd.DataFrame:
    """Per factory: affiliates with a current contract for a product model disclosed there
    (final assembly or components), and their combined spend (written independently here)."""
    company_filter = "AND k.company_id = ?" if viewer.role == "company" else ""
    params = [TODAY, TODAY, TODAY] + ([viewer.company_id] if viewer.role == "company" else [])
    if exclude is not None:  # everyone's contracts but this affiliate's
        company_filter += " AND k.affiliate_id <> ?"
        params.append(exclude)
    return con.execute(
        f"""
        SELECT factory_id, count(DISTINCT affiliate_id) AS affiliates, sum(annual_spend_eur) AS spend
        FROM (SELECT DISTINCT d.factory_id, k.contract_id, k.affiliate_id, k.annual_spend_eur
              FROM disclosures d JOIN disclosure_requests r USING (request_id)
              JOIN contract_products cp ON cp.product_model_id = r.product_model_id
              JOIN contracts k ON k.contract_id = cp.contract_id
              WHERE r.scope <> 'compliance_findings' AND d.disclosed_on <= ?
                AND k.start_date <= ? AND (k.end_date IS NULL OR k.end_date >= ?) {company_filter})
        GROUP BY factory_id
        """,  # noqa: S608 - a constant filter, values bound
        params,
    ).df()


def others_sql(con: duckdb.DuckDBPyConnection, viewer: q.Viewer) -> dict[str, tuple[int, float]]:
    """Per factory: how many *other* affiliates (not the viewer) buy there, and their spend."""
    frame = leverage_sql(con, q.Viewer("admin"), exclude=viewer.affiliate_id)
    return {
        f: (int(n), float(s))
        for f, n, s in frame[["factory_id", "affiliates", "spend"]].itertuples(index=False)
    }


@pytest.mark.parametrize("role", ROLES)
def test_combined_spend_only_over_three_affiliates(con, viewers, role) -> None:
    viewer = viewers[role]
    got = q.leverage(con.cursor(), viewer, TODAY).set_index("factory_id")
    expected = leverage_sql(con, viewer).set_index("factory_id")
    if role == "company":
        disclosed = {r[0] for r in sql(con, "SELECT DISTINCT factory_id FROM disclosures JOIN disclosure_requests USING (request_id) WHERE company_id = ?", viewer.company_id)}  # fmt: skip
        expected = expected[expected.index.isin(disclosed)]
    assert set(got.index) == set(expected.index)
    assert (got["affiliates_buying"] == expected.loc[got.index, "affiliates"]).all()
    others = others_sql(con, viewer) if role == "affiliate" else None
    for factory_id, row in got.iterrows():
        if role != "affiliate":
            assert row["combined_spend_eur"] == pytest.approx(expected.at[factory_id, "spend"]), factory_id
            continue
        n, spend = others.get(factory_id, (0, 0.0))  # other affiliates only: never the viewer's own
        if n < q.MIN_AFFILIATES_FOR_TOTAL or row["affiliates_buying"] <= q.MIN_AFFILIATES_FOR_TOTAL:
            assert pd.isna(row["combined_spend_eur"]), factory_id
        else:  # rounded down to a band of SPEND_STEP_EUR
            assert row["combined_spend_eur"] == spend // q.SPEND_STEP_EUR * q.SPEND_STEP_EUR, factory_id
    if role == "affiliate":  # the demo world has both kinds
        assert (got["affiliates_buying"] >= 3).any() and (got["affiliates_buying"] < 3).any()
    listed = q.factory_list(con.cursor(), viewer, TODAY, limit=10_000).set_index("factory_id")
    if role == "affiliate":
        few = [
            f
            for f in listed.index
            if others.get(f, (0, 0))[0] < q.MIN_AFFILIATES_FOR_TOTAL
            or listed.at[f, "affiliates_buying"] <= q.MIN_AFFILIATES_FOR_TOTAL
        ]
        assert listed.loc[few, "combined_spend_eur"].isna().all()
        assert listed.drop(index=few)["combined_spend_eur"].notna().all()
        assert (listed["combined_spend_eur"].dropna() % q.SPEND_STEP_EUR == 0).all()
    else:
        assert listed.loc[listed["affiliates_buying"] > 0, "combined_spend_eur"].notna().all()


@pytest.mark.parametrize("role", ROLES)
def test_factory_buyers_spend_only_for_own_contracts(con, viewers, role) -> None:
    viewer = viewers[role]
    lev = q.leverage(con.cursor(), viewers["admin"], TODAY)
    for factory_id in lev.sort_values("affiliates_buying", ascending=False)["factory_id"].head(15):
        buyers = q.factory_buyers(con.cursor(), viewer, factory_id, TODAY)
        if role == "company":
            assert set(buyers["affiliate_id"]) <= {r[0] for r in sql(con, "SELECT affiliate_id FROM contracts WHERE company_id = ?", viewer.company_id)}  # fmt: skip
            continue
        others = buyers[buyers["affiliate_id"] != viewer.affiliate_id]
        if role == "affiliate":
            assert others[["contracts", "companies", "annual_spend_eur"]].isna().all().all(), factory_id
        else:
            assert others["annual_spend_eur"].notna().all()


def test_company_sees_only_factories_it_disclosed_and_its_own_cases(con, viewers) -> None:
    viewer = viewers["company"]
    disclosed = {r[0] for r in sql(con, "SELECT DISTINCT factory_id FROM disclosures JOIN disclosure_requests USING (request_id) WHERE company_id = ?", viewer.company_id)}  # fmt: skip
    foreign = sql(con, "SELECT factory_id FROM factories WHERE factory_id NOT IN (SELECT unnest(?)) ORDER BY factory_id LIMIT 5", sorted(disclosed))  # fmt: skip
    for (factory_id,) in foreign:
        assert q.factory(con.cursor(), viewer, factory_id).empty
        assert q.factory_disclosures(con.cursor(), viewer, factory_id).empty
        assert q.factory_cases(con.cursor(), viewer, factory_id, TODAY).empty
        assert q.factory_findings(con.cursor(), viewer, factory_id, TODAY).empty
    assert disclosed
    for factory_id in disclosed:
        assert len(q.factory(con.cursor(), viewer, factory_id)) == 1
        assert set(q.factory_disclosures(con.cursor(), viewer, factory_id)["company_id"]) == {
            viewer.company_id
        }
        assert set(q.factory_cases(con.cursor(), viewer, factory_id, TODAY)["company_id"]) <= {
            viewer.company_id
        }
    listed = q.factory_list(con.cursor(), viewer, TODAY, limit=10_000)
    assert set(listed["factory_id"]) == disclosed
    assert not q.model_open_cases(con.cursor(), viewer, TODAY)["company_id"].ne(viewer.company_id).any()


def test_signed_out_viewer_sees_nothing(con, viewers) -> None:
    viewer = viewers[None]
    factory_id = sql(con, "SELECT min(factory_id) FROM factories")[0][0]
    for frame in (
        q.contracts(con.cursor(), viewer, TODAY),
        q.model_requests(con.cursor(), viewer, TODAY),
        q.company_contracts(con.cursor(), viewer, "CO0001"),
        q.factory(con.cursor(), viewer, factory_id),
        q.factory_buyers(con.cursor(), viewer, factory_id, TODAY),
        q.leverage(con.cursor(), viewer, TODAY),
        q.factory_list(con.cursor(), viewer, TODAY),
    ):
        assert frame.empty


def test_the_cached_layer_takes_the_viewer_from_the_session(demo_app: Path, monkeypatch) -> None:
    """A page cannot widen the scope: the viewer argument is replaced by the signed-in account's."""
    from ui import auth, contract_cache

    user = apptest.demo_user(demo_app, "affiliate")
    monkeypatch.setattr(auth, "user", lambda: user)
    monkeypatch.setattr("ui.present.is_on", lambda: False)
    from ui import cache

    got = contract_cache.contracts(cache.db_version(), TODAY, viewer=q.Viewer("admin"))
    with duckdb.connect(str(demo_app), read_only=True) as con:
        assert set(got["contract_id"]) == own_contracts(con, q.viewer_of(user))


@pytest.mark.parametrize("role", [*ROLES, None])
def test_narrowing_to_an_affiliate_or_a_contract_never_widens_the_view(con, viewers, role) -> None:
    """My contracts narrows its queries in SQL (staff choosing an affiliate, one contract's
    details): an account that names another affiliate or another's contract gets nothing more."""
    viewer = viewers[role]
    mine = own_contracts(con, viewer)
    others = sql(con, "SELECT contract_id, affiliate_id FROM contracts ORDER BY contract_id")
    foreign = [(c, a) for c, a in others if c not in mine]
    own = [(c, a) for c, a in others if c in mine]
    cur = con.cursor()
    for contract_id, affiliate_id in foreign[:3]:
        assert q.contracts(cur, viewer, TODAY, affiliate_id)["contract_id"].isin(mine).all()
        assert q.contract_models(cur, viewer, contract_id=contract_id).empty
        assert q.model_requests(cur, viewer, TODAY, contract_id=contract_id).empty
        assert q.model_factories(cur, viewer, TODAY, contract_id=contract_id).empty
        assert q.model_open_cases(cur, viewer, TODAY, contract_id=contract_id).empty
    for contract_id, affiliate_id in own[:3]:  # and one's own contract is narrowed to exactly it
        assert set(q.contract_models(cur, viewer, contract_id=contract_id)["contract_id"]) == {contract_id}
        narrowed = q.contracts(cur, viewer, TODAY, affiliate_id)
        assert set(narrowed["contract_id"]) == {c for c, a in own if a == affiliate_id}
