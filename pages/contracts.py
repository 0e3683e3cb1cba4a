"""My contracts: an affiliate's (or a company's) contracts, the disclosure requests about the
product models bought, the factories behind them, open cases there, and the deadlines.
The sections are in ui/contract_views.py."""

from datetime import date

import streamlit as st

from ui import auth, cache, factory_views, nav
from ui import contract_cache as cc
from ui import contract_views as views
from wording.i18n import _

nav.through_app("contracts")

version = cache.db_version()
today = date.today()
user = auth.user()

st.title(_("My contracts"))
contracts = cc.contracts(version, today)
chosen = None  # staff: the affiliate whose contracts are shown (None: all)
if user.role == "admin":
    st.caption(_("Staff see every contract. Choose an affiliate to see its contracts as it does."))
    chosen = views.choose_affiliate(contracts)
    if chosen is not None:
        contracts = cc.contracts(version, today, chosen)
elif user.role == "company":
    st.caption(
        _("Your company's contracts with affiliates, and the requests about the product models they cover.")
    )
else:
    st.caption(_("Your organisation's contracts, the disclosure requests about the product models you buy, "
                 "the factories behind them and the open monitoring cases there."))  # fmt: skip

if contracts.empty:
    st.info(_("No contract is recorded for your account."))
    st.stop()

# Each query is narrowed in SQL to the contracts in view (all of the viewer's, or the chosen
# affiliate's), and a contract's requests, factories and cases are read when it is chosen below.
deadlines = cc.deadlines(version, today, chosen)
views.figures(version, today, chosen, contracts, deadlines)

st.header(_("Contracts"))
views.contracts_table(contracts, user.role)

st.header(_("Where the products are made") if user.role == "admin" else _("Where your products are made"))
factory_views.factory_map(lambda: cc.factories_behind(version, today, chosen), "contracts_map")

views.deadlines_section(version, deadlines, today, chosen, user)
views.expectations_section(version, today, user, chosen)
views.expectation_form(version, today, user, chosen, contracts)

st.header(_("Contract details"))
if user.role == "admin" and chosen is None:  # thousands of contracts: one affiliate's at a time
    st.info(_("Choose an affiliate above to see the details of one of its contracts."))
    st.stop()
views.contract_details(version, today, contracts, user.role)
