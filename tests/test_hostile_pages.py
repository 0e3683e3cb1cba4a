"""Every page on the hostile world (tests/hostile_world.py): stored names, titles and notes
are shown as text, never as Markdown or HTML (issue 11, item 3)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import apptest
from tests.hostile_world import EMAIL_ADMIN, EVIL_HOST, PUNCTUATION
from tests.markup_check import bodies, live_markup
from ui.text import WORD_JOINER

PAGES = [
    ("overview", {}),
    ("company", {"company": "CO0002"}),
    ("company", {"company": "CO0003"}),
    ("company", {"company": "CO0011"}),
    ("company", {"company": "CO0013"}),
    ("compare", {"company": "CO0002,CO0003,CO0011,CO0012"}),
    ("transparency", {}),
    ("transparency", {"company": "CO0002"}),
    ("improvement", {}),
    ("improvement", {"company": "CO0011"}),
    ("methodology", {}),
    ("contracts", {}),
    ("factory", {}),
    ("factory", {"factory": "FA00017"}),
    ("changes", {"since": "2024-12-31"}),
    ("data", {}),
    ("accounts", {}),
]


def readable(body: str) -> str:
    return body.replace("\\", "").replace(WORD_JOINER, "")


@pytest.mark.parametrize(("page", "params"), PAGES, ids=[f"{p}-{'-'.join(q.values())}" for p, q in PAGES])
def test_stored_text_is_shown_as_text(hostile_app: Path, page: str, params: dict[str, str]) -> None:
    at = apptest.open_page(page, role="admin", **params)
    assert not at.exception, [e.value for e in at.exception]
    hostile = [b for b in bodies(at) if EVIL_HOST in readable(b)]
    for body in hostile:
        assert live_markup(body) == [], body[:300]


def test_company_title_and_retaliation_box_quote_the_data_literally(hostile_app: Path) -> None:
    at = apptest.open_page("company", role="admin", company="CO0002")
    title = at.title[0].value
    assert readable(title).startswith(
        "Brevant [Session expired - sign in again here](https://evil.example/login)"
    )
    at = apptest.open_page("improvement", role="admin")
    [box] = [e.value for e in at.error if "Retaliation" in e.value]
    assert "![t](http://evil.example/x.png)" in readable(box)
    assert live_markup(box.split("\n\n", 1)[1]) == []


def test_a_punctuated_name_reads_as_it_is(hostile_app: Path) -> None:
    at = apptest.open_page("company", role="admin", company="CO0001")
    assert at.title[0].value == PUNCTUATION[0]


def test_a_username_that_looks_like_an_address_is_not_a_link(hostile_app: Path) -> None:
    import duckdb

    from data.access import accounts as acc

    with duckdb.connect(str(hostile_app), read_only=True) as con:
        user = acc.find_user(con.cursor(), EMAIL_ADMIN)
    at = apptest.AppTest.from_file(str(apptest.ROOT / "app.py"), default_timeout=120)
    at.session_state[apptest.auth.SESSION_ID] = apptest.sessions.STORE.create(user)
    at.query_params[apptest.nav.TARGET_PARAM] = "methodology"
    at.run()
    [signed] = [c.value for c in at.caption if "Signed in as" in c.value]
    assert "mallory" in signed and live_markup(signed) == []
