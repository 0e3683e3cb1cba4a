"""Every page, as each role, says things in words (issue 22): no raw code of the methodology or
the data (`final_assembly`, `DUE_DILIGENCE`, `compliance_findings`), no snake_case column name
(`product_model`), no "None"/"nan" text or empty (None) table cell, no country code where a
country is named ("HQ GB"), and an address whose city repeats is named once."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from data.store import tables
from scoring import params
from tests import apptest
from ui.text import WORD_JOINER
from wording import labels

PAGES = [
    ("overview", {}),
    ("company", {}),
    ("company", {"company": "CO0002"}),
    ("company", {"company": "CO0010"}),
    ("compare", {"company": "CO0002,CO0003,CO0010"}),
    ("contracts", {}),
    ("factory", {}),
    ("factory", {"factory": "FA00017"}),
    ("changes", {"since": "2024-12-31"}),
    ("transparency", {}),
    ("transparency", {"company": "CO0010"}),
    ("improvement", {}),
    ("improvement", {"company": "CO0010"}),
    ("data", {}),
    ("accounts", {}),
    ("methodology", {}),
]
ROLES = ("admin", "affiliate", "company")

# Every code of the vocabulary (scoring.params and the data contract) that is not an English word
# (a word such as "components" or "verified" may stand in a sentence).
VOCABULARY = {
    *params.LEVELS,
    *(scope for m in params.VERSIONS.values() for scope in m.scope_weights),
    *tables.TIERS,
    *tables.SCOPES,
    *tables.EVENT_TYPES,
    *tables.CODE_AREAS,
}
CODES = {code for code in VOCABULARY if "_" in code or code.isupper()}
CODE_WORD = re.compile(r"\b(" + "|".join(sorted(map(re.escape, CODES), key=len, reverse=True)) + r")\b")
UPPER_LEVEL = re.compile(r"\b(" + "|".join(params.LEVELS) + r")\b")  # FULL, NONE: codes in capitals
SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
MISSING = re.compile(r"\b(None|nan|NaN|NaT)\b|<NA>")
HQ_CODE = re.compile(r"\bHQ [A-Z]{2}\b")
COUNTRY_CODES = set(labels._territories())


def plain(text: object) -> str:
    """Text as a reader sees it: Markdown escapes and word joiners removed."""
    return str(text).replace("\\", "").replace(WORD_JOINER, "")


def texts(at) -> list[tuple[str, str]]:
    """(where, text) of every text the page shows outside tables."""
    found = []
    for kind in (
        "title",
        "header",
        "subheader",
        "caption",
        "markdown",
        "info",
        "error",
        "warning",
        "success",
        "text",
    ):
        found += [(kind, plain(e.value)) for e in at.get(kind)]
    for m in at.get("metric"):
        found += [("metric", plain(m.label)), ("metric", plain(m.value))]
    for kind in ("expander", "tab", "button", "download_button"):
        found += [(kind, plain(e.proto.label)) for e in at.get(kind)]
    for kind in ("selectbox", "multiselect", "radio", "segmented_control", "pills", "select_slider"):
        for e in at.get(kind):
            found.append((kind, plain(e.label)))
            found += [(f"{kind} option", plain(o)) for o in e.options]
    for kind in ("text_input", "date_input", "toggle", "checkbox", "number_input", "text_area"):
        found += [(kind, plain(e.label)) for e in at.get(kind)]
    return found


def shown_tables(at) -> list[tuple[list[str], pd.DataFrame, dict]]:
    """(headers as shown, the shown columns, their column config) of every table on the page:
    the column config's labels, without hidden columns (st.dataframe), with the index of st.table."""
    out = []
    for element in at.get("dataframe"):
        frame = element.value.data if hasattr(element.value, "data") else element.value
        # A Styler's display text does not reach an empty date or number cell: the browser shows
        # "None" there whatever na_rep says (seen at 1440x900), so the data itself is checked.
        config = json.loads(element.proto.columns or "{}")
        order = list(element.proto.column_order) or list(frame.columns)
        columns = [c for c in order if c in frame.columns and not config.get(str(c), {}).get("hidden")]
        headers = [config.get(str(c), {}).get("label") or str(c) for c in columns]
        out.append((headers, frame[columns], config))
    for element in at.get("table"):
        frame = element.value.data if hasattr(element.value, "data") else element.value
        frame = frame.reset_index() if frame.index.name else frame
        out.append(([str(c) for c in frame.columns], frame, {}))
    return out


def problems(at, allow_empty: tuple[str, ...] = ()) -> list[str]:
    found = []
    for where, text in texts(at):
        for pattern, what in (
            (CODE_WORD, "code"),
            (SNAKE, "snake_case"),
            (MISSING, "missing value"),
            (HQ_CODE, "country code"),
        ):
            hit = pattern.search(text)
            if hit:
                found.append(f"{what} {hit.group(0)!r} in {where}: {text[:160]!r}")
    for headers, frame, config in shown_tables(at):
        for header in headers:
            if SNAKE.search(header) or UPPER_LEVEL.search(header):
                found.append(f"column header {header!r}")
        for column, header in zip(frame.columns, headers, strict=True):
            if config.get(str(column), {}).get("type_config", {}).get("type") == "link":
                continue  # a link column shows its display text
            values = frame[column]
            if values.map(labels.is_missing).any() and header not in allow_empty:
                found.append(f"empty (None) cell in column {header!r}")
            cells = [plain(v) for v in values if isinstance(v, str)]
            for cell in cells:
                hit = CODE_WORD.search(cell) or UPPER_LEVEL.search(cell) or MISSING.search(cell)
                if hit:
                    found.append(f"{hit.group(0)!r} in column {header!r}: {cell[:120]!r}")
                    break
            if "country" in header.lower() and any(c in COUNTRY_CODES for c in cells):
                found.append(f"country code in column {header!r}")
    return found


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("page", "query"), PAGES, ids=[f"{p}-{'-'.join(q.values())}" for p, q in PAGES])
def test_every_page_says_it_in_words(demo_app: Path, role: str, page: str, query: dict[str, str]) -> None:
    at = apptest.open_page(page, role=role, **query)
    assert not at.exception, [e.value for e in at.exception]
    assert problems(at) == []


def test_the_leaderboard_shows_no_none_for_an_unscored_company(demo_app: Path) -> None:
    at = apptest.open_page("overview", role="admin")
    assert problems(at) == []


def test_a_factory_address_names_its_city_once_and_its_country_by_name(demo_app: Path) -> None:
    at = apptest.open_page("factory", role="admin", factory="FA00017")
    [where] = [plain(t.value) for t in at.get("text") if " · " in plain(t.value)]
    # under the factory's name as the title
    assert where.startswith("Factory · No. ") and where.count("Ciudad Juárez") == 1
    assert "Mexico" in where and "· MX" not in where


def test_the_company_page_names_the_headquarters_country(demo_app: Path) -> None:
    at = apptest.open_page("company", role="admin", company="CO0001")
    assert "HQ Netherlands" in [plain(c.value).split(" · ")[-1] for c in at.caption]


def test_other_affiliates_contracts_say_confidential(demo_app: Path) -> None:
    """An affiliate sees another affiliate's contract with a company as a buyer only: its period,
    spend and products read "confidential" (never "open-ended" or "not recorded", which read as facts)."""
    at = apptest.open_page("company", role="affiliate", company="CO0002")
    [contracts] = [f for h, f, _ in shown_tables(at) if "Annual spend" in h]
    hidden = contracts[contracts["Start"] == "confidential"]
    assert len(hidden) >= 1
    assert (
        set(hidden["End"]) == set(hidden["Annual spend"]) == set(hidden["Product models"]) == {"confidential"}
    )


def test_labels_and_maxima_come_from_one_place() -> None:
    from charts import theme
    from wording import narrative, summary

    assert theme.LEVEL_LABELS is narrative.LEVEL_LABELS is labels.LEVEL_LABELS
    assert theme.SCOPE_LABELS is narrative.SCOPE_LABELS is labels.SCOPE_LABELS
    assert summary.SCOPE_LABELS is labels.COMPONENT_LABELS
    for version in params.VERSIONS.values():
        assert (
            labels.case_points_headers(version)["verified_points"]
            == f"Verified (of {version.verified_points:g})"
        )
        assert labels.case_components(version)["ack_points"] == (
            "Acknowledging reports",
            version.ack_on_time_points,
        )


def test_place_and_country_names() -> None:
    assert labels.country_name("GB") == "United Kingdom"
    assert labels.country_name("Southeast Asia") == "Southeast Asia"  # a presentation-mode region
    assert labels.place("No. 24 Harbour Road, Ciudad Juárez", "Ciudad Juárez", country="MX") == (
        "No. 24 Harbour Road, Ciudad Juárez, Mexico"
    )
    assert labels.place(None, "Ciudad Juárez", "Ciudad Juárez") == "Ciudad Juárez"
    assert labels.place(None, float("nan")) == ""


# Every page download of a table (CSV and Excel), as the role that sees it.
TABLE_DOWNLOADS = [
    ("overview", "affiliate", {}, "download_leaderboard"),
    ("overview", "affiliate", {}, "download_leaderboard_xlsx"),
    ("compare", "affiliate", {"company": "CO0004,CO0006,CO0008"}, "download_comparison"),
    ("compare", "affiliate", {"company": "CO0004,CO0006,CO0008"}, "download_breakdown"),
    ("transparency", "admin", {}, "links_csv"),
    ("improvement", "admin", {}, "cases_csv"),
    ("contracts", "affiliate", {}, "deadlines_csv"),
    ("changes", "affiliate", {}, "changes_csv"),
]


@pytest.mark.parametrize(
    ("page", "role", "query", "key"), TABLE_DOWNLOADS, ids=[d[3] for d in TABLE_DOWNLOADS]
)
def test_every_table_download_has_headers_and_codes_in_words(
    demo_app: Path, page: str, role: str, query: dict[str, str], key: str
) -> None:
    import csv
    import io

    from openpyxl import load_workbook

    at = apptest.open_page(page, role=role, **query)
    payload = apptest.download(at, key)
    if key.endswith("xlsx"):
        rows = [
            [c for c in r] for r in load_workbook(io.BytesIO(payload)).active.iter_rows(values_only=True)
        ][2:]
    else:
        rows = list(csv.reader(io.StringIO(payload.decode("utf-8"))))[1:]
    header, body = rows[0], rows[1:]
    assert body, f"{key}: no rows to check"
    assert [h for h in header if SNAKE.search(str(h))] == [], header
    cells = [str(c) for r in body for c in r if isinstance(c, str)]
    assert [c for c in cells if CODE_WORD.fullmatch(c) or SNAKE.fullmatch(c)] == [], key
