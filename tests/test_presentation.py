"""Presentation mode: no real name anywhere a webinar audience could see, consistent pseudonyms."""

from __future__ import annotations

import io
from pathlib import Path

import duckdb
import pytest
from openpyxl import load_workbook

from tests import apptest
from tests.test_access import rendered_text

PAGES = {
    "overview": {},
    "company": {"company": "CO0011"},
    "compare": {"company": "CO0001,CO0011,CO0012"},
    "transparency": {},
    "improvement": {},
    "methodology": {},
    "contracts": {},
    "factory": {},
    "changes": {"since": "2024-12-31"},
}
DOWNLOADS = {
    "contracts": ["deadlines_csv", "deadlines_ics"],
    "changes": ["changes_csv"],
    "overview": ["download_leaderboard", "download_leaderboard_xlsx"],
    "compare": ["download_comparison", "download_comparison_xlsx"],
}


@pytest.fixture(scope="module")
def real_names(demo_db: Path) -> list[str]:
    with duckdb.connect(str(demo_db), read_only=True) as con:
        return [
            n
            for (n,) in con.execute(
                "SELECT name FROM companies UNION ALL SELECT legal_name FROM factories "
                "UNION ALL SELECT name FROM affiliates UNION ALL SELECT name FROM product_models"
            ).fetchall()
        ]


def xlsx_text(payload: bytes) -> str:
    book = load_workbook(io.BytesIO(payload))
    return "\n".join(
        str(c.value) for ws in book for row in ws.iter_rows() for c in row if c.value is not None
    )


@pytest.mark.parametrize("role", ["admin", "affiliate"])
@pytest.mark.parametrize("page", list(PAGES))
def test_no_real_name_on_any_page_or_download(
    demo_app: Path, real_names: list[str], role: str, page: str
) -> None:
    at = apptest.open_page(page, role=role, present="1", **PAGES[page])
    assert not at.exception, [e.value for e in at.exception]
    texts = [rendered_text(at)]
    for key in DOWNLOADS.get(page, []):
        payload = apptest.download(at, key)
        texts.append(xlsx_text(payload) if key.endswith("xlsx") else payload.decode("utf-8"))
    seen = "\n".join(texts)
    assert [n for n in real_names if n in seen] == []
    if page in ("overview", "compare", "company"):
        assert "Company K" in seen  # CO0011, Kelvaro, under its pseudonym


def test_pseudonyms_are_the_same_on_every_page_and_rerun(demo_app: Path) -> None:
    company = apptest.open_page("company", present="1", company="CO0011")
    assert company.title[0].value == "Company K"
    company.run()
    assert company.title[0].value == "Company K"
    board = apptest.open_page("overview", present="1").dataframe[0].value
    board = board.data if hasattr(board, "data") else board
    assert board.set_index("company_id").at["CO0011", "Company"] == "Company K"
    improvement = apptest.open_page("improvement", present="1", company="CO0011")
    assert "Company K" in rendered_text(improvement)


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
