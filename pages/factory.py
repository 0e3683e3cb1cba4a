"""Factory: one factory, who disclosed it for what, which affiliates buy from it (collective
leverage), its monitoring cases, findings and remediation over time. Without a factory in
the URL: the list of factories by leverage or open findings. The sections are in
ui/factory_page.py."""

from datetime import date

import streamlit as st

from ui import auth, cache, factory_views, links, nav
from ui import contract_cache as cc
from ui import factory_page as view
from wording.i18n import _

nav.through_app("factory")

version = cache.db_version()
today = date.today()
user = auth.user()

nav.scroll_to_top_if_asked()  # opened by a click on a map point far down a page
factory_id = st.query_params.get(links.PARAM) or None  # an id, or a handle in presentation mode
if factory_id is None:
    st.title(_("Factory"))
    st.caption(
        _("Choose a factory: the disclosed factories, with the affiliates buying products made there.")
    )
    factory_views.factory_index(version, today)
    st.stop()

found = cc.factory(version, factory_id)
if found.empty:
    st.title(_("Factory"))
    st.error(_("This factory does not exist or is not available to your account."))
    st.stop()
view.header(found.iloc[0])

disclosed = cc.factory_disclosures(version, factory_id)
buyers = cc.factory_buyers(version, factory_id, today)
cases = cc.factory_cases(version, factory_id, today)
others = user is not None and user.role == "affiliate"  # an affiliate sees others' spend only
n_affiliates, spend = view.key_figures(
    disclosed, cc.factory_leverage(version, factory_id, today), cases, others
)

view.disclosed_by(disclosed)
view.buyers_section(buyers, n_affiliates, spend, others)
view.cases_section(version, factory_id, today, cases)
