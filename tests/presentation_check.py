"""What a webinar audience could see, and whether it holds a real name, id, address or city:
helpers shared by the presentation tests (AppTest and browser). The `deferred` fixture is in
tests/conftest.py."""

from __future__ import annotations

import io
import json
import re
from html import escape
from pathlib import Path

import duckdb
import pandas as pd
from openpyxl import load_workbook
from pypdf import PdfReader

from data.presentation import pseudonyms
from tests import apptest

NAME_SQL = {
    "company": "SELECT company_id, name FROM companies",
    "factory": "SELECT factory_id, legal_name FROM factories",
    "affiliate": "SELECT affiliate_id, name FROM affiliates",
    "product": "SELECT product_model_id, name FROM product_models",
}
EXACT_EUROS = re.compile(r"€\s?\d{1,3}(?:,\d{3})+(?!\.\d)|€\s?\d{5,}")


def secrets_of(db: Path) -> list[str]:
    """Every real name, id, address and city of the database (what must never show)."""
    sql = """
        SELECT name FROM companies UNION ALL SELECT company_id FROM companies
        UNION ALL SELECT legal_name FROM factories UNION ALL SELECT factory_id FROM factories
        UNION ALL SELECT address FROM factories UNION ALL SELECT city FROM factories
        UNION ALL SELECT name FROM affiliates UNION ALL SELECT affiliate_id FROM affiliates
        UNION ALL SELECT name FROM product_models UNION ALL SELECT product_model_id FROM product_models
        UNION ALL SELECT case_id FROM cases UNION ALL SELECT request_id FROM disclosure_requests
        UNION ALL SELECT finding_id FROM findings UNION ALL SELECT contract_id FROM contracts
    """
    with duckdb.connect(str(db), read_only=True) as con:
        values = {v.strip() for (v,) in con.execute(sql).fetchall() if v and len(v.strip()) >= 3}
    return sorted(values)


def variants(secret: str) -> set[str]:
    """How a value can appear in a payload: as is, JSON-escaped, HTML-escaped."""
    return {secret, json.dumps(secret)[1:-1], json.dumps(secret, ensure_ascii=False)[1:-1], escape(secret)}


def leaks(text: str, secrets: list[str]) -> list[str]:
    return [s for s in secrets if any(v in text for v in variants(s))]


def payload(at) -> str:
    """Everything the server sends for the page: every element's protobuf (tables as Arrow,
    charts as JSON, widget options and labels), decoded as text, and the URL."""
    chunks: list[bytes] = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None and hasattr(proto, "SerializeToString"):
            chunks.append(proto.SerializeToString())
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    url = "&".join(f"{k}={v}" for k, v in at.query_params.items())
    return b"\n".join(chunks).decode("utf-8", "replace") + "\n" + url


def pdf_text(data: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


def xlsx_text(data: bytes) -> str:
    book = load_workbook(io.BytesIO(data))
    return "\n".join(
        str(c.value) for ws in book for row in ws.iter_rows() for c in row if c.value is not None
    )


def download_text(data: bytes) -> str:
    if data.startswith(b"%PDF"):
        return pdf_text(data)
    if data.startswith(b"PK"):
        return xlsx_text(data)
    return data.decode("utf-8")


def downloads(at, deferred: dict) -> dict[str, bytes]:
    """File name -> contents of every download button on the page."""
    out: dict[str, bytes] = {}
    for b in at.get("download_button"):
        if b.proto.id in deferred:
            name, make = deferred[b.proto.id]
            data = make()
            out[name] = data.encode("utf-8") if isinstance(data, str) else data
        else:
            key = b.proto.id.rsplit("-", 1)[-1]
            file_id = b.proto.url.rsplit("/", 1)[-1].split(".")[0]
            out[f"{key}:{b.proto.url.rsplit('/', 1)[-1]}"] = apptest.DOWNLOADS[file_id]
    return out


def names_of(db: Path) -> pseudonyms.Pseudonyms:
    with duckdb.connect(str(db), read_only=True) as con:
        return pseudonyms.build(con.cursor())


def _check_pages(db: Path, deferred: dict, role: str, params: dict[str, dict[str, str]]) -> dict[str, str]:
    secrets = secrets_of(db)
    seen: dict[str, str] = {}
    for page, extra in params.items():
        at = apptest.open_page(page, role=role, db=db, present="1", **extra)
        assert not at.exception, (page, [e.value for e in at.exception])
        text = payload(at)
        assert leaks(text, secrets) == [], (page, leaks(text, secrets)[:5])
        for name, data in downloads(at, deferred).items():
            assert leaks(name, secrets) == [], (page, name)
            content = download_text(data)
            assert leaks(content, secrets) == [], (page, name, leaks(content, secrets)[:5])
            assert "company_id" not in content, (page, name)
            seen[name] = content
        seen[page] = text
    return seen


def real_orders(db: Path) -> dict[str, tuple[dict[str, int], dict[str, int]]]:
    """Per kind: each id's rank by real name and by id."""
    out = {}
    with duckdb.connect(str(db), read_only=True) as con:
        for kind, sql in NAME_SQL.items():
            rows = con.execute(sql).fetchall()
            by_name = {i: r for r, (i, _) in enumerate(sorted(rows, key=lambda x: (x[1], x[0])))}
            by_id = {i: r for r, i in enumerate(sorted(r[0] for r in rows))}
            out[kind] = (by_name, by_id)
    return out


def spearman(a: list[int], b: list[int]) -> float:
    return float(pd.Series(a).rank().corr(pd.Series(b).rank()))


def busiest_factory(db: Path, affiliate_id: str) -> str:
    """A factory where the affiliate buys, with the most buyers."""
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(
            """SELECT d.factory_id FROM disclosures d JOIN disclosure_requests r USING (request_id)
               JOIN contract_products cp ON cp.product_model_id = r.product_model_id
               JOIN contracts k USING (contract_id)
               WHERE current_date BETWEEN k.start_date AND coalesce(k.end_date, current_date)
               GROUP BY 1 HAVING bool_or(k.affiliate_id = ?) ORDER BY count(DISTINCT k.affiliate_id) DESC, 1 LIMIT 1""",
            [affiliate_id],
        ).fetchone()[0]
