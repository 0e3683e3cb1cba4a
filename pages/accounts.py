"""Accounts (staff): who may sign in, with which role; add, reset a password, remove."""

import streamlit as st

from data import store
from data.access import accounts, sessions
from data.store import writes
from ui import auth, cache, nav
from ui.text import md, md_escape
from wording.i18n import N_, _

nav.through_app("accounts")
ROLE_WORDS = {
    "admin": N_("admin"),
    "affiliate": N_("affiliate"),
    "company": N_("company"),
}  # the roles, as named

version = cache.db_version()
me = auth.user()
st.title(_("Accounts"))
st.caption(_("Admins see everything; affiliates see every company's scores; a company sees only its own."))

if done := st.session_state.pop("accounts_done", None):
    st.success(md_escape(done))
users = cache.accounts(version)
if users.empty:
    st.info(_("No accounts yet."))
else:
    st.dataframe(
        users.fillna("–"),
        key="users",
        hide_index=True,
        width="stretch",
        column_order=["username", "role", "company", "affiliate", "created_at"],
        column_config={"username": _("Username"), "role": _("Role"), "company": _("Company"), "affiliate": _("Affiliate"),
                       "created_at": st.column_config.DatetimeColumn(_("Created"), format="YYYY-MM-DD HH:mm")},
    )  # fmt: skip


def publish(action, *args, done: str, ends_sessions_of: str | None = None) -> None:
    """Run one account change through the store's publish function; report, never a traceback.

    A password reset or a removal ends every session of that account at once (each run
    would also notice the changed account); resetting one's own password keeps only this tab
    signed in, with a new session."""
    try:
        action(store.db_path(), *args, who=me.username)
    except (accounts.AccountError, store.StoreError) as exc:
        st.error(md(_("Nothing was changed: {}."), exc))
        return
    cache.clear()
    if ends_sessions_of is not None:
        sessions.STORE.end_user(ends_sessions_of)
        if ends_sessions_of == me.username:
            auth.renew(cache.reader().cursor())
    st.session_state["accounts_done"] = done
    st.rerun()  # draw the list and the forms from the new file


companies = cache.companies(version)
affiliates = cache.affiliates(version)
# One lookup table each, not an index rebuilt per option (25,000 companies at scale 1000).
company_names = dict(zip(companies["company_id"], companies["name"], strict=True))
affiliate_names = dict(zip(affiliates["affiliate_id"], affiliates["name"], strict=True))
with st.form("add_user", clear_on_submit=True):
    st.header(_("Add an account"))
    c1, c2 = st.columns(2)
    username = c1.text_input(_("New username"), key="new_username")
    role = c2.selectbox(
        _("Role"), accounts.ROLES, key="new_role", format_func=lambda r: _(ROLE_WORDS.get(r, r))
    )
    company = c1.selectbox(
        _("Company (company accounts)"), [None, *companies["company_id"]], key="new_company",
        format_func=lambda c: "–" if c is None else company_names[c],
    )  # fmt: skip
    affiliate = c2.selectbox(
        _("Affiliate (affiliate accounts)"), [None, *affiliates["affiliate_id"]], key="new_affiliate",
        format_func=lambda a: "–" if a is None else affiliate_names[a],
    )  # fmt: skip
    password = c1.text_input(_("Password (at least 8 characters)"), type="password", key="new_password")
    again = c2.text_input(_("Password again"), type="password", key="new_password_again")
    if st.form_submit_button(_("Add account"), key="add_user_submit"):
        if password != again:
            st.error(_("The two passwords differ: nothing was changed."))
        else:
            link_company = company if role == "company" else None
            link_affiliate = affiliate if role == "affiliate" else None
            publish(accounts.add_user, username, password, role, link_company, link_affiliate,
                    done=_("Added {} account {}.").format(role, username))  # fmt: skip

if not users.empty:
    with st.form("change_user"):
        st.header(_("Reset a password or remove an account"))
        who = st.selectbox(_("Account"), users["username"], key="change_username")
        new_password = st.text_input(_("New password"), type="password", key="change_password")
        c1, c2 = st.columns(2)
        if c1.form_submit_button(_("Set new password"), key="passwd_submit"):
            publish(accounts.set_password, who, new_password, done=_("Password of {} changed.").format(who),
                    ends_sessions_of=who)  # fmt: skip
        if c2.form_submit_button(_("Remove account"), key="remove_submit"):
            if who == me.username:
                st.error(_("You cannot remove the account you are signed in with."))
            else:
                publish(
                    accounts.remove_user, who, done=_("Removed account {}.").format(who), ends_sessions_of=who
                )

st.header(_("Presentation mode"))
st.caption(
    _(
        "Pseudonyms (“Company K”, “Factory 12”) come from a keyed shuffle; the key is kept in the database. "
        "A new key gives every company, factory, affiliate and product another pseudonym, for example "
        "before a webinar whose audience saw an earlier one."
    )
)
if not cache.has_presentation_key(version):
    st.warning(
        _(
            "This database has no presentation key yet: pseudonyms change when the server restarts. "
            "Make one with the button below."
        )
    )
if st.button(_("New presentation key"), key="rotate_presentation_key"):
    publish(writes.rotate_presentation_key, done=_("New presentation key: every pseudonym has changed."))
