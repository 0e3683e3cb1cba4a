"""The Supplier transparency page's two long tables, a page at a time with the whole table as a
CSV download: factories without an address, and product model to factory links (moved out of
pages/transparency.py so the page stays thin; no behaviour of their own)."""

from datetime import date

import streamlit as st

from data.exports import spreadsheet
from ui import controls, downloads, present
from ui import evidence_cache as ev
from ui import links as factory_links
from ui.text import md
from wording import i18n
from wording import labels as words
from wording.i18n import _

LINKS_PER_PAGE = 200  # rows per page of the product model → factory links


def missing_addresses(
    version: tuple[object, ...], scope: tuple[str, ...] | None, choice: str | None, until: date, summary: dict
) -> None:
    """Completeness of names and addresses: the disclosed factories with no address on record."""
    st.header(_("Completeness of names and addresses"))
    missing = ev.factories_missing_address(version, scope)
    if summary["disclosure_rows"] == 0:
        st.info(_("n/a: no factory disclosed yet."))
    elif missing.empty:
        st.success(
            md(
                _("Every disclosed factory has an address on record ({} of {} disclosure rows complete)."),
                summary["complete_rows"],
                summary["disclosure_rows"],
            )  # fmt: skip
        )
    else:
        st.warning(
            md(
                _(
                    "{} of {} disclosed factories have no address on record; {} of {} disclosure rows are complete."
                ),
                summary["factories_missing_address"],
                summary["factories"],
                summary["complete_rows"],
                summary["disclosure_rows"],
            )  # fmt: skip
        )
        # A page at a time (20,823 factories at scale 1000); the CSV, built on click, has them all.
        offset = controls.pager(len(missing), LINKS_PER_PAGE, key="missing_page", label=_("Factories shown"))
        st.dataframe(words.in_words(missing.iloc[offset : offset + LINKS_PER_PAGE]), hide_index=True, key="missing_table", column_config={
            "factory_id": _("Factory id"), "legal_name": _("Legal name"), "city": _("City"), "country": _("Country"),
            "tier": st.column_config.TextColumn(_("Tier")), "first_disclosed_on": st.column_config.DateColumn(_("First disclosed"), format="YYYY-MM-DD"), "companies": st.column_config.ListColumn(_("Disclosed by")),
            "company_ids": None,
        })  # fmt: skip
        if len(missing) > LINKS_PER_PAGE:
            missing_columns = present.export_frame(missing.head(0).drop(columns=["company_ids"])).columns
            st.download_button(
                _("Download all {} factories without an address (CSV)").format(i18n.number(len(missing))),
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


def product_links(
    version: tuple[object, ...], scope: tuple[str, ...] | None, choice: str | None, until: date, who: str
) -> None:
    """Product models and their factories: every link a company disclosed."""
    st.header(_("Product models and their factories"))
    # A page of links at a time (2 million at scale 1000); the CSV, built on click, has them all.
    total_links = ev.product_factory_link_count(version, scope)
    if total_links == 0:
        st.info(md(_("n/a: {} has not linked any product model to a factory yet."), who))
    else:
        offset = controls.pager(total_links, LINKS_PER_PAGE, key="links_page", label=_("Links shown"))
        links = ev.product_factory_links(version, scope, LINKS_PER_PAGE, offset)
        st.dataframe(words.in_words(factory_links.with_factory_links(links)), hide_index=True, key="links_table", column_config={
            "factory_page": st.column_config.LinkColumn(_("Factory page"), display_text=_("Open factory page")),
            "company": _("Company"), "product_model": _("Product model"), "category": _("Category"),
            "company_id": None, "product_model_id": None,
            "scope": _("Scope"), "request_id": _("Request"), "factory_id": None, "legal_name": _("Factory legal name"),
            "country": _("Country"), "tier": _("Tier"), "disclosed_on": st.column_config.DateColumn(_("Disclosed on"), format="YYYY-MM-DD"),
            "complete": st.column_config.CheckboxColumn(_("Complete")),
        })  # fmt: skip
        all_links = ev.product_factory_links.later(version, scope)  # built on click: every link
        columns = present.export_frame(links.head(0)).columns  # the columns a download may show
        header = spreadsheet.header_line("product model to factory links", until, None)
        st.download_button(
            _("Download all {} product model → factory links (CSV)").format(i18n.number(total_links)),
            downloads.deferred(lambda: spreadsheet.to_csv(all_links()[columns], header), "csv"),
            file_name=f"transparency_links_{'all' if choice is None else present.file_part(choice)}_{until:%Y-%m-%d}.csv",
            mime="text/csv",
            key="links_csv",
            on_click="ignore",
        )
