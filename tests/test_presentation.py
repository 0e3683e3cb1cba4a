"""Presentation mode: keyed pseudonyms, no real name, id, address or city in anything a webinar
audience could see (every page's payload, the URL, every download), for the demo world and a
world whose names are full of punctuation."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from data import store
from data.presentation import pseudonyms
from data.store import writes
from tests import apptest
from tests.presentation_check import _check_pages, names_of, payload

PAGES = {
    "overview": {},
    "company": {"company": "CO0011"},
    "compare": {"company": "CO0001,CO0011,CO0012"},
    "transparency": {},
    "improvement": {},
    "methodology": {},
}


# ---------------------------------------------------------------- the keyed shuffle


def _ranks(values: list[str]) -> list[int]:
    return [sorted(values).index(v) for v in values]


def _spearman(a: list[int], b: list[int]) -> float:
    return float(pd.Series(a).rank().corr(pd.Series(b).rank()))  # Spearman: Pearson of the ranks


def _position(label: str) -> int:
    """'Company C' -> 2, 'Company AA' -> 26, 'Factory 12' -> 11."""
    tail = label.split(" ", 1)[1]
    if tail.isdigit():
        return int(tail) - 1
    n = 0
    for ch in tail:
        n = n * 26 + (ord(ch) - ord("A") + 1)
    return n - 1


@pytest.mark.parametrize("key", ["webinar-key-1", "another key", None])
def test_pseudonym_order_follows_neither_id_nor_name_order(demo_db: Path, key: str | None) -> None:
    with duckdb.connect(str(demo_db), read_only=True) as con:
        names = pseudonyms.build(con.cursor(), key=key)  # None: the key stored in the file
        rows = con.execute("SELECT company_id, name FROM companies").fetchall()
        factories = [i for (i,) in con.execute("SELECT factory_id FROM factories").fetchall()]
    by_id = sorted(rows)
    positions = [_position(names.name("company", i)) for i, _ in by_id]
    assert sorted(positions) == list(range(len(rows)))  # A, B, C, ... each once
    assert positions != sorted(positions) and positions != sorted(positions, reverse=True)
    by_name = sorted(rows, key=lambda r: r[1])
    assert [_position(names.name("company", i)) for i, _ in by_name] != list(range(len(rows)))
    f_positions = [_position(names.name("factory", i)) for i in sorted(factories)]
    assert f_positions != sorted(f_positions)
    if key is not None:  # fixed keys: the shuffle is deterministic, so its correlation is too
        assert abs(_spearman(list(range(len(rows))), positions)) < 0.5  # not id order
        assert (
            abs(_spearman(list(range(len(rows))), [_position(names.name("company", i)) for i, _ in by_name]))
            < 0.5
        )
        assert abs(_spearman(list(range(len(factories))), f_positions)) < 0.2


def test_every_new_database_has_its_own_key(tmp_path: Path) -> None:
    from data import demo

    keys = []
    for name in ("a.duckdb", "b.duckdb"):
        writes.create(tmp_path / name, demo.fill_demo)
        with duckdb.connect(str(tmp_path / name), read_only=True) as con:
            keys.append(pseudonyms.read_key(con.cursor()))
    assert all(k and len(k) == 64 for k in keys) and keys[0] != keys[1]
    assert names_of(tmp_path / "a.duckdb").label != names_of(tmp_path / "b.duckdb").label


def test_pseudonyms_are_stable_until_the_key_is_rotated(demo_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "rotate.duckdb"
    shutil.copyfile(demo_db, db)
    first, again = names_of(db), names_of(db)
    assert first.label == again.label
    counts = {}
    with duckdb.connect(str(db), read_only=True) as con:
        for kind, table in (("company", "companies"), ("factory", "factories"), ("affiliate", "affiliates"),
                            ("product", "product_models"), ("case", "cases")):  # fmt: skip
            counts[kind] = con.table(table).aggregate("count(*)").fetchall()[0][0]
    for kind, n in counts.items():
        labels = [v for (k, _), v in first.label.items() if k == kind]
        assert len(labels) == n and len(set(labels)) == n, kind  # every entity, no two alike
    writes.rotate_presentation_key(db, who="demo-admin")
    rotated = names_of(db)
    assert rotated.label != first.label
    assert set(rotated.label.values()) == set(first.label.values())  # same pseudonyms, other owners
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT who, action FROM audit_log ORDER BY audit_id DESC LIMIT 1").fetchone() == (
            "demo-admin",
            "presentation key",
        )
    assert len(store.list_backups(db)) == 1  # published as a new version of the file


def test_a_file_without_a_key_still_gets_keyed_pseudonyms(demo_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "old.duckdb"
    shutil.copyfile(demo_db, db)
    with duckdb.connect(str(db)) as con:
        con.execute("DELETE FROM meta WHERE key = ?", [pseudonyms.KEY_NAME])
    names = names_of(db)
    assert names.temporary_key and names.label == names_of(db).label
    assert [_position(names.name("company", f"CO{i:04d}")) for i in range(1, 26)] != list(range(25))


# ---------------------------------------------------------------- disguise by id


PUNCTUATED = {"C1": "Foxhollow, Inc.", "C2": "Quillon · Marsh Devices", "C3": 'Orrin "Quote" / Slash \\ Ltd.'}


@pytest.fixture
def small() -> pseudonyms.Pseudonyms:
    con = duckdb.connect()
    con.execute(store.SCHEMA_FILE.read_text())
    for cid, name in PUNCTUATED.items():
        con.execute("INSERT INTO companies VALUES (?, ?, 'brand', 'VN')", [cid, name])
    con.execute("INSERT INTO companies VALUES ('C4', '**Bold** [x](y)', 'brand', 'US')")
    con.execute("INSERT INTO factories (factory_id, legal_name, address, city, country, tier, component_type) "
                "VALUES ('F1', 'Hushbook, Pro 14 Plant', '1 Road, Hai Phong', 'Hai Phong', 'VN', 'components', "
                "'battery')")  # fmt: skip
    con.execute("INSERT INTO product_models VALUES ('P1', 'C1', 'Hushbook, Pro 14', 'laptop')")
    return pseudonyms.build(con.cursor(), key="k")


def test_names_are_swapped_by_id_whatever_their_punctuation(small: pseudonyms.Pseudonyms) -> None:
    frame = pd.DataFrame({
        "company_id": ["C1", "C2", "C3"], "company": list(PUNCTUATED.values()),
        "company_ids": [["C1", "C2"], ["C3"], []], "companies": [["Foxhollow, Inc.", "Quillon · Marsh Devices"],
                                                                  ['Orrin "Quote" / Slash \\ Ltd.'], []],
        "factory_id": ["F1", "F1", None], "factory": ["Hushbook, Pro 14 Plant"] * 2 + [None],
        "country": ["VN", "VN", None], "city": ["Hai Phong", None, "Hai Phong"], "title": ["x", None, "y"],
        "scope": ["components", "final_assembly", "components"], "score": [1.5, None, 3.0],
        "mystery": ["Foxhollow, Inc.", "b", "c"], "factories": [3, 0, 12],
    })  # fmt: skip
    out = small.frame(frame)
    c1, c2, c3 = (small.name("company", c) for c in ("C1", "C2", "C3"))
    assert out["company"].tolist() == [c1, c2, c3]
    assert out["company_id"].tolist() == [c1.replace(" ", "-"), c2.replace(" ", "-"), c3.replace(" ", "-")]
    # a cell's list in pseudonym order (not the SQL's order by real name)
    assert [list(v) for v in out["companies"]] == [sorted([c1, c2], key=pseudonyms.position), [c3], []]
    assert out["factory"].tolist()[:2] == [small.name("factory", "F1")] * 2 and pd.isna(
        out["factory"].iloc[2]
    )
    assert out["country"].tolist()[:2] == [pseudonyms.OTHER_REGION] * 2  # one factory in Southeast Asia
    assert out["city"].fillna("-").tolist() == [pseudonyms.HIDDEN, "-", pseudonyms.HIDDEN]
    assert out["title"].fillna("-").tolist() == [pseudonyms.HIDDEN, "-", pseudonyms.HIDDEN]
    assert out["scope"].tolist() == ["components", "final_assembly", "components"]  # vocabulary stays
    assert out["score"].tolist()[::2] == [1.5, 3.0]
    assert out["mystery"].tolist() == [pseudonyms.HIDDEN] * 3  # an undeclared text column: hidden
    assert out["factories"].tolist() == [3, 0, 12]  # a count named like a list of names stays a count
    text = out.to_csv()
    assert not any(n in text for n in [*PUNCTUATED.values(), "Hushbook", "Hai Phong", "C1", "F1"])
    assert all(small.resolve(h) == c for h, c in zip(out["company_id"], ["C1", "C2", "C3"], strict=True))


def test_vocabulary_that_contains_a_real_name_is_hidden(small: pseudonyms.Pseudonyms) -> None:
    out = small.frame(pd.DataFrame({"status": ["scored", "Foxhollow, Inc. scored"], "n": [1, 2]}))
    assert out["status"].tolist() == ["scored", pseudonyms.HIDDEN]


def test_regions_need_several_entities(demo_db: Path) -> None:
    names = names_of(demo_db)
    assert names.region("factory", "VN") == "Southeast Asia"
    assert names.region("factory", "CN") == "East Asia"
    assert names.region("company", "NL") == "Europe"
    assert names.region("company", "US") == pseudonyms.OTHER_REGION  # two US companies only


# ---------------------------------------------------------------- pages and downloads


@pytest.mark.parametrize("role", ["admin", "affiliate"])
def test_no_real_name_id_address_or_city_on_any_page_or_download(
    demo_app: Path, deferred: dict, role: str
) -> None:
    seen = _check_pages(demo_app, deferred, role, PAGES)
    names = names_of(demo_app)
    k = names.name("company", "CO0011")
    for page in ("overview", "company", "compare"):
        assert k in seen[page], page  # Kelvaro (CO0011) under its pseudonym
    files = [n for n in seen if n not in PAGES]
    assert any(n.endswith(".pdf") for n in files) and any(n.endswith(".html") for n in files)
    assert any(".csv" in n for n in files) and any("xlsx" in n for n in files)
    assert f"cpt-report-{k.replace(' ', '-')}-" in " ".join(files)  # the handle names the file


def test_company_filter_and_selection_use_handles(demo_app: Path) -> None:
    names = names_of(demo_app)
    k = names.name("company", "CO0011")
    for page in ("transparency", "improvement"):
        at = apptest.open_page(page, present="1", company="CO0011")
        assert not at.exception
        assert at.query_params["company"] == [k.replace(" ", "-")] or at.query_params["company"] == k.replace(
            " ", "-"
        )
        assert k in payload(at) and "Kelvaro" not in payload(at)


def test_pseudonyms_are_the_same_on_every_page_and_rerun(demo_app: Path) -> None:
    k = names_of(demo_app).name("company", "CO0011")
    company = apptest.open_page("company", present="1", company="CO0011")
    assert company.title[0].value == k
    assert company.query_params["company"] in ([k.replace(" ", "-")], k.replace(" ", "-"))
    company.run()
    assert company.title[0].value == k
    by_handle = apptest.open_page("company", present="1", company=k.replace(" ", "-"))
    assert by_handle.title[0].value == k and not by_handle.error
    board = apptest.open_page("overview", present="1").dataframe[0].value
    board = board.data if hasattr(board, "data") else board
    assert board.set_index("company_id").at[k.replace(" ", "-"), "Company"] == k
    improvement = apptest.open_page("improvement", present="1", company="CO0011")
    assert k in payload(improvement)


@pytest.mark.parametrize("page", ["overview", "transparency", "improvement"])
def test_numbers_are_the_same_with_and_without_presentation_mode(demo_app: Path, page: str) -> None:
    plain = apptest.open_page(page)
    shown = apptest.open_page(page, present="1")
    assert [(m.label, m.value) for m in shown.metric] == [(m.label, m.value) for m in plain.metric]
    assert pseudonyms.HIDDEN not in " ".join(str(m.value) for m in shown.metric)


def test_company_page_says_region_not_country_or_id(demo_app: Path) -> None:
    with duckdb.connect(str(demo_app), read_only=True) as con:
        tw = con.execute("SELECT company_id FROM companies WHERE hq_country = 'TW' ORDER BY 1").fetchone()[0]
    at = apptest.open_page("company", present="1", company=tw)  # HQ in Taiwan
    caption = " ".join(c.value for c in at.caption)
    assert "HQ East Asia" in caption and " id " not in caption and "TW" not in caption


def test_switching_presentation_off_keeps_the_company(demo_app: Path) -> None:
    k = names_of(demo_app).name("company", "CO0011").replace(" ", "-")
    at = apptest.open_page("company", role="admin", present="1", company="CO0011")
    at.toggle(key="present_toggle").set_value(False).run()
    assert "present" not in at.query_params
    assert at.title[0].value == "Kelvaro Networks" and at.query_params["company"] in (["CO0011"], "CO0011")
    assert k not in payload(at)


def test_staff_pages_are_hidden_while_presenting(demo_app: Path) -> None:
    at = apptest.open_page("data", role="admin", present="1")
    assert "Staff pages are hidden in presentation mode." in [i.value for i in at.info]
    assert not at.get("file_uploader")
    pages = [e.proto.page for e in at.sidebar if type(e).__name__ == "PageLink"]
    assert "data" not in pages and "accounts" not in pages


def test_links_keep_presentation_mode(demo_app: Path) -> None:
    at = apptest.open_page("overview", role="affiliate", present="1")
    links = [e.proto for e in at.sidebar if type(e).__name__ == "PageLink"]
    assert links and all("present=1" in link.query_string for link in links)
    assert at.toggle(key="present_toggle").value is True


def test_company_accounts_cannot_present(demo_app: Path) -> None:
    at = apptest.open_page("company", role="company", present="1")
    assert not at.get("toggle")
    assert at.title[0].value == "Jovance Micro"  # its own name: presentation mode is not for company accounts


def test_staff_rotate_the_key_from_the_accounts_page(writable_demo_app: Path) -> None:
    before = names_of(writable_demo_app).label
    at = apptest.open_page("accounts", role="admin")
    at.button(key="rotate_presentation_key").click().run()
    assert not at.exception
    assert names_of(writable_demo_app).label != before
    assert any("pseudonym" in s.value for s in at.success)


# ---------------------------------------------------------------- the punctuation world


def test_no_real_name_in_the_punctuation_world(hostile_app: Path, deferred: dict) -> None:
    """The hostile world (tests/hostile_world.py: names with commas, middle dots, slashes,
    quotes, Markdown and 4,000-character text)."""
    punctuation_db = hostile_app
    with duckdb.connect(str(punctuation_db), read_only=True) as con:
        foxhollow = con.execute("SELECT company_id FROM companies WHERE name = 'Foxhollow, Inc.'").fetchone()
    pages = {**PAGES, "company": {"company": foxhollow[0]} if foxhollow else {"company": "CO0011"}}
    seen = _check_pages(punctuation_db, deferred, "affiliate", pages)
    assert "Inc." not in seen["overview"] and "Marsh" not in seen["improvement"]


def test_accounts_page_warns_about_a_missing_key_without_building_pseudonyms(
    demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Building every pseudonym takes about 20 s at scale 1000: the Accounts page only reads
    whether the file has a key."""
    import streamlit as st

    keyless = tmp_path / "old.duckdb"
    shutil.copyfile(demo_db, keyless)
    with duckdb.connect(str(keyless)) as con:
        con.execute("DELETE FROM meta WHERE key = ?", [pseudonyms.KEY_NAME])

    def no_build(*args, **kwargs):
        raise AssertionError("pseudonyms built for the Accounts page")

    monkeypatch.setattr(pseudonyms, "build", no_build)
    for db, warned in ((demo_db, False), (keyless, True)):
        monkeypatch.setenv("CPT_DB", str(db))
        st.cache_data.clear()
        st.cache_resource.clear()
        at = apptest.open_page("accounts", role="admin", db=db)
        assert not at.exception, [e.value for e in at.exception]
        assert any("no presentation key" in w.value for w in at.warning) == warned, db.name
