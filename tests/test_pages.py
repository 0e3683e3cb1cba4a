"""AppTest: what each score page shows, checked against the scoring engine's numbers."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests import apptest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def app(demo_app: Path):
    """Open a page signed in as the demo affiliate; fails on any exception."""

    def open_page(page: str, **params: str) -> AppTest:
        at = apptest.open_page(page, **params)
        assert not at.exception, [e.value for e in at.exception]
        return at

    return open_page


def cli_scores(demo_db: Path, *args: str) -> list[dict]:
    done = subprocess.run(
        [sys.executable, "-m", "scoring", "--db", str(demo_db), "--format", "json", *args],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(done.stdout)


def text_of(at: AppTest) -> str:
    parts = [
        e.value for kind in ("title", "caption", "markdown", "info", "error", "warning") for e in at.get(kind)
    ]
    return "\n".join(str(p) for p in parts)


def fmt(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.1f}"


def test_overview_lists_every_company_with_the_cli_scores(app, demo_db: Path) -> None:
    at = app("overview")
    board = at.dataframe[0].value
    board = board.data if hasattr(board, "data") else board  # a Styler
    expected = cli_scores(demo_db, "--as-of", at.selectbox(key="as_of").value.isoformat())
    assert len(board) == len(expected) == 25
    shown = board.set_index("company_id")
    for row in expected:
        for key, column in (("sct", "SCT"), ("fi", "FI"), ("overall", "Overall")):
            value = shown.at[row["company_id"], column]  # as shown: one decimal, "n/a" (never None)
            if row[key] is None:
                assert value == "n/a", (row["company_id"], key)
            else:  # the CLI's figure to the cent, the board's to one decimal
                assert float(value) == pytest.approx(row[key], abs=0.05 + 0.006), (row["company_id"], key)
                assert len(value.split(".")[1]) == 1
        assert shown.at[row["company_id"], "Band"] == (row["band"] or "n/a")
    assert "Lumetrix Public IT" in set(shown["Company"])
    assert at.metric[0].value == "24 of 25"


def test_overview_filters_by_band_and_role(app) -> None:
    at = app("overview")
    at.multiselect(key="band").set_value(["Leading"]).run()
    board = at.dataframe[0].value
    board = board.data if hasattr(board, "data") else board
    assert len(board) >= 1 and set(board["Band"]) == {"Leading"}
    at.multiselect(key="band").set_value(["n/a"]).run()
    board = at.dataframe[0].value
    board = board.data if hasattr(board, "data") else board
    assert list(board["Company"]) == ["Lumetrix Public IT"]


def test_company_page_shows_scores_and_one_trace_per_score(app, demo_db: Path) -> None:
    at = app("company", company="CO0010")
    assert at.title[0].value == "Jovance Micro"
    as_of = at.selectbox(key="as_of").value.isoformat()
    [row] = cli_scores(demo_db, "--as-of", as_of, "--company", "CO0010")
    values = [m.value for m in at.metric]
    assert values[:4] == [fmt(row["sct"]), fmt(row["fi"]), fmt(row["overall"]), row["band"]]
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    names = [t["name"] for t in spec["data"] if t.get("yaxis", "y") == "y"]
    assert names == ["Supply Chain Transparency", "Factory Improvement", "Overall"]
    assert "Methodology v2 in force" in json.dumps(spec["layout"]["annotations"])


def test_switching_methodology_to_v1_shows_the_v1_numbers(app, demo_db: Path) -> None:
    at = app("company", company="CO0010")
    as_of = at.selectbox(key="as_of").value.isoformat()
    at.segmented_control(key="methodology").set_value("v1").run()
    assert not at.exception
    [row] = cli_scores(demo_db, "--as-of", as_of, "--company", "CO0010", "--methodology", "v1")
    [in_force] = cli_scores(demo_db, "--as-of", as_of, "--company", "CO0010")
    assert row["overall"] != in_force["overall"]
    assert [m.value for m in at.metric][:3] == [fmt(row["sct"]), fmt(row["fi"]), fmt(row["overall"])]
    assert at.query_params["methodology"] == "v1"


def test_url_parameters_select_company_date_and_methodology(app, demo_db: Path) -> None:
    at = app("company", company="CO0003", as_of="2021-12-31", methodology="v2")
    assert at.title[0].value == "Corvella Technologies"
    assert at.selectbox(key="as_of").value.isoformat() == "2021-12-31"
    [row] = cli_scores(demo_db, "--as-of", "2021-12-31", "--company", "CO0003", "--methodology", "v2")
    assert row["methodology"] == "v2"
    assert at.metric[2].value == fmt(row["overall"])


def test_unknown_company_in_the_url_says_so(app) -> None:
    at = app("company", company="NO-SUCH-CO")
    assert any("NO-SUCH-CO" in e.value for e in at.error)


def test_company_without_evidence_shows_na_not_zero(app) -> None:
    at = app("company", company="CO0012")
    assert [m.value for m in at.metric][:4] == ["n/a", "n/a", "n/a", "n/a"]
    assert "n/a: no request due" in text_of(at)
    assert not at.get("plotly_chart") or all(
        "Lumetrix" not in json.loads(c.proto.spec)["layout"]["title"]["text"] for c in at.get("plotly_chart")
    )


def test_company_page_explains_the_score(app) -> None:
    at = app("company", company="CO0001")
    frames = [df.value for df in at.dataframe]
    requests = next(v for v in frames if "Asked for" in getattr(v, "columns", []))
    assert (
        len(requests) and requests["Points"].str.fullmatch(r"\d+\.\d").all()
    )  # every scored request earns points


def test_compare_three_companies(app, demo_db: Path) -> None:
    at = app("compare", company="CO0001,CO0007,CO0012")
    table = at.dataframe[0].value
    table = table.data if hasattr(table, "data") else table
    assert list(table["company_id"]) == ["CO0001", "CO0007", "CO0012"]
    as_of = at.selectbox(key="as_of").value.isoformat()
    for row in cli_scores(demo_db, "--as-of", as_of, "--company", "CO0007"):
        assert table.set_index("company_id").at["CO0007", "Overall"] == pytest.approx(
            row["overall"], abs=0.006
        )
    assert table.set_index("company_id").at["CO0012", "Band"] == "n/a"
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert [t["name"] for t in spec["data"]] == [
        "Auroline Systems",
        "Galvotek Solutions",
        "Lumetrix Public IT",
    ]
    csv = at.get("download_button")[0]
    assert csv is not None


def test_compare_needs_two_companies(app) -> None:
    at = app("compare", company="CO0001")
    assert "at least two companies" in text_of(at)


def test_methodology_page_renders_the_parameters(app) -> None:
    from scoring import params
    from wording import labels

    at = app("methodology")
    table = at.table[0].value
    assert list(table.index) == list(labels.parameter_table()["Parameter"])
    assert len(table) == len(params.parameter_table())
    assert "SCT request weight: final assembly" in table.index
    assert "credit: full disclosure / partial disclosure / due diligence only / no response" in table.index
    assert list(table.loc["late factor"]) == ["0.8", "0.7"]
    assert "2022-07-01" in text_of(at)
