"""Every free-text field has a length limit, at the form and at the import (issue 20, item 10).

A 2,000,000-character expectation note made the company's page 2 MB and its report 6.9 MB.
Free text (names, addresses, titles, notes, descriptions) holds at most
`tables.MAX_TEXT_LENGTH` characters: the importer refuses a longer cell naming the file,
line, column and limit; the expectation form and `expectations.add` refuse a longer note."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from data.importing import importer
from data.queries import expectations
from data.store.tables import MAX_TEXT_LENGTH
from tests import apptest

HUGE = "n" * 2_000_000


def test_an_over_long_note_is_refused_when_recorded(writable_demo_app: Path) -> None:
    me = apptest.demo_user(writable_demo_app, "affiliate")
    with duckdb.connect(str(writable_demo_app), read_only=True) as con:
        company = con.execute("SELECT company_id FROM contracts WHERE affiliate_id = ? LIMIT 1", [me.affiliate_id]).fetchall()[0][0]  # fmt: skip
        before = con.execute("SELECT count(*) FROM expectations").fetchall()[0][0]
    with pytest.raises(
        expectations.ExpectationError, match=r"note is 2,000,000 characters long; at most 5,000"
    ):
        expectations.add(writable_demo_app, affiliate_id=me.affiliate_id, company_id=company, what="overall",
                         target="60", due_on=date(2027, 6, 30), note=HUGE, who=me.username)  # fmt: skip
    expectations.add(writable_demo_app, affiliate_id=me.affiliate_id, company_id=company, what="overall",
                     target="60", due_on=date(2027, 6, 30), note="n" * MAX_TEXT_LENGTH, who=me.username)  # fmt: skip
    with duckdb.connect(str(writable_demo_app), read_only=True) as con:
        assert (
            con.execute("SELECT count(*) FROM expectations").fetchall()[0][0] == before + 1
        )  # only the one at the limit


def test_the_form_limits_the_note(writable_demo_app: Path) -> None:
    at = apptest.open_page("contracts", role="affiliate")
    assert not at.exception, [e.value for e in at.exception]
    note = at.text_area(key="expectation_note")
    assert note.proto.max_chars == MAX_TEXT_LENGTH  # the browser stops typing at the limit
    at.number_input(key="expectation_score").set_value(60.0)  # the default "What" is a score
    note.set_value("n" * (MAX_TEXT_LENGTH + 100))  # a client that ignores max_chars
    at.button(key="expectation_submit").click().run()
    assert not at.exception, [e.value for e in at.exception]
    with duckdb.connect(str(writable_demo_app), read_only=True) as con:
        longest = con.execute("SELECT max(length(note)) FROM expectations").fetchall()[0][0]
    assert longest <= MAX_TEXT_LENGTH  # Streamlit cuts the value to max_chars; add() refuses more


def test_the_import_refuses_an_over_long_free_text_cell(demo_db: Path) -> None:
    with duckdb.connect(str(demo_db), read_only=True) as con:
        affiliate, company = con.execute("SELECT affiliate_id, company_id FROM contracts LIMIT 1").fetchall()[
            0
        ]
        csv_text = (
            "expectation_id,affiliate_id,company_id,what,target,due_on,note,set_by,set_on\n"
            f"EXLONG1,{affiliate},{company},overall,60,2027-06-30,{'n' * 6000},office,2026-01-02\n"
            f"EXLONG2,{affiliate},{company},overall,60,2027-06-30,{'n' * MAX_TEXT_LENGTH},office,2026-01-02\n"
        )
        factories = (
            "factory_id,legal_name,address,city,country,tier,component_type\n"
            f"FLONG,{'L' * (MAX_TEXT_LENGTH + 1)},Road 1,Town,DE,final_assembly,\n"
        )
        plan = importer.validate_files(
            [("expectations.csv", csv_text.encode()), ("factories.csv", factories.encode())], con
        )
    errors = [str(p) for p in plan.errors]
    assert (
        "expectations.csv:2: note: the text is 6,000 characters long; at most 5,000 are allowed in note"
        in errors
    )
    assert (
        "factories.csv:2: legal_name: the text is 5,001 characters long; at most 5,000 are allowed in legal_name"
        in errors
    )
    assert not any("expectations.csv:3" in e for e in errors)  # at the limit is fine
