"""The fictional demo world: deterministic, the sizes DESIGN.md promises, consistent, invented."""

from __future__ import annotations

import csv
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pytest

from data import demo
from data.store.tables import TABLES

ROOT = Path(__file__).resolve().parent.parent

# Real electronics brands, contract manufacturers and component makers: none may appear.
REAL_NAMES = [
    "Apple",
    "Samsung",
    "Dell",
    "Lenovo",
    "HP",
    "Hewlett",
    "Acer",
    "Asus",
    "Microsoft",
    "Sony",
    "LG",
    "Huawei",
    "Xiaomi",
    "Toshiba",
    "Fujitsu",
    "Panasonic",
    "Philips",
    "Foxconn",
    "Hon Hai",
    "Pegatron",
    "Quanta",
    "Compal",
    "Wistron",
    "Inventec",
    "Flex",
    "Jabil",
    "Celestica",
    "Sanmina",
    "Luxshare",
    "BYD",
    "Intel",
    "AMD",
    "Nvidia",
    "Qualcomm",
    "TSMC",
    "Micron",
    "Kingston",
    "Canon",
    "Epson",
    "Brother",
    "Xerox",
    "Kyocera",
    "Ricoh",
    "Cisco",
    "Juniper",
    "Logitech",
    "Sharp",
    "NEC",
    "Medion",
    "Razer",
    "Google",
    "Amazon",
    "Nokia",
    "Ericsson",
    "Motorola",
    "Oppo",
    "Vivo",
    "OnePlus",
    "Realme",
    "Fairphone",
    "Catcher",
    "Goertek",
    "Sunwoda",
    "Desay",
    "BOE",
    "AU Optronics",
    "Innolux",
    "CATL",
    "Delta Electronics",
]


@pytest.fixture(scope="module")
def con(demo_db: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(demo_db), read_only=True)
    yield con
    con.close()


def count(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    return con.execute(sql).fetchone()[0]


def test_two_builds_export_byte_identical(tmp_path: Path) -> None:
    outs = []
    for run in ("a", "b"):
        db = tmp_path / f"{run}.duckdb"
        out = tmp_path / f"export-{run}"
        for args in (["init", "--demo", "--db", str(db)], ["export", "--db", str(db), "--out", str(out)]):
            done = subprocess.run(
                [sys.executable, "-m", "data", *args], cwd=ROOT, capture_output=True, text=True
            )
            assert done.returncode == 0, done.stderr
        outs.append(out)
    for table in TABLES:
        assert (outs[0] / f"{table}.csv").read_bytes() == (outs[1] / f"{table}.csv").read_bytes(), table


def test_export_writes_every_table_with_the_contract_columns(demo_db: Path, tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "data", "export", "--db", str(demo_db), "--out", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    for name, table in TABLES.items():
        with open(tmp_path / f"{name}.csv", encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        assert rows[0] == table.column_names
        assert len(rows) > 1, f"{name} is empty"
    first = next(csv.DictReader(open(tmp_path / "disclosures.csv", encoding="utf-8")))
    assert first["complete"] in ("true", "false")
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", first["disclosed_on"])


@pytest.mark.parametrize(
    ("sql", "low", "high"),
    [
        ("SELECT count(*) FROM companies", 25, 25),
        ("SELECT count(*) FROM affiliates", 50, 70),
        ("SELECT count(DISTINCT country) FROM affiliates", 10, 10),
        ("SELECT count(*) FROM product_models", 120, 180),
        ("SELECT count(*) FROM factories", 350, 450),
        ("SELECT count(DISTINCT country) FROM factories", 10, 14),
        ("SELECT count(DISTINCT role) FROM companies", 3, 3),
        ("SELECT count(DISTINCT tier) FROM factories", 2, 2),
        ("SELECT count(DISTINCT component_type) FROM factories", 5, 10),
        ("SELECT count(DISTINCT code_area) FROM findings", 8, 11),
        ("SELECT max(n) FROM (SELECT count(*) n FROM findings GROUP BY case_id)", 1, 6),
        ("SELECT min(n) FROM (SELECT count(*) n FROM findings GROUP BY case_id)", 1, 6),
        ("SELECT count(*) FROM events WHERE event_type = 'retaliation_confirmed'", 1, 3),
        ("SELECT count(*) FROM disclosures WHERE NOT complete", 1, 10**6),
        (
            "SELECT count(*) FROM disclosures d JOIN disclosure_requests r USING (request_id) WHERE d.disclosed_on > r.due_on",
            1,
            10**6,
        ),
    ],
)
def test_counts_within_design_ranges(con: duckdb.DuckDBPyConnection, sql: str, low: int, high: int) -> None:
    assert low <= count(con, sql) <= high


@pytest.mark.parametrize("table", list(TABLES))
def test_every_table_non_empty(con: duckdb.DuckDBPyConnection, table: str) -> None:
    assert count(con, f"SELECT count(*) FROM {table}") > 0


@pytest.mark.parametrize(
    ("table", "column"),
    [
        ("disclosure_requests", "requested_on"),
        ("disclosures", "disclosed_on"),
        ("due_diligence", "recorded_on"),
        ("cases", "opened_on"),
        ("events", "event_date"),
    ],
)
def test_evidence_dates_within_2019_and_today(
    con: duckdb.DuckDBPyConnection, table: str, column: str
) -> None:
    [(low, high)] = con.cursor().table(table).aggregate(f"min({column}), max({column})").fetchall()
    assert low >= date(2019, 1, 1)
    assert high <= demo.last_quarter_end(date.today()) <= date.today()


def test_requests_run_to_the_last_quarter(con: duckdb.DuckDBPyConnection) -> None:
    last = con.execute("SELECT max(requested_on) FROM disclosure_requests").fetchone()[0]
    assert (demo.last_quarter_end(date.today()) - last).days < 130


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT count(*) FROM disclosures d JOIN disclosure_requests r USING (request_id) WHERE d.disclosed_on < r.requested_on",
        "SELECT count(*) FROM events e JOIN cases c USING (case_id) WHERE e.event_date < c.opened_on",
        "SELECT count(*) FROM contracts WHERE end_date < start_date",
        "SELECT count(*) FROM cases c WHERE NOT EXISTS (SELECT 1 FROM findings f WHERE f.case_id = c.case_id)",
    ],
)
def test_cross_table_rules_hold(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    assert count(con, sql) == 0


def test_companies_have_stories(con: duckdb.DuckDBPyConnection) -> None:
    no_evidence = count(
        con,
        "SELECT count(*) FROM companies c WHERE NOT EXISTS (SELECT 1 FROM disclosure_requests r WHERE r.company_id = c.company_id)"
        " AND NOT EXISTS (SELECT 1 FROM cases k WHERE k.company_id = c.company_id)",
    )
    assert no_evidence == 1
    dd_only = count(
        con,
        "SELECT count(*) FROM (SELECT r.company_id FROM disclosure_requests r LEFT JOIN disclosures d USING (request_id)"
        " GROUP BY r.company_id HAVING count(d.request_id) = 0)",
    )
    assert dd_only == 1


def test_no_real_brand_or_manufacturer_name(demo_db: Path, tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "data", "export", "--db", str(demo_db), "--out", str(tmp_path)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    text = "\n".join((tmp_path / f"{t}.csv").read_text(encoding="utf-8") for t in TABLES)
    assert len(REAL_NAMES) >= 40
    found = [n for n in REAL_NAMES if re.search(rf"\b{re.escape(n)}\b", text, flags=re.IGNORECASE)]
    assert found == []


def test_scale_multiplies_the_world() -> None:
    one = demo.build_world(1, today=date(2026, 11, 26))
    three = demo.build_world(3, today=date(2026, 11, 26))
    for table in ("companies", "product_models", "factories"):
        assert len(three[table]) == 3 * len(one[table]), table
    for table in ("disclosure_requests", "disclosures", "cases", "findings", "events"):
        assert 2.5 * len(one[table]) < len(three[table]) < 3.5 * len(one[table]), table
    assert three["companies"]["name"].is_unique and three["factories"]["legal_name"].is_unique


def test_init_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    db = tmp_path / "x.duckdb"

    def run(*a: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "data", *a], cwd=ROOT, capture_output=True, text=True)

    assert run("init", "--db", str(db)).returncode == 0
    before = db.read_bytes()
    refused = run("init", "--demo", "--db", str(db))
    assert refused.returncode != 0
    assert "already exists" in refused.stderr and "--force" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert db.read_bytes() == before
    assert run("init", "--demo", "--db", str(db), "--force").returncode == 0
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM companies").fetchone()[0] == 25


def test_db_path_precedence(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from data import store

    monkeypatch.setenv("CPT_DB", str(tmp_path / "env.duckdb"))
    assert store.db_path("cli.duckdb") == Path("cli.duckdb")
    assert store.db_path() == tmp_path / "env.duckdb"
    monkeypatch.delenv("CPT_DB")
    assert store.db_path() == ROOT / "data" / "cpt.duckdb"


LEVERAGE = """
    WITH made AS (SELECT DISTINCT d.factory_id, r.company_id, r.product_model_id
                  FROM disclosures d JOIN disclosure_requests r USING (request_id)
                  JOIN factories f USING (factory_id) WHERE f.tier = 'final_assembly'),
         bought AS (SELECT DISTINCT m.factory_id, m.company_id, k.affiliate_id
                    FROM made m JOIN contract_products cp USING (product_model_id)
                    JOIN contracts k USING (contract_id))
    SELECT factory_id, count(DISTINCT company_id) AS companies, count(DISTINCT affiliate_id) AS affiliates,
           bool_or(affiliate_id = (SELECT affiliate_id FROM users WHERE username = 'demo-affiliate')) AS demo
    FROM bought GROUP BY factory_id
"""


def test_demo_world_makes_collective_leverage_visible(con: duckdb.DuckDBPyConnection) -> None:
    """Several affiliates buy products made at one factory that two companies disclosed, and the
    demo affiliate is one of them, with several contracts of its own, some of them current."""
    shared = con.execute(
        f"SELECT count(*) FROM ({LEVERAGE}) WHERE companies >= 2 AND affiliates >= 3 AND demo"  # noqa: S608
    ).fetchone()[0]
    assert shared >= 1
    [(contracts, current)] = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE start_date <= current_date AND end_date >= current_date)"
        " FROM contracts JOIN users USING (affiliate_id) WHERE username = 'demo-affiliate'"
    ).fetchall()
    assert contracts >= 4 and current >= 2


def test_some_demo_factories_have_coordinates_near_their_city(con: duckdb.DuckDBPyConnection) -> None:
    [(located, total, lat_lo, lat_hi, lon_lo, lon_hi)] = con.execute(
        "SELECT count(latitude), count(*), min(latitude), max(latitude), min(longitude), max(longitude) FROM factories"
    ).fetchall()
    assert 0.4 * total < located < 0.9 * total  # optional: some have none
    assert -90 <= lat_lo and lat_hi <= 90 and -180 <= lon_lo and lon_hi <= 180
    far = con.execute(
        "SELECT count(*) FROM (SELECT city, max(latitude) - min(latitude) AS spread FROM factories GROUP BY city)"
        " WHERE spread > 0.2"
    ).fetchone()[0]
    assert far == 0
