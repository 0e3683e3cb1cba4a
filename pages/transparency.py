"""Supplier transparency: which factories a company disclosed, how completely and how promptly."""

from datetime import date

import pandas as pd
import streamlit as st

import scoring
from charts import transparency as charts
from ui import cache, controls, factory_views, figures, nav, transparency_views
from ui import contract_cache as cc
from ui import evidence_cache as ev
from ui.text import md
from wording import i18n
from wording.i18n import _

nav.through_app("transparency")
MAP_LIMIT = 10_000  # the map aggregates by country in the server; only located factories become points


def pct(value: float | None) -> str:
    if value is None or pd.isna(value):
        return _("n/a")
    return f"{value:.1f} %" if i18n.current() == i18n.SOURCE else _("{} %").format(i18n.score(value))


version = cache.db_version()
companies = cache.companies(version)
names = dict(zip(companies["company_id"], companies["name"], strict=True))

st.title(_("Supplier transparency"))
st.caption(
    _(
        "Disclosure requests ask a company for the legal names and full addresses of the factories that make "
        "the products public buyers buy (final assembly and components) and for compliance findings."
    )
)

choice = controls.company_or_all(companies, key="transparency_company")
scope = None if choice is None else (choice,)
who = _("any company") if choice is None else names[choice]

until = scoring.last_quarter_end()
summary = ev.transparency_summary(version, scope, until).to_dict("records")[0]
if summary["requests"] == 0:
    st.info(md(_("n/a: no disclosure request has been made to {} yet, so there is nothing to show."), who))
    st.stop()

st.caption(md(_("As of the last quarter end, {}."), i18n.day(until)))
m1, m2, m3, m4 = st.columns(4)
m1.metric(
    _("Requests due"),
    summary["due_requests"],
    help=_("Of {} requests made so far.").format(summary["requests"]),
)
m2.metric(
    _("Disclosed on time"),
    pct(summary["on_time_pct"]),
    help=_("Share of due requests whose first disclosure was on or before the deadline."),
)
m3.metric(
    _("Complete disclosure rows"),
    pct(summary["complete_pct"]),
    help=_("Rows giving the factory's legal name and full address (final assembly and components)."),
)
m4.metric(
    _("Factories disclosed"),
    f"{summary['factories']}",
    help=_("Distinct factories, final assembly and components."),
)

levels = ev.request_levels_by_quarter(version, scope, until)
if levels.empty:
    st.info(_("n/a: no request due yet, so no level to show."))
else:
    on_time = ev.on_time_by_quarter(version, scope, until)
    figures.chart(charts.request_levels(levels, on_time), key="levels_chart")

left, right = st.columns(2)
over_time = ev.factories_disclosed_by_quarter(version, scope, until)
by_country = ev.factories_by_country(version, scope, until)
if over_time.empty:
    left.info(md(_("n/a: {} has not disclosed any factory yet (due diligence at most)."), who))
    right.info(_("n/a: no disclosed factory, so no producing country to show."))
else:
    figures.chart(charts.factories_over_time(over_time), key="factories_chart", where=left)
    figures.chart(charts.factories_by_country(by_country), key="country_chart", where=right)

transparency_views.missing_addresses(version, scope, choice, until, summary)
transparency_views.product_links(version, scope, choice, until, who)

st.header(_("Factories: collective leverage and open findings"))
today = date.today()
factory_views.factory_list(version, today, scope, "transparency_factories")
factory_views.factory_map(
    lambda: cc.factory_list(version, today, scope, "leverage", MAP_LIMIT), "transparency_map"
)
