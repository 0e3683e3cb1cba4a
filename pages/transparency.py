"""Supplier transparency: which factories a company disclosed, how completely and how promptly."""

from datetime import date

import pandas as pd
import streamlit as st

import scoring
from charts import transparency as charts
from data.exports import spreadsheet
from ui import cache, controls, downloads, factory_views, figures, nav, present
from ui import contract_cache as cc
from ui import evidence_cache as ev
from ui import links as factory_links
from ui.text import md

nav.through_app("transparency")
MAP_LIMIT = 10_000  # the map aggregates by country in the server; only located factories become points

LINKS_PER_PAGE = 200  # rows per page of the product model → factory links


def pct(value: float | None) -> str:
    return "n/a" if value is None or pd.isna(value) else f"{value:.1f} %"


version = cache.db_version()
companies = cache.companies(version)
names = dict(zip(companies["company_id"], companies["name"], strict=True))

st.title("Supplier transparency")
st.caption(
    "Disclosure requests ask a company for the legal names and full addresses of the factories that make "
    "the products public buyers buy (final assembly and components) and for compliance findings."
)

choice = controls.company_or_all(companies, key="transparency_company")
scope = None if choice is None else (choice,)
who = "any company" if choice is None else names[choice]

until = scoring.last_quarter_end()
summary = ev.transparency_summary(version, scope, until).to_dict("records")[0]
if summary["requests"] == 0:
    st.info(md("n/a: no disclosure request has been made to {} yet, so there is nothing to show.", who))
    st.stop()

st.caption(md("As of the last quarter end, {:%Y-%m-%d}.", until))
m1, m2, m3, m4 = st.columns(4)
m1.metric("Requests due", summary["due_requests"], help=f"Of {summary['requests']} requests made so far.")
m2.metric(
    "Disclosed on time",
    pct(summary["on_time_pct"]),
    help="Share of due requests whose first disclosure was on or before the deadline.",
)
m3.metric(
    "Complete disclosure rows",
    pct(summary["complete_pct"]),
    help="Rows giving the factory's legal name and full address (final assembly and components).",
)
m4.metric(
    "Factories disclosed",
    f"{summary['factories']}",
    help="Distinct factories, final assembly and components.",
)

levels = ev.request_levels_by_quarter(version, scope, until)
if levels.empty:
    st.info("n/a: no request due yet, so no level to show.")
else:
    on_time = ev.on_time_by_quarter(version, scope, until)
    figures.chart(charts.request_levels(levels, on_time), key="levels_chart")

left, right = st.columns(2)
over_time = ev.factories_disclosed_by_quarter(version, scope, until)
by_country = ev.factories_by_country(version, scope, until)
if over_time.empty:
    left.info(md("n/a: {} has not disclosed any factory yet (due diligence at most).", who))
    right.info("n/a: no disclosed factory, so no producing country to show.")
else:
    figures.chart(charts.factories_over_time(over_time), key="factories_chart", where=left)
    figures.chart(charts.factories_by_country(by_country), key="country_chart", where=right)

st.header("Completeness of names and addresses")
missing = ev.factories_missing_address(version, scope)
if summary["disclosure_rows"] == 0:
    st.info("n/a: no factory disclosed yet.")
elif missing.empty:
    st.success(
        md(
            "Every disclosed factory has an address on record ({} of {} disclosure rows complete).",
            summary["complete_rows"],
            summary["disclosure_rows"],
        )  # fmt: skip
    )
else:
    st.warning(
        md(
            "{} of {} disclosed factories have no address on record; {} of {} disclosure rows are complete.",
            summary["factories_missing_address"],
            summary["factories"],
            summary["complete_rows"],
            summary["disclosure_rows"],
        )  # fmt: skip
    )
    # A page at a time (20,823 factories at scale 1000); the CSV, built on click, has them all.
    offset = controls.pager(len(missing), LINKS_PER_PAGE, key="missing_page", label="Factories shown")
    st.dataframe(missing.iloc[offset : offset + LINKS_PER_PAGE], hide_index=True, key="missing_table", column_config={
        "factory_id": "Factory id", "legal_name": "Legal name", "city": "City", "country": "Country",
        "tier": st.column_config.TextColumn("Tier"), "first_disclosed_on": st.column_config.DateColumn("First disclosed", format="YYYY-MM-DD"), "companies": st.column_config.ListColumn("Disclosed by"),
        "company_ids": None,
    })  # fmt: skip
    if len(missing) > LINKS_PER_PAGE:
        missing_columns = present.export_frame(missing.head(0).drop(columns=["company_ids"])).columns
        st.download_button(
            f"Download all {len(missing):,} factories without an address (CSV)",
            downloads.deferred(
                lambda missing=missing, columns=missing_columns: spreadsheet.to_csv(
                    missing[columns], spreadsheet.header_line("factories without an address", until, None)
                ),
                "csv",
            ),
            file_name=f"factories_without_address_{'all' if choice is None else present.file_part(choice)}_{until:%Y-%m-%d}.csv",
            mime="text/csv",
            key="missing_csv",
            on_click="ignore",
        )

st.header("Product models and their factories")
# A page of links at a time (2 million at scale 1000); the CSV, built on click, has them all.
total_links = ev.product_factory_link_count(version, scope)
if total_links == 0:
    st.info(md("n/a: {} has not linked any product model to a factory yet.", who))
else:
    offset = controls.pager(total_links, LINKS_PER_PAGE, key="links_page", label="Links shown")
    links = ev.product_factory_links(version, scope, LINKS_PER_PAGE, offset)
    st.dataframe(factory_links.with_factory_links(links), hide_index=True, key="links_table", column_config={
        "factory_page": st.column_config.LinkColumn("Factory page", display_text="Open factory page"),
        "company": "Company", "product_model": "Product model", "category": "Category",
        "company_id": None, "product_model_id": None,
        "scope": "Scope", "request_id": "Request", "factory_id": None, "legal_name": "Factory legal name",
        "country": "Country", "tier": "Tier", "disclosed_on": st.column_config.DateColumn("Disclosed on", format="YYYY-MM-DD"),
        "complete": st.column_config.CheckboxColumn("Complete"),
    })  # fmt: skip
    all_links = ev.product_factory_links.later(version, scope)  # built on click: every link
    columns = present.export_frame(links.head(0)).columns  # the columns a download may show
    header = spreadsheet.header_line("product model to factory links", until, None)
    st.download_button(
        f"Download all {total_links:,} product model → factory links (CSV)",
        downloads.deferred(lambda: spreadsheet.to_csv(all_links()[columns], header), "csv"),
        file_name=f"transparency_links_{'all' if choice is None else present.file_part(choice)}_{until:%Y-%m-%d}.csv",
        mime="text/csv",
        key="links_csv",
        on_click="ignore",
    )

st.header("Factories: collective leverage and open findings")
today = date.today()
factory_views.factory_list(version, today, scope, "transparency_factories")
factory_views.factory_map(
    lambda: cc.factory_list(version, today, scope, "leverage", MAP_LIMIT), "transparency_map"
)
