"""Presentation mode, third pass (issue 21): nothing on screen lets a webinar audience tell which
pseudonym is which real company, factory, affiliate or product.

* Order: every option list, table, chip row, tab row and list in text is ordered by pseudonym or
  by a figure, never in an order that follows real names or ids (mapped back with the key:
  Spearman |rho| < 0.5 for every list of 8 or more), on the demo world (company ids in name
  order) and on a world whose every id is assigned in name order.
* No "You", no own-organisation highlight, no exact euro amount and no full date of a contract
  period, on the pages and in the downloads.
* Why-tables and talking points name factories and products by the same pseudonyms as the rest
  of the page, the PDF report and the briefing.
"""

from __future__ import annotations

import json
import re
import shutil
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from data.presentation import pseudonyms
from tests import apptest
from tests.presentation_check import (
    EXACT_EUROS,
    busiest_factory,
    download_text,
    downloads,
    names_of,
    payload,
    real_orders,
    spearman,
)

LABEL = re.compile(r"\b(Company [A-Z]{1,2}|Factory \d+|Affiliate \d+|Product \d+)\b")
KINDS = {"Company": "company", "Factory": "factory", "Affiliate": "affiliate", "Product": "product"}
MIN_LIST = 8
STRICT = 20  # lists this long are checked by rank correlation whatever their order


# ---------------------------------------------------------------- the transform itself


@pytest.fixture(scope="module")
def small() -> pseudonyms.Pseudonyms:
    from data import store

    con = duckdb.connect()
    con.execute(store.SCHEMA_FILE.read_text())
    for i in range(12):
        con.execute(
            "INSERT INTO companies VALUES (?, ?, 'brand', 'NL')", [f"C{i:02d}", f"Name {chr(65 + i)}"]
        )
    return pseudonyms.build(con.cursor(), key="order")


def test_rows_by_name_come_back_in_pseudonym_order(small: pseudonyms.Pseudonyms) -> None:
    ids = [f"C{i:02d}" for i in range(12)]  # SQL ORDER BY name (= id order here)
    frame = pd.DataFrame(
        {"company_id": ids, "name": [f"Name {chr(65 + i)}" for i in range(12)], "role": "brand"}
    )
    out = small.order(small.frame(frame))
    assert [position(n)[1] for n in out["name"]] == list(range(12))  # Company A, B, C...
    assert [small.resolve(h) for h in out["company_id"]] != ids
    assert out.index.tolist() == list(range(12))


def test_rows_by_a_figure_keep_it_and_ties_go_by_pseudonym(small: pseudonyms.Pseudonyms) -> None:
    ids = [f"C{i:02d}" for i in range(12)]
    score = [90, 90, 90, 80, 80, 70, 70, 70, 70, 60, None, None]  # ORDER BY score DESC NULLS LAST, name
    out = small.order(small.frame(pd.DataFrame({"company_id": ids, "company": ids, "overall": score})))
    assert out["overall"].fillna(-1).tolist() == [90, 90, 90, 80, 80, 70, 70, 70, 70, 60, -1, -1]
    for _, tied in out.groupby(out["overall"].fillna(-1), sort=False):
        positions = [position(n) for n in tied["company"]]
        assert positions == sorted(positions)
    dated = pd.DataFrame(
        {
            "company_id": ids,
            "company": ids,
            "due_on": pd.to_datetime([f"2024-0{1 + i // 3}-01" for i in range(12)]),
        }
    )
    assert small.order(small.frame(dated))["due_on"].is_monotonic_increasing


def test_no_you_marker_spend_in_bands_and_periods_in_years(small: pseudonyms.Pseudonyms) -> None:
    frame = pd.DataFrame(
        {
            "company_id": ["C00", "C01"],
            "company": ["Name A", "Name B"],
            "you": [True, False],
            "annual_spend_eur": [1_946_500.0, 37_500.0],
            "combined_spend_eur": [None, 3_115_500.0],
            "start_date": pd.to_datetime(["2021-05-17", "2024-01-10"]),
            "end_date": pd.to_datetime(["2025-05-16", None]),
        }
    )
    out = small.frame(frame).set_index("company_id").loc[[small.handle("company", c) for c in ("C00", "C01")]]
    assert not out["you"].any()
    assert out["annual_spend_eur"].tolist() == ["€1–2 m", "under €0.1 m"]
    assert out["combined_spend_eur"].tolist()[1] == "€2–5 m" and pd.isna(out["combined_spend_eur"].iloc[0])
    assert out["start_date"].tolist() == [2021, 2024] and out["end_date"].tolist()[0] == 2025
    assert pd.isna(out["end_date"].iloc[1])


# ---------------------------------------------------------------- worlds


KEY = "webinar-key-1"  # a fixed key: the keyed shuffle (and so every correlation) is deterministic


@pytest.fixture(scope="module")
def keyed_db(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo world (company ids in name order) under a fixed presentation key."""
    db = tmp_path_factory.mktemp("keyed") / "keyed.duckdb"
    shutil.copyfile(demo_db, db)
    with duckdb.connect(str(db)) as con:
        pseudonyms.write_key(con, KEY)
    return db


@pytest.fixture(scope="module")
def name_ordered_db(keyed_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo world with every kind's names reassigned so that id order is name order."""
    db = tmp_path_factory.mktemp("name-ordered") / "name_ordered.duckdb"
    shutil.copyfile(keyed_db, db)
    renames = {  # table, id column, name column: one constant statement each, values bound
        ("companies", "company_id", "name"): "UPDATE companies SET name = ? WHERE company_id = ?",
        ("factories", "factory_id", "legal_name"): "UPDATE factories SET legal_name = ? WHERE factory_id = ?",
        ("affiliates", "affiliate_id", "name"): "UPDATE affiliates SET name = ? WHERE affiliate_id = ?",
        (
            "product_models",
            "product_model_id",
            "name",
        ): "UPDATE product_models SET name = ? WHERE product_model_id = ?",
    }
    with duckdb.connect(str(db)) as con:
        for (table, id_col, name_col), update in renames.items():
            rows = con.table(table).select(id_col, name_col).fetchall()
            for entity_id, name in zip(sorted(r[0] for r in rows), sorted(r[1] for r in rows), strict=True):
                con.execute(update, [name, entity_id])
    return db


def position(label: object) -> tuple[int, int]:
    """A pseudonym's place in the keyed order ("Company C" -> 2, "Factory 12" -> 11), written
    here independently of data/presentation/pseudonyms.py; anything else last."""
    found = LABEL.fullmatch(str(label))
    if not found:
        return (1, 0)
    tail = found.group(0).split(" ")[1]
    if tail.isdigit():
        return (0, int(tail) - 1)
    n = 0
    for ch in tail:
        n = n * 26 + (ord(ch) - ord("A") + 1)
    return (0, n - 1)


# ---------------------------------------------------------------- reading what a page shows


def shown_lists(at) -> dict[str, list[str]]:
    """Every ordered list of labels the page shows: option lists, table columns, chips in a
    table cell, tab rows and lists in text."""
    out: dict[str, list[str]] = {}
    for w in [*at.get("selectbox"), *at.get("multiselect")]:
        out[f"options:{w.label}"] = [str(o) for o in w.options]
    for n, element in enumerate(at.dataframe):
        frame = element.value
        frame = frame.data if hasattr(frame, "data") else frame
        leads: list[str] = []  # earlier columns of entities: later ones are ordered within their groups
        for column in frame.columns:
            cells = list(frame[column])
            if any(isinstance(v, (list, tuple, np.ndarray)) for v in cells):
                for r, v in enumerate(cells):  # a chip row ("Disclosed by"): one list per cell
                    if isinstance(v, (list, tuple, np.ndarray)):
                        out[f"chips:{n}:{column}:{r}"] = [str(x) for x in v]
                continue
            # a column of entities (each cell one pseudonym), not text that mentions some
            labels = [v for v in cells if isinstance(v, str)]
            if not labels or not all(LABEL.fullmatch(v) for v in labels):
                continue
            parents = list(zip(*(frame[c].astype(str).tolist() for c in leads), strict=True)) if leads else []
            grouped = bool(parents) and all(  # rows of one parent together: a nested list
                parents.index(p) == i or parents[i - 1] == p for i, p in enumerate(parents)
            )
            if not grouped:
                out[f"table:{n}:{column}"] = [str(v) for v in cells]
            else:
                for parent in dict.fromkeys(parents):
                    out[f"table:{n}:{column}:in {parent}"] = [
                        str(v) for v, p in zip(cells, parents, strict=True) if p == parent
                    ]
            leads.append(column)
    for n, chart in enumerate(at.get("plotly_chart")):  # legends: trace names in drawing order
        traces = json.loads(chart.proto.spec).get("data", [])
        out[f"legend:{n}"] = [
            str(t.get("name", "")) for t in traces if t.get("showlegend", True) is not False
        ]
    tabs = [t.label for t in at.tabs]
    if tabs:
        out["tabs"] = tabs
    for n, t in enumerate(at.text):
        out[f"text:{n}"] = LABEL.findall(t.value)
    return out


def entities(labels: list[str], names: pseudonyms.Pseudonyms) -> dict[str, list[str]]:
    """Per kind, the real ids behind the pseudonyms of a list, in the order shown (first showing)."""
    out: dict[str, list[str]] = {}
    for label in labels:
        for found in LABEL.findall(label):
            kind = KINDS[found.split(" ")[0]]
            real = names.real.get(found.replace(" ", "-"))
            assert real is not None and real[0] == kind, found
            if real[1] not in out.setdefault(kind, []):
                out[kind].append(real[1])
    return out


def check_order(at, page: str, names: pseudonyms.Pseudonyms, orders: dict) -> int:
    """Every list of 8 or more entities of a kind: not in real-name order, not in id order
    (|rho| < 0.5). A short list (under STRICT) in the keyed pseudonym order passes too: the
    keyed shuffle is a random permutation, and one of 8 to 19 items correlates by |rho| >= 0.5
    with any fixed order now and then by chance, telling the audience nothing. Returns how
    many lists were checked."""
    checked = 0
    for where, labels in shown_lists(at).items():
        for kind, ids in entities(labels, names).items():
            positions = [position(names.name(kind, i)) for i in ids]
            if where.startswith("chips:"):  # each cell's list by pseudonym
                assert positions == sorted(positions), (page, where)
            if len(ids) < MIN_LIST:
                continue
            by_name, by_id = orders[kind]
            shown = list(range(len(ids)))
            rho_name = spearman(shown, [by_name[i] for i in ids])
            rho_id = spearman(shown, [by_id[i] for i in ids])
            checked += 1
            if len(ids) < STRICT and positions == sorted(positions):
                continue
            assert abs(rho_name) < 0.5, (page, where, kind, round(rho_name, 2))
            assert abs(rho_id) < 0.5, (page, where, kind, round(rho_id, 2))
    return checked


def pages_of(db: Path) -> dict[str, dict[str, str]]:
    affiliate = apptest.demo_user(db, "affiliate").affiliate_id
    return {
        "overview": {},
        "company": {},  # the default company: not the first by name
        "compare": {"company": "CO0001,CO0002,CO0003,CO0004,CO0005,CO0006"},
        "transparency": {},
        "improvement": {},
        "factory": {},
        "factory ": {"factory": busiest_factory(db, affiliate)},
        "contracts": {},
        "changes": {"since": "2024-12-31"},
    }


@pytest.mark.parametrize("world", ["demo", "name_ordered"])
@pytest.mark.parametrize("role", ["affiliate", "admin"])
def test_no_list_follows_real_name_or_id_order(
    world: str, role: str, keyed_db: Path, name_ordered_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import streamlit as st

    db = keyed_db if world == "demo" else name_ordered_db
    monkeypatch.setenv("CPT_DB", str(db))
    st.cache_data.clear()
    st.cache_resource.clear()
    names, orders = names_of(db), real_orders(db)
    checked = 0
    for page, params in pages_of(db).items():
        at = apptest.open_page(page.strip(), role=role, db=db, present="1", **params)
        assert not at.exception, (page, [e.value for e in at.exception])
        checked += check_order(at, page, names, orders)
        if page == "company":  # opens on a company chosen by pseudonym or score, not by name
            first_by_name = min(orders["company"][0], key=orders["company"][0].get)
            assert (
                names.resolve(at.query_params.get("company") or at.selectbox(key="company").value)
                != first_by_name
            )
    assert checked >= 6  # company options (twice), affiliates, the leaderboard, factory lists...


# ---------------------------------------------------------------- "You", spend and periods


def contract_dates(db: Path, affiliate_id: str | None) -> set[str]:
    """Full dates of contract periods (the account's own, or all) that are no other date of the
    database (a due date or a quarter end may fall on the same day: those are shown)."""
    with duckdb.connect(str(db), read_only=True) as con:
        where = "WHERE affiliate_id = ?" if affiliate_id else ""
        rows = con.execute(
            f"SELECT start_date FROM contracts {where} UNION SELECT end_date FROM contracts {where}",  # noqa: S608
            [affiliate_id, affiliate_id] if affiliate_id else [],
        ).fetchall()
        other = con.execute(
            """SELECT requested_on FROM disclosure_requests UNION SELECT due_on FROM disclosure_requests
               UNION SELECT disclosed_on FROM disclosures UNION SELECT recorded_on FROM due_diligence
               UNION SELECT opened_on FROM cases UNION SELECT event_date FROM events
               UNION SELECT due_on FROM expectations UNION SELECT set_on FROM expectations"""
        ).fetchall()
    others = {str(d) for (d,) in other} | {
        str(d.date()) for d in pd.date_range("2015-01-01", "2030-12-31", freq="QE")
    }
    others.add(str(date.today()))  # the day a download is made
    return {str(d) for (d,) in rows if d is not None} - others


@pytest.mark.parametrize("role", ["affiliate", "admin"])
def test_no_you_no_exact_spend_no_contract_dates(demo_app: Path, deferred: dict, role: str) -> None:  # noqa: F811
    user = apptest.demo_user(demo_app, "affiliate")
    with duckdb.connect(str(demo_app), read_only=True) as con:
        company = con.execute(
            "SELECT company_id FROM contracts WHERE affiliate_id = ? ORDER BY start_date DESC",
            [user.affiliate_id],
        ).fetchone()[0]
    dates = contract_dates(demo_app, user.affiliate_id if role == "affiliate" else None)
    assert dates
    pages = {
        "factory": {"factory": busiest_factory(demo_app, user.affiliate_id)},
        "factory ": {},
        "contracts": {},
        "company": {"company": company},
        "overview": {},
        "transparency": {},
        "changes": {"since": "2024-12-31"},
    }
    for page, params in pages.items():
        at = apptest.open_page(page.strip(), role=role, present="1", **params)
        assert not at.exception, (page, [e.value for e in at.exception])
        text = payload(at)
        assert not re.search(r"\bYou\b|\(you\)|Your contract\b", text), page
        assert not EXACT_EUROS.search(text), (page, EXACT_EUROS.search(text))
        assert not [d for d in dates if d in text], page
        for element in at.dataframe:
            frame = element.value
            frame = frame.data if hasattr(frame, "data") else frame
            assert "you" not in frame.columns and "Your contract" not in frame.columns, page
            for column in frame.columns:
                if "spend" in str(column).lower():
                    assert not pd.api.types.is_numeric_dtype(frame[column]), (page, column)
                    assert not frame[column].astype(str).str.contains(EXACT_EUROS).any(), (page, column)
                if pd.api.types.is_datetime64_any_dtype(frame[column]):
                    shown = {str(d.date()) for d in frame[column].dropna()}
                    assert not shown & dates, (page, column)
            cells = frame.astype(str).to_csv()
            assert not [d for d in dates if d in cells], page
        for metric in at.metric:
            assert not EXACT_EUROS.search(str(metric.value)), (page, metric.label, metric.value)
        for name, data in downloads(at, deferred).items():
            content = re.sub(r"<script.*?</script>", "", download_text(data), flags=re.S)  # not Plotly's code
            assert not EXACT_EUROS.search(content), (page, name)
            assert not [d for d in dates if d in content], (page, name)
            assert not re.search(r"\bYou\b", content), (page, name)


# ---------------------------------------------------------------- the same pseudonyms everywhere


def test_why_tables_talking_points_report_and_briefing_use_the_same_pseudonyms(
    demo_app: Path,
    deferred: dict,  # noqa: F811
) -> None:
    names = names_of(demo_app)
    company = "CO0011"  # cases at several factories, overdue requests and actions
    with duckdb.connect(str(demo_app), read_only=True) as con:
        factories = {
            r[0]
            for r in con.execute("SELECT factory_id FROM cases WHERE company_id = ?", [company]).fetchall()
        }
        factories |= {r[0] for r in con.execute("SELECT d.factory_id FROM disclosures d JOIN disclosure_requests r USING (request_id) WHERE r.company_id = ?", [company]).fetchall()}  # fmt: skip
        products = {r[0] for r in con.execute("SELECT product_model_id FROM product_models WHERE company_id = ?", [company]).fetchall()}  # fmt: skip
    own = {names.name("factory", f) for f in factories} | {names.name("product", p) for p in products}

    at = apptest.open_page("company", role="affiliate", present="1", company=company)
    assert not at.exception
    why = [f.value for f in at.dataframe[:3]]
    why_text = "\n".join(f.to_csv() for f in why)
    assert pseudonyms.HIDDEN not in why_text and "unnamed" not in why_text
    on_page = set(LABEL.findall(why_text)) - {names.name("company", company)}
    assert on_page and on_page <= own  # each pseudonym is the company's own factory or product
    case_factories = set(why[2]["Factory"]) if "Factory" in why[2].columns else set()
    assert case_factories and case_factories <= {names.name("factory", f) for f in factories}
    report = download_text(next(d for n, d in downloads(at, deferred).items() if n.endswith(".pdf")))
    in_report = set(LABEL.findall(report)) - {names.name("company", company)}
    assert in_report <= own and case_factories <= in_report  # the same factory, the same pseudonym

    cmp = apptest.open_page("compare", role="affiliate", present="1", company=f"{company},CO0001")
    assert not cmp.exception
    points = "\n".join(m.value for m in cmp.markdown if "**" in m.value and ":" in m.value)
    assert "unnamed" not in points and pseudonyms.HIDDEN not in points
    k = names.name("company", company)
    tab = next(t for t in cmp.tabs if t.label == k)
    tab_text = "\n".join(m.value for m in tab.markdown)
    mentioned = set(LABEL.findall(tab_text))
    assert mentioned and mentioned <= own
    briefing = download_text(next(d for n, d in downloads(cmp, deferred).items() if "briefing" in n))
    in_briefing = set(LABEL.findall(briefing.replace("\n", " "))) - {k, names.name("company", "CO0001")}
    assert "unnamed" not in briefing
    own_other = {names.name("factory", f) for f in factories} | {names.name("product", p) for p in products}
    with duckdb.connect(str(demo_app), read_only=True) as con:
        for (f,) in con.execute("SELECT factory_id FROM cases WHERE company_id = 'CO0001' UNION SELECT d.factory_id FROM disclosures d JOIN disclosure_requests r USING (request_id) WHERE r.company_id = 'CO0001'").fetchall():  # fmt: skip
            own_other.add(names.name("factory", f))
        for (p,) in con.execute(
            "SELECT product_model_id FROM product_models WHERE company_id = 'CO0001'"
        ).fetchall():
            own_other.add(names.name("product", p))
    assert in_briefing <= own_other
