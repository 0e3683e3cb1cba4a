"""CPT dashboard entry: page config, database, sign-in gate, navigation by role."""

from __future__ import annotations

import streamlit as st

from data import store
from ui import auth, cache, language, nav, present
from ui.text import md
from wording.i18n import N_, _

st.set_page_config(
    page_title="Company Performance Tracker",
    page_icon="📊",
    layout="wide",
    initial_sidebar_state=present.sidebar_state(),  # collapsed on a projector (present=1)
)

cache.ensure_database()
try:
    version = cache.db_version()
except store.StoreError as exc:
    st.error(md("{}", exc))
    st.stop()

user = auth.current_user(cache.reader().cursor())
language.resolve(user, cache.reader().cursor())  # every text below in the account's language
if user is not None and (present.is_on() or "-" in st.query_params.get("company", "")):
    present.normalise_url(cache.pseudonym_map(version))  # company=Company-K while presenting


def _home() -> None:
    """The app root: go to the role's first page, or to the page a deep link asked for (see
    ui/nav.py), keeping the link's query parameters. Signed out, the root shows the sign-in
    form (unless the link is for the Methodology page) and, once signed in, comes here again."""
    params = st.query_params.to_dict()
    wanted = BY_PATH.get(params.get(nav.TARGET_PARAM, ""))
    if user is None and (wanted is None or not auth.may_open(None, wanted.url_path)):
        auth.login_form(cache.reader().cursor(), demo=cache.is_demo(version))
        return
    params.pop(nav.TARGET_PARAM, None)
    default = COMPANY if user is not None and user.role == "company" else OVERVIEW
    st.switch_page(wanted or default, query_params=params)


# URL paths are a contract (issue 5): overview (the default: the root redirects to it),
# company, transparency, improvement, compare, methodology, data, accounts; contracts,
# factory and changes (issue 14); disputes (issue 23). Every page is
# registered for everyone, so a link always resolves; the gate below decides what runs.
OVERVIEW = st.Page("pages/overview.py", title=_("Overview"), url_path="overview")
COMPANY = st.Page("pages/company.py", title=_("Company"), url_path="company")
SECTIONS = {
    _("Scores"): [OVERVIEW, COMPANY, st.Page("pages/compare.py", title=_("Compare"), url_path="compare")],
    _("Contracts"): [
        st.Page("pages/contracts.py", title=_("My contracts"), url_path="contracts"),
        st.Page("pages/factory.py", title=_("Factory"), url_path="factory"),
        st.Page("pages/changes.py", title=_("What changed"), url_path="changes"),
    ],
    _("Evidence"): [
        st.Page("pages/transparency.py", title=_("Supplier transparency"), url_path="transparency"),
        st.Page("pages/improvement.py", title=_("Factory improvement"), url_path="improvement"),
    ],
    _("Staff"): [
        st.Page("pages/data.py", title=_("Data"), url_path="data"),
        st.Page("pages/accounts.py", title=_("Accounts"), url_path="accounts"),
        st.Page("pages/disputes.py", title=_("Disputes"), url_path="disputes"),
    ],
    _("About"): [st.Page("pages/methodology.py", title=_("Methodology"), url_path="methodology")],
}
ROLES = (N_("admin"), N_("affiliate"), N_("company"))  # the account's role, as the sidebar names it
BY_PATH = {p.url_path: p for pages in SECTIONS.values() for p in pages}
home = st.Page(_home, title=_("Home"), url_path="home", default=True)
page = st.navigation([home, *BY_PATH.values()], position="hidden")


def _may_open(url_path: str) -> bool:
    return auth.may_open(user, url_path) and not present.page_hidden(url_path)


with st.sidebar:
    st.markdown("### Company Performance Tracker")
    for section, pages in SECTIONS.items():
        allowed = [p for p in pages if _may_open(p.url_path)]
        if allowed:
            st.caption(section)
            for p in allowed:
                st.page_link(p, query_params=present.link_params())
    st.divider()
    present.switch()
    language.selector(user)
    if user is None:
        st.caption(_("Not signed in"))
    else:
        st.caption(md(_("Signed in as **{}** ({})"), user.username, _(user.role)))
        if st.button(_("Sign out"), key="sign_out"):
            auth.sign_out()
            st.rerun()
auth.write_cookie()

if cache.is_demo(version):
    st.caption(_("Fictional demo data: every company, factory, affiliate and score shown here is invented."))
present.apply_style()
if page is home or _may_open(page.url_path):
    with nav.through_app_run():
        page.run()
elif user is None:
    auth.login_form(cache.reader().cursor(), demo=cache.is_demo(version))
elif present.page_hidden(page.url_path):
    st.info(_("Staff pages are hidden in presentation mode."))
else:
    st.error(_("This page is not available to your account."))
    st.page_link(COMPANY if user.role == "company" else OVERVIEW, label=_("Go to your start page"))
