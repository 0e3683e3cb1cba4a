"""Downloads built on click check the session when they are built (issue 20, item 2).

A download button's callable runs outside any script run, so app.py's sign-in gate never
sees it: a tab left open after the account was removed, re-passworded, expired or signed
out elsewhere must get a file that says so, and nothing of the data."""

from __future__ import annotations

import ast
import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from data.access import accounts, sessions
from tests import apptest
from ui import auth, downloads

# (page, query parameters, download key, text only the real file holds)
DOWNLOADS = [
    ("improvement", {}, "cases_csv", "CPT monitoring cases"),
    ("transparency", {}, "links_csv", "product model to factory links"),
    ("contracts", {}, "deadlines_ics", "BEGIN:VCALENDAR"),
    ("overview", {}, "download_leaderboard", "CPT leaderboard"),
]


def _remove(db: Path, at) -> None:
    accounts.remove_user(db, "demo-affiliate", who="test")


def _password(db: Path, at) -> None:
    accounts.set_password(db, "demo-affiliate", "a-new-password-2026", who="test")


def _expired(db: Path, at, monkeypatch: pytest.MonkeyPatch | None = None) -> None:
    pass  # the environment is set by the test (CPT_SESSION_MAX_HOURS=0)


def _signed_out(db: Path, at) -> None:
    sessions.STORE.end(at.session_state[auth.SESSION_ID])  # "Sign out" in another tab


ENDINGS = {"removed": _remove, "password": _password, "expired": _expired, "signed out": _signed_out}


@pytest.mark.parametrize("ending", list(ENDINGS))
@pytest.mark.parametrize(("page", "params", "key", "marker"), DOWNLOADS, ids=[d[2] for d in DOWNLOADS])
def test_download_after_the_session_ended_gives_nothing(
    writable_demo_app: Path,
    monkeypatch: pytest.MonkeyPatch,
    ending: str,
    page: str,
    params: dict[str, str],
    key: str,
    marker: str,
) -> None:
    at = apptest.open_page(page, role="affiliate", **params)
    assert not at.exception, [e.value for e in at.exception]
    assert marker in apptest.download(at, key).decode("utf-8")  # the file, while the session lives
    if ending == "expired":
        monkeypatch.setenv("CPT_SESSION_MAX_HOURS", "0")
    ENDINGS[ending](writable_demo_app, at)
    payload = apptest.download(at, key).decode("utf-8")
    assert marker not in payload
    assert "session has ended" in payload


def test_a_pdf_after_removal_is_a_notice(writable_demo_app: Path) -> None:
    at = apptest.open_page("compare", role="affiliate", company="CO0004,CO0006")
    assert not at.exception, [e.value for e in at.exception]
    accounts.remove_user(writable_demo_app, "demo-affiliate", who="test")
    payload = apptest.download(at, "download_briefing")
    assert payload.startswith(b"%PDF")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(payload)).pages)
    assert "session has ended" in " ".join(text.split()) and "CO0004" not in text


def test_every_download_in_the_pages_is_built_through_the_session_check() -> None:
    """Every `download_button(...)` in pages/ passes `downloads.deferred(...)` as its data."""
    missing = []
    for source in sorted((apptest.ROOT / "pages").glob("*.py")):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "download_button":
                data = (
                    node.args[1]
                    if len(node.args) > 1
                    else next((k.value for k in node.keywords if k.arg == "data"), None)
                )
                wrapped = isinstance(data, ast.Call) and ast.unparse(data.func) == "downloads.deferred"
                if not wrapped:
                    missing.append(f"{source.name}:{node.lineno}")
    assert missing == []


def test_check_refuses_an_unknown_or_missing_session(demo_app: Path) -> None:
    with pytest.raises(downloads.SessionEnded):
        downloads.check(None)
    with pytest.raises(downloads.SessionEnded):
        downloads.check("no-such-session")
