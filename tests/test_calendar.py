"""Deadlines on My contracts and in calendars (issue 22, "Expectations and contracts").

* A request is a contract's deadline only when it falls within the contract's period or is
  still open on it (requested on or before its end, due on or after its start): one due
  years before a contract began is not listed. An old open one is listed once, as overdue.
* The calendar holds ONE overdue event on today's date (not an event per missed deadline),
  a reminder (VALARM, TRIGGER -P7D) on each deadline, and a deadline answered since it was
  listed as STATUS:CANCELLED under the UID it was listed with.
* The secret subscription link serves the same calendar as the download, as text/calendar
  with nosniff, for the account as it is at each request; a revoked, unknown or removed
  account's link answers 404; it shows nothing of another account's.
"""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest
from icalendar import Calendar

from data.access import accounts, calendar_links
from data.queries import contracts as q
from data.queries import deadlines as dq
from data.store import writes
from tests import apptest

TODAY = date.today()

# Unanswered requests past their due date about the affiliate's contracted models, and whether
# any of the affiliate's contracts of that model has a period the request overlaps: written
# here independently of data/queries/contracts/.
OLD_OPEN_SQL = """
SELECT r.request_id,
       bool_or(r.due_on >= k.start_date AND (k.end_date IS NULL OR r.requested_on <= k.end_date)) AS in_period
FROM disclosure_requests r JOIN contract_products cp USING (product_model_id)
JOIN contracts k USING (contract_id)
WHERE k.affiliate_id = $aff AND r.due_on < $today
  AND NOT EXISTS (SELECT 1 FROM disclosures d WHERE d.request_id = r.request_id AND d.disclosed_on <= $today)
  AND NOT EXISTS (SELECT 1 FROM due_diligence g WHERE g.request_id = r.request_id AND g.recorded_on <= $today)
GROUP BY r.request_id
"""


def viewer(db: Path, role: str) -> q.Viewer:
    return q.viewer_of(apptest.demo_user(db, role))


def events(payload: bytes) -> list:
    return list(Calendar.from_ical(payload).walk("VEVENT"))


def test_only_requests_of_a_contracts_period_are_deadlines_and_old_open_ones_once_as_overdue(
    demo_db: Path,
) -> None:
    me = viewer(demo_db, "affiliate")
    with duckdb.connect(str(demo_db), read_only=True) as con:
        rows = con.execute(OLD_OPEN_SQL, {"aff": me.affiliate_id, "today": TODAY}).fetchall()
        listed = q.deadlines(con.cursor(), me, TODAY)
        payload = dq.calendar(con.cursor(), me, TODAY)
    inside = {r for r, within in rows if within}
    outside = {r for r, within in rows if not within}
    assert inside and outside  # the demo world has both kinds
    assert not outside & set(listed["request_id"])  # e.g. one due in 2020 on a contract of 2025
    ids = list(listed["request_id"])
    assert all(ids.count(r) == 1 for r in inside)
    assert set(listed.loc[listed["request_id"].isin(inside), "deadline"]) == {"overdue"}
    assert (listed["days_to_due"] >= -((TODAY - date(2000, 1, 1)).days)).all()

    active = [e for e in events(payload) if str(e.get("status")) != "CANCELLED"]
    overdue = [e for e in active if "overdue" in str(e["categories"].to_ical().decode())]
    assert len(overdue) == 1  # one event for every overdue request
    assert overdue[0].decoded("dtstart") == TODAY
    text = str(overdue[0]["description"])
    assert all(r in text for r in inside) and not any(r in text for r in outside)
    assert all(e.decoded("dtstart") >= TODAY for e in active)  # nothing back through the years


def test_every_event_has_a_reminder_seven_days_before(demo_db: Path) -> None:
    with duckdb.connect(str(demo_db), read_only=True) as con:
        payload = dq.calendar(con.cursor(), viewer(demo_db, "admin"), TODAY)
    active = [e for e in events(payload) if str(e.get("status")) != "CANCELLED"]
    soon = [e for e in active if "due soon" in e["categories"].to_ical().decode()]
    assert soon
    for event in active:
        [alarm] = event.walk("VALARM")
        assert str(alarm["action"]) == "DISPLAY" and str(alarm["description"])
    assert {e.walk("VALARM")[0].decoded("trigger") for e in soon} == {timedelta(days=-7)}
    assert "TRIGGER:-P7D" in payload.decode()


def test_a_deadline_answered_since_is_sent_as_cancelled_under_the_same_uid(
    demo_db: Path, tmp_path: Path
) -> None:
    db = tmp_path / "live.duckdb"
    db.write_bytes(demo_db.read_bytes())
    me = viewer(db, "affiliate")
    with duckdb.connect(str(db), read_only=True) as con:
        listed = q.deadlines(con.cursor(), me, TODAY)
        before = events(dq.calendar(con.cursor(), me, TODAY))
        factory = con.execute("SELECT min(factory_id) FROM factories").fetchone()[0]
    request = listed.loc[listed["deadline"] != "overdue", "request_id"].iloc[0]
    [sent] = [e for e in before if f"Request {request};" in str(e.get("description", ""))]
    assert str(sent["status"]) == "CONFIRMED"

    def answer(con: duckdb.DuckDBPyConnection) -> None:  # a complete disclosure, yesterday
        con.execute("DELETE FROM disclosures WHERE request_id = ?", [request])
        con.execute(
            "INSERT INTO disclosures VALUES (?, ?, ?, true)", [request, factory, TODAY - timedelta(days=1)]
        )

    writes.publish(db, answer)
    with duckdb.connect(str(db), read_only=True) as con:
        assert request not in set(q.deadlines(con.cursor(), me, TODAY)["request_id"])
        after = events(dq.calendar(con.cursor(), me, TODAY))
    same = [e for e in after if str(e["uid"]) == str(sent["uid"])]
    assert len(same) == 1 and str(same[0]["status"]) == "CANCELLED"
    assert same[0].decoded("dtstart") == sent.decoded("dtstart")
    assert int(same[0]["sequence"]) >= int(sent["sequence"])


# ---------------------------------------------------------------- the subscription route


def fetch(path: str) -> tuple[int, dict[str, str], bytes]:
    """GET `path` from serve.py's route behind its Guard middleware (an ASGI call, no server)."""
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.routing import Route

    import serve

    app = Starlette(
        routes=[Route("/cpt/calendar/{token}", serve.calendar_feed)], middleware=[Middleware(serve.Guard)]
    )
    scope = {"type": "http", "method": "GET", "path": path, "raw_path": path.encode(), "query_string": b"",
             "headers": [(b"host", b"testserver")], "scheme": "http", "server": ("testserver", 80),
             "client": ("127.0.0.1", 1), "http_version": "1.1", "root_path": ""}  # fmt: skip
    sent: list[dict] = []

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    headers = {k.decode().lower(): v.decode() for k, v in start["headers"]}
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], headers, body


def test_the_subscription_link_serves_the_download_and_stops_when_revoked(writable_demo_app: Path) -> None:
    db = writable_demo_app
    token = calendar_links.new_link(db, "demo-affiliate", who="demo-affiliate")
    status, headers, body = fetch(f"/cpt/calendar/{token}")
    assert status == 200
    assert headers["content-type"].startswith("text/calendar")
    assert headers["x-content-type-options"] == "nosniff" and headers["cache-control"] == "no-store"
    at = apptest.open_page("contracts", role="affiliate")
    assert not at.exception
    assert body == apptest.download(at, "deadlines_ics")  # the same calendar as the download
    with duckdb.connect(str(db), read_only=True) as con:  # stored hashed only
        stored = {k for (k,) in con.execute("SELECT key || value FROM meta").fetchall()}
    assert not any(token in s for s in stored)

    again = calendar_links.new_link(db, "demo-affiliate", who="demo-affiliate")  # revoke and make anew
    assert fetch(f"/cpt/calendar/{token}")[0] == 404
    assert fetch(f"/cpt/calendar/{again}")[0] == 200
    calendar_links.revoke(db, "demo-affiliate", who="demo-affiliate")
    assert fetch(f"/cpt/calendar/{again}")[0] == 404
    for bad in ("x" * 43, "not-a-token", "%00", "../../etc/passwd"):
        assert fetch(f"/cpt/calendar/{bad}")[0] == 404


def test_a_link_shows_its_own_accounts_deadlines_only_and_dies_with_the_account(
    writable_demo_app: Path,
) -> None:
    db = writable_demo_app
    company = apptest.demo_user(db, "company")
    token = calendar_links.new_link(db, "demo-company", who="demo-admin")
    status, _, body = fetch(f"/cpt/calendar/{token}")
    assert status == 200
    with duckdb.connect(str(db), read_only=True) as con:
        own = {r for (r,) in con.execute("SELECT request_id FROM disclosure_requests WHERE company_id = ?", [company.company_id]).fetchall()}  # fmt: skip
        everyone = q.deadlines(con.cursor(), q.Viewer("admin"), TODAY)
    foreign = set(everyone["request_id"]) - own
    assert foreign and not any(r in body.decode() for r in foreign)
    assert body == fetch(f"/cpt/calendar/{token}")[2]

    accounts.remove_user(db, "demo-company", who="demo-admin")
    assert fetch(f"/cpt/calendar/{token}")[0] == 404
    accounts.add_user(
        db, "demo-company", "another-password-1", "company", company.company_id, who="demo-admin"
    )
    assert fetch(f"/cpt/calendar/{token}")[0] == 404  # a new account of that name does not inherit it


def test_the_page_makes_shows_once_and_revokes_the_link_never_in_presentation(
    writable_demo_app: Path,
) -> None:
    at = apptest.open_page("contracts", role="affiliate")
    at.button(key="calendar_link_new").click().run()
    assert not at.exception
    [code] = [c.value for c in at.code if "/cpt/calendar/" in c.value]
    token = code.rsplit("/", 1)[1]
    assert fetch(f"/cpt/calendar/{token}")[0] == 200
    at.button(key="calendar_link_revoke").click().run()
    assert not [c for c in at.code if "/cpt/calendar/" in c.value]
    assert fetch(f"/cpt/calendar/{token}")[0] == 404

    calendar_links.new_link(writable_demo_app, "demo-affiliate", who="demo-affiliate")
    shown = apptest.open_page("contracts", role="affiliate", present="1")
    assert not shown.exception
    assert not [b for b in shown.button if b.key and b.key.startswith("calendar_link")]
    assert not [c for c in shown.code if "/cpt/calendar/" in c.value]
    assert not [e for e in shown.expander if "calendar" in e.label.lower()]


@pytest.mark.parametrize("role", ["affiliate", "admin"])
def test_the_download_is_the_calendar_of_the_deadlines_listed(demo_app: Path, role: str) -> None:
    at = apptest.open_page("contracts", role=role)
    with duckdb.connect(str(demo_app), read_only=True) as con:
        assert apptest.download(at, "deadlines_ics") == dq.calendar(
            con.cursor(), viewer(demo_app, role), TODAY
        )
