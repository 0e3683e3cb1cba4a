"""Every download button downloads without rerunning the page (`on_click="ignore"`).

A click on a download button that reruns the page races the download itself: the rerun
registers a new file for the button and drops the one the browser is asking for, so on a
busy server the click downloads nothing (seen in CI: the hostile world's presentation
walk waited 120 s for a file; by hand, 14 of 30 clicks on the Overview's leaderboard
downloads on a loaded machine). Nothing on these pages changes on a download, so none
needs the rerun.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import apptest

# (page, role, query parameters, the download buttons the page shows there)
PAGES = [
    ("overview", "affiliate", {}, {"download_leaderboard", "download_leaderboard_xlsx"}),
    ("company", "affiliate", {"company": "CO0011"}, {"download_report_pdf", "download_report_html"}),
    ("compare", "affiliate", {"company": "CO0004,CO0006,CO0008"},
     {"download_comparison", "download_comparison_xlsx", "download_briefing"}),
    ("transparency", "admin", {}, {"links_csv"}),
    ("improvement", "admin", {}, {"cases_csv"}),
    ("contracts", "affiliate", {}, {"deadlines_csv", "deadlines_ics"}),
    ("changes", "affiliate", {}, {"changes_csv"}),
    ("data", "admin", {}, {"templates"}),
]  # fmt: skip


def buttons(at) -> dict[str, object]:
    return {b.proto.id.rsplit("-", 1)[-1]: b.proto for b in at.get("download_button")}


@pytest.mark.parametrize(("page", "role", "params", "keys"), PAGES, ids=[p[0] for p in PAGES])
def test_download_buttons_do_not_rerun_the_page(
    demo_app: Path, page: str, role: str, params: dict[str, str], keys: set[str]
) -> None:
    at = apptest.open_page(page, role=role, **params)
    assert not at.exception, [e.value for e in at.exception]
    shown = buttons(at)
    assert keys <= set(shown), (page, sorted(shown))  # the buttons this test means to check are there
    assert [k for k, proto in shown.items() if not proto.ignore_rerun] == [], page


def test_full_export_button_stays_after_its_download(writable_demo_app: Path) -> None:
    """The export zip appears after "Prepare a full export" and downloads without a rerun,
    so it does not vanish from under the click."""
    at = apptest.open_page("data", role="admin")
    at.button(key="prepare_export").click().run()
    assert not at.exception, [e.value for e in at.exception]
    export = buttons(at)["export"]
    assert export.ignore_rerun
    assert apptest.download(at, "export")[:2] == b"PK"  # a zip file


def test_every_download_button_in_the_pages_says_so() -> None:
    """The same rule for buttons the walk above does not reach (the audit log, factories
    without an address): every `download_button(...)` call in pages/ passes on_click="ignore"."""
    import ast

    missing = []
    for source in sorted((apptest.ROOT / "pages").glob("*.py")):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "download_button":
                on_click = next((k.value for k in node.keywords if k.arg == "on_click"), None)
                if not (isinstance(on_click, ast.Constant) and on_click.value == "ignore"):
                    missing.append(f"{source.name}:{node.lineno}")
    assert missing == []
