"""A small evidence world as CSV text, shared by the import tests (built by code, not checked in as data)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import duckdb

from data.exports.tables_dump import export_tables
from data.store import writes
from data.store.tables import TABLES

WORLD: dict[str, str] = {
    "companies.csv": "company_id,name,role,hq_country\nCO1,Acme Devices,brand,NL\nCO2,Bolt Assembly,contractor,CN\n",
    "affiliates.csv": "affiliate_id,name,country,kind\nAF1,University of Veldmeer,NL,university\n",
    "contracts.csv": (
        "contract_id,affiliate_id,company_id,start_date,end_date,annual_spend_eur\n"
        "K1,AF1,CO1,2024-01-01,2027-12-31,125000.5\n"
    ),
    "product_models.csv": "product_model_id,company_id,name,category\nPM1,CO1,Nimbra Book 55,laptop\n",
    "contract_products.csv": "contract_id,product_model_id\nK1,PM1\n",
    "factories.csv": (
        "factory_id,legal_name,address,city,country,tier,component_type\n"
        "FA1,Factory One Ltd,1 River Road,Suzhou,CN,final_assembly,\n"
        "FA2,Factory Two Sdn Bhd,,Penang,MY,components,battery\n"
    ),
    "disclosure_requests.csv": (
        "request_id,company_id,product_model_id,scope,requested_on,due_on\n"
        "R1,CO1,PM1,final_assembly,2024-02-01,2024-03-01\n"
    ),
    "disclosures.csv": "request_id,factory_id,disclosed_on,complete\nR1,FA1,2024-02-15,true\n",
    "due_diligence.csv": 'request_id,recorded_on,note\nR1,2024-02-20,"asked twice,\nno answer"\n',
    "cases.csv": (
        "case_id,company_id,factory_id,opened_on,title\n"
        "CS1,CO1,FA1,2024-04-01,Monitoring report Suzhou\n"
        "CS2,CO1,FA2,2024-05-01,Monitoring report Penang\n"
    ),
    "findings.csv": (
        "finding_id,case_id,code_area,severity,description\n"
        "FN1,CS1,wages,major,Wages below the minimum\n"
        "FN2,CS2,other,minor,\n"
    ),
    "events.csv": (
        "event_id,case_id,finding_id,event_type,event_date,note\n"
        "EV1,CS1,,acknowledged,2024-04-10,\n"
        "EV2,CS1,FN1,evidence_submitted,2024-05-01,payslips\n"
    ),
}


def write_files(folder: Path, files: dict[str, str | bytes]) -> list[str]:
    """Write `files` (name -> text or bytes) into `folder`; returns their paths in the given order."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, content in files.items():
        target = folder / name
        target.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        paths.append(str(target))
    return paths


def new_db(path: Path) -> Path:
    writes.create(path)
    return path


def tables_content(path: Path) -> dict[str, list[tuple]]:
    """Every evidence table's rows, sorted by key: what "unchanged" is compared on."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {
            t.name: con.execute(
                f"SELECT {', '.join(t.column_names)} FROM {t.name} ORDER BY {', '.join(t.key)}"
            ).fetchall()
            for t in TABLES.values()
        } | {"audit_log": con.execute("SELECT * FROM audit_log ORDER BY audit_id").fetchall()}
    finally:
        con.close()


def file_state(path: Path) -> tuple[int, str]:
    """The live file's inode and content hash: equal before and after means not replaced, not touched."""
    return (os.stat(path).st_ino, hashlib.sha256(path.read_bytes()).hexdigest())


def export_of(path: Path, out: Path) -> dict[str, bytes]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        export_tables(con, out)
    finally:
        con.close()
    return {p.name: p.read_bytes() for p in sorted(out.glob("*.csv"))}
