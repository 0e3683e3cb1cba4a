"""Access control: who sees which pages, the company scope in the data layer, sign-in and lockout."""

from __future__ import annotations

import logging
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

import scoring
from data import demo
from data.access import accounts, sessions
from data.queries import companies as company_queries
from data.queries import evidence as evidence_queries
from data.store import writes
from tests import apptest
from ui import auth
from ui.text import md_escape

ROOT = Path(__file__).resolve().parent.parent
ALL_PAGES = [
    "overview",
    "company",
    "compare",
    "transparency",
    "improvement",
    "contracts",
    "factory",
    "changes",
    "methodology",
    "data",
    "accounts",
    "disputes",
]
EXPECTED_PAGES = {
    None: ["methodology"],
    "admin": [
        "overview",
        "company",
        "compare",
        "contracts",
        "factory",
        "changes",
        "transparency",
        "improvement",
        "data",
        "accounts",
        "disputes",
        "methodology",
    ],
    "affiliate": [
        "overview",
        "company",
        "compare",
        "contracts",
        "factory",
        "changes",
        "transparency",
        "improvement",
        "methodology",
    ],
    "company": ["company", "contracts", "factory", "transparency", "improvement", "methodology"],
}


def sidebar_pages(at: AppTest) -> list[str]:
    return [e.proto.page for e in at.sidebar if type(e).__name__ == "PageLink"]


def rendered_text(at: AppTest) -> str:
    """Everything a person could read on the page: text elements, tables, charts, widget options."""
    parts: list[str] = []
    for kind in (
        "text",
        "title",
        "header",
        "subheader",
        "caption",
        "markdown",
        "info",
        "error",
        "warning",
        "success",
    ):
        parts += [str(e.value) for e in at.get(kind)]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    for frame in at.dataframe:
        value = frame.value
        value = value.data if hasattr(value, "data") else value
        parts.append(value.to_csv())
    parts += [c.proto.spec for c in at.get("plotly_chart")]
    for box in list(at.selectbox) + list(at.multiselect):
        parts += [str(o) for o in box.options]
    return "\n".join(parts)


@pytest.fixture(scope="module")
def company_names(demo_db: Path) -> dict[str, str]:
    with duckdb.connect(str(demo_db), read_only=True) as con:
        return dict(con.execute("SELECT company_id, name FROM companies").fetchall())


@pytest.mark.parametrize("role", list(EXPECTED_PAGES))
def test_each_role_sees_exactly_its_pages(demo_app: Path, role: str | None) -> None:
    at = apptest.open_page("methodology", role=role)
    assert not at.exception
    assert sidebar_pages(at) == EXPECTED_PAGES[role]


@pytest.mark.parametrize("role", list(EXPECTED_PAGES))
@pytest.mark.parametrize("page", ALL_PAGES)
def test_a_page_path_typed_by_hand_is_refused_unless_allowed(
    demo_app: Path, role: str | None, page: str
) -> None:
    at = apptest.open_page(page, role=role)
    assert not at.exception, [e.value for e in at.exception]
    allowed = page in EXPECTED_PAGES[role]
    refused = "This page is not available to your account." in [e.value for e in at.error]
    login = [t.label for t in at.text_input] == ["Username", "Password"]
    if allowed:
        assert not refused and not login
    elif role is None:
        assert login and [b.label for b in at.button] == ["Sign in"]
    else:
        assert refused


@pytest.mark.parametrize("page", ["company", "transparency", "improvement"])
def test_company_account_with_another_company_in_the_url_sees_nothing_foreign(
    demo_app: Path, company_names: dict[str, str], page: str
) -> None:
    own = apptest.demo_user(demo_app, "company").company_id
    for other in ("CO0001", "CO0011", "CO0024"):
        at = apptest.open_page(page, role="company", company=other)
        assert not at.exception
        assert any("not available to your account" in e.value for e in at.error)
        text = rendered_text(at)
        assert company_names[own] in text
        foreign = [name for cid, name in company_names.items() if cid != own and name in text]
        assert foreign == []
        assert other not in text.replace(f"“{other}”", "")  # only quoted back in the refusal


@pytest.mark.parametrize("page", ["overview", "compare", "data", "accounts"])
def test_company_account_on_other_pages_sees_no_company_name(
    demo_app: Path, company_names: dict[str, str], page: str
) -> None:
    at = apptest.open_page(page, role="company", company="CO0001,CO0002")
    text = rendered_text(at)
    assert [name for name in company_names.values() if name in text] == []


def test_affiliate_sees_every_company(demo_app: Path, company_names: dict[str, str]) -> None:
    at = apptest.open_page("overview", role="affiliate")
    text = rendered_text(at)
    assert all(name in text for name in company_names.values())


def test_signed_out_visitor_sees_login_form_and_methodology_only(demo_app: Path) -> None:
    at = apptest.open_page("company", role=None, company="CO0003")
    assert [t.label for t in at.text_input] == ["Username", "Password"]
    assert "Corvella" not in rendered_text(at)
    at = apptest.open_page("methodology", role=None)
    assert at.title[0].value == "How CPT scores companies"


def sign_in(at: AppTest, username: str, password: str) -> AppTest:
    at.text_input(key="login_username").input(username)
    at.text_input(key="login_password").input(password)
    at.button(key="login_submit").click()
    return at.run()


def test_sign_in_lands_on_the_deep_linked_company(demo_app: Path) -> None:
    at = apptest.open_page("company", role=None, company="CO0003", as_of="2021-12-31")
    at = sign_in(at, "demo-affiliate", accounts.DEMO_PASSWORD)
    assert not at.exception
    assert at.title[0].value == "Corvella Technologies"
    assert at.selectbox(key="as_of").value.isoformat() == "2021-12-31"
    assert "Signed in as **demo-affiliate** (affiliate)" in [c.value for c in at.sidebar.caption]
    at.button(key="sign_out").click().run()
    assert [t.label for t in at.text_input] == ["Username", "Password"]


def test_five_failures_lock_the_username(demo_app: Path, monkeypatch: pytest.MonkeyPatch, caplog) -> None:
    import streamlit as st

    monkeypatch.setenv("CPT_LOGIN_DELAY", "0")
    st.cache_resource.clear()
    caplog.set_level(logging.INFO, logger="cpt.auth")
    at = apptest.open_page("overview", role=None)
    for attempt in range(1, 6):
        at = sign_in(at, "demo-admin", f"wrong-password-{attempt}")
        assert any("Wrong username or password" in e.value for e in at.error)
    assert any("locked for 15 minutes" in e.value for e in at.error)
    at = sign_in(at, "demo-admin", accounts.DEMO_PASSWORD)  # the right password, but locked
    assert any("is locked for" in e.value for e in at.error)
    assert not at.get("plotly_chart")
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "sign-in failed for user='demo-admin' (5 of 5)" in logged
    assert "wrong-password" not in logged and accounts.DEMO_PASSWORD not in logged


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_lock_lifts_after_the_lock_time() -> None:
    clock, slept = Clock(), []
    throttle = accounts.LoginThrottle(max_failures=5, lock_seconds=900, clock=clock, sleep=slept.append)
    for _ in range(4):
        throttle.failed("ann")
        clock.now += 10
    assert throttle.locked_for("ann") == 0
    throttle.failed("ann")
    assert throttle.locked_for("ann") == pytest.approx(900)
    assert throttle.locked_for("bob") == 0
    clock.now += 899
    assert throttle.locked_for("ann") == pytest.approx(1)
    clock.now += 2
    assert throttle.locked_for("ann") == 0
    assert slept == sorted(slept) and slept[-1] > 0  # each failure answers a little slower


def test_success_resets_the_failures() -> None:
    throttle = accounts.LoginThrottle(max_failures=2, clock=Clock(), sleep=lambda s: None)
    throttle.failed("ann")
    throttle.succeeded("ann")
    throttle.failed("ann")
    assert throttle.locked_for("ann") == 0


def test_passwords_are_stored_as_argon2_hashes(demo_db: Path) -> None:
    with duckdb.connect(str(demo_db), read_only=True) as con:
        hashes = [h for (h,) in con.execute("SELECT password_hash FROM users").fetchall()]
        assert len(hashes) == 3 and all(h.startswith("$argon2") for h in hashes)
        assert (
            accounts.authenticate(con.cursor(), "demo-company", accounts.DEMO_PASSWORD).company_id
            == demo.DEMO_COMPANY
        )
        assert accounts.authenticate(con.cursor(), "demo-company", "cpt-demo ") is None
        assert accounts.authenticate(con.cursor(), "nobody", accounts.DEMO_PASSWORD) is None


def run_cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "data", *args], cwd=ROOT, input=stdin, capture_output=True, text=True
    )


def test_users_cli(tmp_path: Path) -> None:
    db = tmp_path / "x.duckdb"
    assert run_cli("init", "--db", str(db)).returncode == 0
    assert "add the first admin" in run_cli("users", "list", "--db", str(db)).stdout
    done = run_cli("users", "add", "boss", "--role", "admin", "--db", str(db), stdin="long-enough-pw\n")
    assert done.returncode == 0, done.stderr
    bad = run_cli(
        "users",
        "add",
        "x",
        "--role",
        "company",
        "--company",
        "NOPE",
        "--db",
        str(db),
        stdin="long-enough-pw\n",
    )
    assert bad.returncode == 1 and "existing --company" in bad.stderr and "Traceback" not in bad.stderr
    short = run_cli("users", "passwd", "boss", "--db", str(db), stdin="short\n")
    assert short.returncode == 1 and "at least 8" in short.stderr
    assert run_cli("users", "passwd", "boss", "--db", str(db), stdin="another-long-pw\n").returncode == 0
    with duckdb.connect(str(db), read_only=True) as con:
        assert accounts.authenticate(con.cursor(), "boss", "another-long-pw") is not None
        audit = [a for (a,) in con.execute("SELECT action FROM audit_log ORDER BY audit_id").fetchall()]
    assert audit == ["user add", "user passwd"]
    assert run_cli("users", "remove", "boss", "--db", str(db)).returncode == 0
    assert "boss" not in run_cli("users", "list", "--db", str(db)).stdout
    # the password is never an argument
    assert (
        run_cli("users", "add", "eve", "--role", "admin", "--password", "x", "--db", str(db)).returncode == 2
    )


def test_database_without_demo_has_no_accounts_and_says_how_to_add_one(tmp_path: Path, monkeypatch) -> None:
    import streamlit as st

    db = tmp_path / "empty.duckdb"
    writes.create(db)
    monkeypatch.setenv("CPT_DB", str(db))
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert any("python -m data users add NAME --role admin" in w.value for w in at.warning)


# ---------------------------------------------------------------- the data layer, scoped


SCOPED_QUERIES = {
    "company_queries.companies": lambda cur, ids: company_queries.companies(cur, ids),
    "company_queries.company_filters": lambda cur, ids: company_queries.company_filters(cur, ids),
    **{
        f"evidence_queries.{name}": (
            lambda fn: lambda cur, ids: fn(cur, ids, scoring.last_quarter_end())
            if "until" in fn.__code__.co_varnames[: fn.__code__.co_argcount]
            else fn(cur, ids)
        )(getattr(evidence_queries, name))
        for name in (
            "transparency_summary", "request_levels_by_quarter", "on_time_by_quarter",
            "factories_disclosed_by_quarter", "factories_by_country", "factories_missing_address",
            "product_factory_links", "case_progress", "improvement_summary", "findings_by_area",
            "findings_status_by_quarter", "retaliation_cases",
        )
    },
}  # fmt: skip


def test_every_scoped_query_returns_nothing_of_other_companies(
    demo_db: Path, company_names: dict[str, str]
) -> None:
    with duckdb.connect(str(demo_db), read_only=True) as con:
        cur = con.cursor()
        for company_id in company_names:
            evidence = scoring.load_evidence(cur, [company_id])
            for table, frame in evidence.tables().items():
                assert set(frame["company_id"]) <= {company_id}, (company_id, table)
            for name, query in SCOPED_QUERIES.items():
                frame = query(cur, [company_id])
                if "company_id" in frame.columns:
                    assert set(frame["company_id"].dropna()) <= {company_id}, (company_id, name)
                others = {n for cid, n in company_names.items() if cid != company_id}
                text = frame.to_csv()
                assert not [n for n in others if n in text], (company_id, name)


def test_scores_of_one_company_equal_its_rows_in_the_full_series(demo_db: Path) -> None:
    with duckdb.connect(str(demo_db), read_only=True) as con:
        full = scoring.score(scoring.load_evidence(con.cursor()), [scoring.last_quarter_end()])
        own = scoring.score(
            scoring.load_evidence(con.cursor(), [demo.DEMO_COMPANY]), [scoring.last_quarter_end()]
        )
    assert list(own["company_id"]) == [demo.DEMO_COMPANY]
    assert own["overall"].iloc[0] == pytest.approx(
        full.set_index("company_id").at[demo.DEMO_COMPANY, "overall"]
    )


def test_untrusted_names_render_as_text(tmp_path: Path, monkeypatch) -> None:
    import streamlit as st

    db = tmp_path / "xss.duckdb"

    def fill(con: duckdb.DuckDBPyConnection) -> None:
        demo.fill_demo(con)
        con.execute("UPDATE companies SET name = '<script>alert(1)</script>' WHERE company_id = 'CO0003'")

    writes.create(db, fill)
    monkeypatch.setenv("CPT_DB", str(db))
    st.cache_data.clear()
    st.cache_resource.clear()
    at = apptest.open_page("company", role="affiliate", db=db, company="CO0003")
    assert not at.exception
    # Escaped Markdown (ui/text.py): Streamlit shows exactly these characters, no HTML.
    assert at.title[0].value == md_escape("<script>alert(1)</script>") == r"\<script\>alert\(1\)\</script\>"
    assert not any(getattr(m.proto, "unsafe_allow_html", False) and "script" in m.value for m in at.markdown)


def test_affiliate_sees_its_contracted_companies_marked_and_can_filter_them(demo_app: Path) -> None:
    me = apptest.demo_user(demo_app, "affiliate")
    with duckdb.connect(str(demo_app), read_only=True) as con:
        contracted = {
            c
            for (c,) in con.execute(
                "SELECT DISTINCT company_id FROM contracts WHERE affiliate_id = ?", [me.affiliate_id]
            ).fetchall()
        }
    at = apptest.open_page("overview", role="affiliate")
    board = at.dataframe[0].value
    board = board.data if hasattr(board, "data") else board
    assert set(board.loc[board["Your contract"], "company_id"]) == contracted and len(contracted) >= 2
    assert at.selectbox(key="affiliate").options[1].endswith("(you)")
    at.selectbox(key="affiliate").set_value(me.affiliate_id).run()
    board = at.dataframe[0].value
    board = board.data if hasattr(board, "data") else board
    assert set(board["company_id"]) == contracted


def test_admin_board_has_no_contract_column(demo_app: Path) -> None:
    at = apptest.open_page("overview", role="admin")
    board = at.dataframe[0].value
    board = board.data if hasattr(board, "data") else board
    assert "Your contract" not in board.columns


# ---------------------------------------------------------------- lockout under parallel attempts


def test_parallel_wrong_passwords_check_at_most_the_limit_and_lock(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    checked: list[str] = []
    real = accounts._hasher

    class CountingHasher:
        def verify(self, hash_: str, password: str) -> bool:
            checked.append(password)
            time.sleep(0.05)  # a slow hash: every attempt is in flight at once
            return real.verify(hash_, password)

        def hash(self, password: str) -> str:
            checked.append(password)
            return real.hash(password)

    monkeypatch.setattr(accounts, "_hasher", CountingHasher())
    throttle = accounts.LoginThrottle(max_failures=5, lock_seconds=900, sleep=lambda s: None)
    start = threading.Barrier(12)
    results: list[accounts.SignIn] = []
    with duckdb.connect(str(demo_db), read_only=True) as con:

        def attempt(n: int) -> None:
            cur = con.cursor()
            start.wait()
            results.append(accounts.sign_in(cur, throttle, "demo-admin", f"wrong-{n}"))

        threads = [threading.Thread(target=attempt, args=(n,)) for n in range(12)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(checked) <= 5, f"{len(checked)} passwords were checked against a limit of 5"
        assert throttle.locked_for("demo-admin") > 0
        assert all(r.user is None for r in results) and len(results) == 12
        assert sum(r.locked_for > 0 for r in results) >= 7
        # the right password is refused while locked, without a check
        before = len(checked)
        assert accounts.sign_in(con.cursor(), throttle, "demo-admin", accounts.DEMO_PASSWORD).user is None
        assert len(checked) == before


def test_the_count_does_not_restart_after_locking() -> None:
    clock = Clock()
    throttle = accounts.LoginThrottle(max_failures=3, lock_seconds=900, clock=clock, sleep=lambda s: None)
    for _ in range(3):
        assert throttle.reserve("ann") == 0
        throttle.failed("ann")
    assert throttle.locked_for("ann") == pytest.approx(900)
    # late answers of attempts that were already in flight do not extend or reset anything
    assert throttle.failed("ann") == 4
    assert throttle.locked_for("ann") == pytest.approx(900)
    assert throttle.reserve("ann") > 0


# ---------------------------------------------------------------- sessions that really end


def signed_in(at: AppTest) -> bool:
    return any(str(c.value).startswith("Signed in as") for c in at.sidebar.caption)


def on_sign_in_form(at: AppTest) -> bool:
    return [t.label for t in at.text_input] == ["Username", "Password"] and not signed_in(at)


def new_tab_with_cookie(
    monkeypatch: pytest.MonkeyPatch, cookie: str | None, page: str = "overview", **params
):
    """A fresh browser tab (or another browser) that sends `cookie` as cpt_session."""
    monkeypatch.setattr(auth, "cookie_value", lambda: cookie)
    return apptest.open_page(page, role=None, **params)


def test_sign_out_ends_the_session_for_every_tab_and_copied_cookie(
    demo_app: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = sign_in(apptest.open_page("overview", role=None), "demo-affiliate", accounts.DEMO_PASSWORD)
    assert signed_in(first)
    cookie = first.session_state[auth.SESSION_ID]
    # the cookie is an opaque random id: no name, role or time in it
    assert len(cookie) >= 40 and "demo" not in cookie and "affiliate" not in cookie
    assert first.session_state[auth.COOKIE_STATE] == ("set", cookie)
    second = new_tab_with_cookie(monkeypatch, cookie)  # a reload / shared link: no second sign-in
    assert signed_in(second) and not on_sign_in_form(second)
    first.button(key="sign_out").click().run()
    assert on_sign_in_form(first)
    assert on_sign_in_form(second.run())  # the other open tab stops at its next run
    assert any("signed out in another tab" in i.value for i in second.info)
    replayed = new_tab_with_cookie(monkeypatch, cookie, "company", company="CO0003")  # copied before sign-out
    assert on_sign_in_form(replayed) and "Corvella" not in rendered_text(replayed)


def test_a_forged_or_unknown_cookie_signs_nobody_in(demo_app: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for cookie in ("demo-admin", "x" * 43, "demo-admin.1764400000.signature", ""):
        assert on_sign_in_form(new_tab_with_cookie(monkeypatch, cookie))


def run_cli_db(db: Path, *args: str, stdin: str = "") -> None:
    done = run_cli(*args, "--db", str(db), stdin=stdin)
    assert done.returncode == 0, done.stderr


def test_a_password_change_by_the_cli_ends_open_sessions(
    writable_demo_app: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tab = sign_in(apptest.open_page("company", role=None), "demo-company", accounts.DEMO_PASSWORD)
    assert signed_in(tab)
    cookie = tab.session_state[auth.SESSION_ID]
    run_cli_db(writable_demo_app, "users", "passwd", "demo-company", stdin="a-new-long-password\n")
    tab.run()
    assert on_sign_in_form(tab)
    assert any("session has ended" in i.value for i in tab.info)
    assert on_sign_in_form(new_tab_with_cookie(monkeypatch, cookie, "company"))
    assert signed_in(sign_in(tab, "demo-company", "a-new-long-password"))  # the new password works


def test_removing_the_account_by_the_cli_ends_its_open_tab(
    writable_demo_app: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tab = apptest.open_page("overview", role="affiliate", db=writable_demo_app)
    assert signed_in(tab) and tab.dataframe
    cookie = tab.session_state[auth.SESSION_ID]
    other = apptest.open_page("overview", role="admin", db=writable_demo_app)
    run_cli_db(writable_demo_app, "users", "remove", "demo-affiliate")
    tab.run()
    assert on_sign_in_form(tab) and not tab.dataframe
    assert on_sign_in_form(new_tab_with_cookie(monkeypatch, cookie))
    assert signed_in(other.run())  # other accounts keep their sessions


def test_removing_an_account_on_the_accounts_page_ends_its_sessions(writable_demo_app: Path) -> None:
    tab = apptest.open_page("company", role="company", db=writable_demo_app)
    admin = apptest.open_page("accounts", role="admin", db=writable_demo_app)
    admin.selectbox(key="change_username").set_value("demo-company")
    admin.button(key="remove_submit").click().run()
    assert "Removed account demo-company." in [s.value for s in admin.success]
    assert on_sign_in_form(tab.run())
    assert signed_in(admin)


def test_resetting_ones_own_password_keeps_only_this_tab(writable_demo_app: Path) -> None:
    admin = apptest.open_page("accounts", role="admin", db=writable_demo_app)
    other_tab = apptest.open_page("overview", role="admin", db=writable_demo_app)
    admin.selectbox(key="change_username").set_value("demo-admin")
    admin.text_input(key="change_password").input("a-new-long-password")
    admin.button(key="passwd_submit").click().run()
    assert "Password of demo-admin changed." in [s.value for s in admin.success]
    assert signed_in(admin.run())
    assert on_sign_in_form(other_tab.run())


class SessionClock:
    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


def test_sessions_expire_when_idle_and_after_the_maximum_length(
    demo_app: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = SessionClock()
    monkeypatch.setattr(sessions.STORE, "clock", clock)
    monkeypatch.setenv("CPT_SESSION_IDLE_MINUTES", "60")
    monkeypatch.setenv("CPT_SESSION_MAX_HOURS", "2")
    tab = apptest.open_page("overview", role="affiliate")
    clock.now += 59 * 60
    assert signed_in(tab.run())
    clock.now += 61 * 60
    tab.run()
    assert on_sign_in_form(tab) and any("inactivity" in i.value for i in tab.info)

    tab = apptest.open_page("overview", role="affiliate")
    cookie = tab.session_state[auth.SESSION_ID]
    for _ in range(4):  # active every 30 minutes: still ends after 2 hours
        clock.now += 30 * 60
        assert signed_in(tab.run())
    clock.now += 60
    tab.run()
    assert on_sign_in_form(tab) and any("maximum length" in i.value for i in tab.info)
    assert on_sign_in_form(new_tab_with_cookie(monkeypatch, cookie))
