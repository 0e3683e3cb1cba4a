"""Each schema constraint rejects what it should (DATA_FORMAT.md tables as DuckDB constraints)."""

from __future__ import annotations

import duckdb
import pytest

from data import store

PARENTS = [
    "INSERT INTO companies VALUES ('C1', 'Acme-free Co', 'brand', 'NL')",
    "INSERT INTO affiliates VALUES ('A1', 'City of Nowhere', 'NL', 'municipality')",
    "INSERT INTO product_models VALUES ('P1', 'C1', 'Model 1', 'laptop')",
    "INSERT INTO contracts VALUES ('K1', 'A1', 'C1', DATE '2020-01-01', NULL, 1000)",
    "INSERT INTO factories (factory_id, legal_name, address, city, country, tier, component_type)"
    " VALUES ('F1', 'Plant One Ltd', 'No. 1 Road', 'Town', 'CN', 'final_assembly', NULL)",
    "INSERT INTO disclosure_requests VALUES ('R1', 'C1', 'P1', 'components', DATE '2021-01-01', DATE '2021-03-01')",
    "INSERT INTO cases VALUES ('K1', 'C1', 'F1', DATE '2021-01-01', NULL)",
    "INSERT INTO cases VALUES ('K2', 'C1', 'F1', DATE '2021-01-01', NULL)",
    "INSERT INTO findings VALUES ('X1', 'K1', 'wages', 'major', NULL)",
    "INSERT INTO findings VALUES ('X2', 'K2', 'wages', 'minor', NULL)",
]

BAD = {
    "company role": "INSERT INTO companies VALUES ('C2', 'N', 'maker', NULL)",
    "company without name": "INSERT INTO companies VALUES ('C2', NULL, 'brand', NULL)",
    "duplicate company id": "INSERT INTO companies VALUES ('C1', 'N', 'brand', NULL)",
    "id longer than 64": f"INSERT INTO companies VALUES ('{'x' * 65}', 'N', 'brand', NULL)",
    "empty id": "INSERT INTO companies VALUES ('', 'N', 'brand', NULL)",
    "lowercase country": "INSERT INTO affiliates VALUES ('A2', 'N', 'nl', NULL)",
    "contract end before start": "INSERT INTO contracts VALUES ('K2', 'A1', 'C1', DATE '2020-01-01', DATE '2019-01-01', 1)",
    "negative spend": "INSERT INTO contracts VALUES ('K2', 'A1', 'C1', DATE '2020-01-01', NULL, -1)",
    "contract of unknown company": "INSERT INTO contracts VALUES ('K2', 'A1', 'NOPE', DATE '2020-01-01', NULL, 1)",
    "product category": "INSERT INTO product_models VALUES ('P2', 'C1', 'M', 'toaster')",
    "contract product unknown model": "INSERT INTO contract_products VALUES ('K1', 'NOPE')",
    "factory tier": "INSERT INTO factories (factory_id, legal_name, address, city, country, tier, component_type) VALUES ('F2', 'N', NULL, NULL, 'CN', 'assembly', NULL)",
    "factory latitude out of range": "INSERT INTO factories VALUES ('F2', 'N', NULL, NULL, 'CN', 'components', NULL, 91.0, 10.0)",
    "factory longitude out of range": "INSERT INTO factories VALUES ('F2', 'N', NULL, NULL, 'CN', 'components', NULL, 10.0, -180.5)",
    "factory latitude without longitude": "INSERT INTO factories VALUES ('F2', 'N', NULL, NULL, 'CN', 'components', NULL, 10.0, NULL)",
    "expectation score out of range": "INSERT INTO expectations VALUES ('X1', 'A1', 'C1', 'overall', '101', DATE '2027-01-01', NULL, 'u', DATE '2024-01-01')",
    "expectation score not a number": "INSERT INTO expectations VALUES ('X1', 'A1', 'C1', 'sct', 'high', DATE '2027-01-01', NULL, 'u', DATE '2024-01-01')",
    "expectation band unknown": "INSERT INTO expectations VALUES ('X1', 'A1', 'C1', 'band', 'Great', DATE '2027-01-01', NULL, 'u', DATE '2024-01-01')",
    "expectation kind": "INSERT INTO expectations VALUES ('X1', 'A1', 'C1', 'stars', '5', DATE '2027-01-01', NULL, 'u', DATE '2024-01-01')",
    "expectation of unknown affiliate": "INSERT INTO expectations VALUES ('X1', 'NOPE', 'C1', 'band', 'Good', DATE '2027-01-01', NULL, 'u', DATE '2024-01-01')",
    "request scope": "INSERT INTO disclosure_requests VALUES ('R2', 'C1', NULL, 'everything', DATE '2021-01-01', DATE '2021-02-01')",
    "request due before requested": "INSERT INTO disclosure_requests VALUES ('R2', 'C1', NULL, 'components', DATE '2021-03-01', DATE '2021-02-01')",
    "disclosure of unknown request": "INSERT INTO disclosures VALUES ('NOPE', 'F1', DATE '2021-02-01', true)",
    "disclosure without complete flag": "INSERT INTO disclosures VALUES ('R1', 'F1', DATE '2021-02-01', NULL)",
    "due diligence unknown request": "INSERT INTO due_diligence VALUES ('NOPE', DATE '2021-02-01', NULL)",
    "finding severity": "INSERT INTO findings VALUES ('X3', 'K1', 'wages', 'grave', NULL)",
    "finding code area": "INSERT INTO findings VALUES ('X3', 'K1', 'salaries', 'minor', NULL)",
    "event type": "INSERT INTO events VALUES ('E1', 'K1', NULL, 'called', DATE '2021-02-01', NULL)",
    "evidence without finding": "INSERT INTO events VALUES ('E1', 'K1', NULL, 'evidence_submitted', DATE '2021-02-01', NULL)",
    "acknowledged with finding": "INSERT INTO events VALUES ('E1', 'K1', 'X1', 'acknowledged', DATE '2021-02-01', NULL)",
    "finding of another case": "INSERT INTO events VALUES ('E1', 'K1', 'X2', 'verified', DATE '2021-02-01', NULL)",
    "user role": "INSERT INTO users (username, password_hash, role) VALUES ('u', 'h', 'root')",
    "company user without company": "INSERT INTO users (username, password_hash, role) VALUES ('u', 'h', 'company')",
    "admin with company": "INSERT INTO users (username, password_hash, role, company_id) VALUES ('u', 'h', 'admin', 'C1')",
}

GOOD = {
    "verified finding of the same case": "INSERT INTO events VALUES ('E1', 'K1', 'X1', 'verified', DATE '2021-02-01', NULL)",
    "acknowledged": "INSERT INTO events VALUES ('E1', 'K1', NULL, 'acknowledged', DATE '2021-02-01', NULL)",
    "request without product model": "INSERT INTO disclosure_requests VALUES ('R2', 'C1', NULL, 'compliance_findings', DATE '2021-01-01', DATE '2021-01-01')",
    "factory with coordinates": "INSERT INTO factories VALUES ('F2', 'N', NULL, NULL, 'CN', 'components', NULL, -90.0, 180.0)",
    "expectation of a band": "INSERT INTO expectations VALUES ('X1', 'A1', 'C1', 'band', 'Good', DATE '2027-01-01', NULL, 'u', DATE '2024-01-01')",
    "expectation of an action": "INSERT INTO expectations VALUES ('X1', 'A1', 'C1', 'action', 'verify:X1', DATE '2027-01-01', NULL, 'u', DATE '2024-01-01')",
    "company user": "INSERT INTO users (username, password_hash, role, company_id) VALUES ('u', 'h', 'company', 'C1')",
}


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    store.create_schema(con)
    for sql in PARENTS:
        con.execute(sql)
    return con


@pytest.mark.parametrize("sql", BAD.values(), ids=BAD.keys())
def test_constraint_rejects(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    with pytest.raises(duckdb.ConstraintException):
        con.execute(sql)


@pytest.mark.parametrize("sql", GOOD.values(), ids=GOOD.keys())
def test_constraint_accepts(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    con.execute(sql)
