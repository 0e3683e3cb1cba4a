"""Untrusted text (URL values, stored data) is shown as text: never as Markdown links,
images, colours, icons or HTML (issue 11, items 2 and 3; DESIGN.md "Access control")."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path

import pytest

from tests import apptest
from tests.markup_check import bodies, live_markup
from ui.text import WORD_JOINER, md, md_escape, plain

ROOT = Path(__file__).resolve().parent.parent

PHISH = (
    "[Session expired - sign in again here](https://evil.example/login) "
    "![t](http://evil.example/x.png) :red[**Data breach**]"
)
HOSTILE = [
    PHISH,
    "<a href=https://evil.example>x</a> <img src=http://evil.example/i.png> <script>alert(1)</script>",
    "see https://evil.example/a, www.evil.example and bob@evil.example",
    ":smile: :material/home: :rainbow[x] $x^2$ `code` ~~gone~~ &lt;b&gt;",
    "# Heading",
    "- item",
    "1. first",
    "> quote | a | b |",
]


# ------------------------------------------------------------------ the helper itself


@pytest.mark.parametrize("value", HOSTILE)
def test_md_escape_leaves_no_live_markup(value: str) -> None:
    escaped = md_escape(value)
    assert live_markup(escaped) == [], escaped
    assert not re.search(r"(?<!\\)[*_]", escaped)  # no emphasis either
    # Only escapes and invisible word joiners were added: the characters read the same.
    assert re.sub(r"\\(.)", r"\1", escaped.replace(WORD_JOINER, "")) == value


def test_block_markers_at_the_start_are_escaped() -> None:
    assert md_escape("- item") == r"\- item"
    assert md_escape("1. first") == r"1\. first"
    assert md_escape("# h") == r"\# h"
    assert md_escape("= x") == r"\= x"


def test_readable_punctuation_stays_as_it_is() -> None:
    for name in ("Foxhollow, Inc.", "Quillon · Marsh Devices", "Hushbook, Pro 14", "NO-SUCH-CO", 'A "b" / c'):
        assert md_escape(name) == name


def test_plain_drops_control_and_bidi_characters_and_cuts_long_text() -> None:
    assert plain("a\x00b\x1b[31mc\u202ed\ne\tf") == "ab[31mcd e f"
    assert plain(None) == ""
    long = plain("x" * 4000, limit=200)
    assert len(long) == 200 and long.endswith("…")


def test_md_fills_a_constant_template_with_escaped_values() -> None:
    out = md("As of {:%Y-%m-%d}, score {:.1f}: “{}”", dt.date(2024, 3, 31), 61.4321, PHISH)
    assert out.startswith("As of 2024-03-31, score 61.4: “")
    assert live_markup(out) == []
    assert md("**{}**", "x") == "**x**"  # the template's own Markdown stays


def test_no_page_passes_an_f_string_to_a_markdown_element() -> None:
    done = subprocess.run(
        ["git", "grep", "-nE", r"st\.(markdown|error|warning|info|success|title|header|subheader|caption)\(\s*f[\"']",
         "--", "pages/*.py", "ui/*.py", "app.py"],
        cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip
    assert done.stdout == "", done.stdout


# ------------------------------------------------------------------ URL values (item 2)


def assert_shown_as_text(at, needle: str) -> None:
    assert not at.exception, [e.value for e in at.exception]
    shown = [b for b in bodies(at) if needle in b.replace("\\", "").replace(WORD_JOINER, "")]
    assert shown, f"the URL value is not quoted anywhere: {bodies(at)}"
    for body in shown:
        assert live_markup(body) == [], body


@pytest.mark.parametrize(
    ("page", "param"),
    [
        ("company", "company"),
        ("company", "as_of"),
        ("overview", "as_of"),
        ("transparency", "company"),
        ("improvement", "company"),
        ("compare", "company"),
        ("compare", "as_of"),
    ],
)
def test_a_url_value_is_shown_as_text(demo_app: Path, page: str, param: str) -> None:
    at = apptest.open_page(page, **{param: PHISH})
    assert_shown_as_text(at, "Session expired - sign in again here")


def test_html_in_the_url_is_shown_as_text(demo_app: Path) -> None:
    at = apptest.open_page("company", company=HOSTILE[1])
    assert_shown_as_text(at, "<img src=http://evil.example/i.png>")


def test_an_unknown_methodology_in_the_url_falls_back_quietly(demo_app: Path) -> None:
    at = apptest.open_page("company", methodology=PHISH)
    assert not at.exception
    assert at.segmented_control(key="methodology").value == "in-force"
    assert all(live_markup(b) == [] or "evil" not in b for b in bodies(at))
