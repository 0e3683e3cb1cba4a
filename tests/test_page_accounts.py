"""AppTest of the Accounts page: staff add, reset and remove accounts through the publish function."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests import apptest

ROOT = Path(__file__).resolve().parent.parent


def users(db: Path) -> dict[str, str]:
    """Accounts as another process sees the published file (this process still has the
    replaced file open through the dashboard's cached reader)."""
    done = subprocess.run([sys.executable, "-m", "data", "users", "list", "--db", str(db)], cwd=ROOT,
                          capture_output=True, text=True, check=True)  # fmt: skip
    return dict(line.split("\t")[:2] for line in done.stdout.splitlines())


def test_add_then_remove_an_affiliate_account(writable_demo_app: Path) -> None:
    at = apptest.open_page("accounts", role="admin", db=writable_demo_app)
    assert set(at.dataframe[0].value["username"]) == {"demo-admin", "demo-affiliate", "demo-company"}
    at.text_input(key="new_username").input("buyer.one")
    at.selectbox(key="new_role").set_value("affiliate")
    at.selectbox(key="new_affiliate").set_value("AF001")
    at.text_input(key="new_password").input("a-long-password")
    at.text_input(key="new_password_again").input("a-long-password")
    at.button(key="add_user_submit").click().run()
    assert not at.exception
    assert "Added affiliate account buyer.one." in [s.value for s in at.success]
    assert users(writable_demo_app)["buyer.one"] == "affiliate"
    listed = subprocess.run([sys.executable, "-m", "data", "users", "list", "--db", str(writable_demo_app)], cwd=ROOT,
                            capture_output=True, text=True, check=True).stdout  # fmt: skip
    assert "buyer.one\taffiliate\tAF001" in listed

    at.selectbox(key="change_username").set_value("buyer.one")
    at.button(key="remove_submit").click().run()
    assert "Removed account buyer.one." in [s.value for s in at.success]
    assert "buyer.one" not in users(writable_demo_app)


@pytest.mark.parametrize(
    ("role", "link", "password", "again", "message"),
    [
        (
            "affiliate",
            None,
            "a-long-password",
            "a-long-password",
            "an affiliate account needs an existing --affiliate",
        ),
        (
            "company",
            None,
            "a-long-password",
            "a-long-password",
            "a company account needs an existing --company",
        ),
        ("admin", None, "short", "short", "at least 8 characters"),
        ("admin", None, "a-long-password", "another-password", "The two passwords differ"),
    ],
)
def test_bad_account_requests_change_nothing(writable_demo_app: Path, role: str, link: str | None, password: str,
                                             again: str, message: str) -> None:  # fmt: skip
    before = users(writable_demo_app)
    at = apptest.open_page("accounts", role="admin", db=writable_demo_app)
    at.text_input(key="new_username").input("someone")
    at.selectbox(key="new_role").set_value(role)
    at.text_input(key="new_password").input(password)
    at.text_input(key="new_password_again").input(again)
    at.button(key="add_user_submit").click().run()
    assert not at.exception
    assert any(message in e.value for e in at.error), [e.value for e in at.error]
    assert users(writable_demo_app) == before


def test_admin_cannot_remove_itself(writable_demo_app: Path) -> None:
    at = apptest.open_page("accounts", role="admin", db=writable_demo_app)
    at.selectbox(key="change_username").set_value("demo-admin")
    at.button(key="remove_submit").click().run()
    assert "You cannot remove the account you are signed in with." in [e.value for e in at.error]
    assert "demo-admin" in users(writable_demo_app)
