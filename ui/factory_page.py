"""The Factory page, section by section (pages/factory.py lays them out): the header, the
figures, who disclosed it, who buys there, and its monitoring cases. What presentation mode
hides is settled here and in the scoped queries (ui/contract_cache.py), never on the page."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

import scoring
from charts import improvement as improvement_charts
from data.importing.plan import plural
from data.queries import documents as document_queries
from data.queries.contracts import MIN_AFFILIATES_FOR_TOTAL, spend_range
from ui import contract_cache as cc
from ui import document_cache, figures, present
from ui.tables import DATE, table
from ui.text import md_escape
from wording import labels as words


def labels() -> dict[str, object]:
    return {
        "legal_name": "Legal name", "city": "City", "country": "Country", "tier": "Tier", "companies": "Disclosed by",
        "affiliates": st.column_config.NumberColumn("Affiliates buying", help="Affiliates with a current contract for a product model made here"),
        "combined_spend": st.column_config.TextColumn("Combined annual spend", help=f"An affiliate: other affiliates' total over at least {MIN_AFFILIATES_FOR_TOTAL} others, as a band"),
        "open_findings": "Open findings", "factory_page": st.column_config.LinkColumn("Factory page", display_text="Open factory page"),
        "company": "Company", "product_model": "Product model", "scope": "Scope", "since": st.column_config.DateColumn("Disclosed since", **DATE),
        "latest": st.column_config.DateColumn("Latest disclosure", **DATE), "complete": st.column_config.CheckboxColumn("Latest complete"),
        "requests": "Requests", "affiliate": "Affiliate", "you": st.column_config.CheckboxColumn("You"), "contracts": "Your contracts",
        "annual_spend_eur": st.column_config.TextColumn("Annual spend") if present.is_on() else st.column_config.NumberColumn("Annual spend (EUR)", format="localized"), "case_id": "Case",
        "opened_on": st.column_config.DateColumn("Opened on", **DATE), "title": "Title", "status": "Status",
        "age_days": "Age (days)", "findings": "Findings", "retaliation": st.column_config.CheckboxColumn("Retaliation"),
        "code_area": "Code area", "severity": "Severity", "verified": "Verified", "open": "Open",
        "source": st.column_config.LinkColumn("Source", display_text=document_queries.DISPLAY, help="The document behind the case (downloads it)"),
    }  # fmt: skip


def show(frame: pd.DataFrame, columns: list[str], key: str) -> None:
    table(frame, columns, key, labels())


def header(fa: pd.Series) -> None:
    """The factory's name as the page's title, then where (presenting: the tier and region only,
    no address or city)."""
    tier = words.TIER_LABELS.get(fa["tier"], str(fa["tier"])).lower()
    st.title(md_escape(str(fa["legal_name"])), anchor=False)
    if present.is_on():
        st.text(f"Factory · {tier} · {fa['country']}")
        return
    where = words.place(fa["address"], fa["city"]) or "address not on record"
    st.text(f"Factory · {where} · {words.country_name(fa['country'])} · {tier}")


def key_figures(disclosed: pd.DataFrame, lev: pd.DataFrame, cases: pd.DataFrame, others: bool) -> tuple[int, str | None]:  # fmt: skip
    """The four figures; returns how many affiliates buy here and the others' spend (or None)."""
    n_affiliates = int(lev["affiliates_buying"].iloc[0]) if not lev.empty else 0
    spend = (
        spend_range(lev["combined_spend_eur"].iloc[0], lev["spend_band_width"].iloc[0])
        if not lev.empty
        else None
    )
    m = st.columns(4)
    m[0].metric("Companies disclosing it", int(disclosed["company_id"].nunique()))
    m[1].metric(
        "Affiliates buying from it",
        n_affiliates,
        help="Affiliates with a current contract for a product model made here.",
    )
    m[2].metric(
        "Others' annual spend" if others else "Combined annual spend",
        spend or "not shown",
        help=f"Other affiliates' current contracts, shown only where at least {MIN_AFFILIATES_FOR_TOTAL} others (and {MIN_AFFILIATES_FOR_TOTAL + 1} in all) buy "
        "here, as a band of €0.1 m (your own contracts are in the table below)."
        if others
        else "The total of the current contracts.",
    )
    m[3].metric("Open cases", int((cases["open_findings"] > 0).sum()) if not cases.empty else 0)
    return n_affiliates, spend


def disclosed_by(disclosed: pd.DataFrame) -> None:
    st.header("Disclosed by")
    if disclosed.empty:
        st.info("No company has disclosed this factory.")
        return
    show(
        disclosed,
        ["company", "product_model", "scope", "since", "latest", "complete", "requests"],
        "disclosures_table",
    )


def buyers_section(buyers: pd.DataFrame, n_affiliates: int, spend: str | None, others: bool) -> None:
    st.header("Collective leverage: affiliates buying products made here")
    if buyers.empty:
        st.info("No affiliate has a current contract for a product model made here.")
        return
    st.text(f"{plural(n_affiliates, 'affiliate')}: " + ", ".join(str(n) for n in buyers["affiliate"]))
    if others and spend is None:
        st.caption(
            f"Other affiliates' combined spend is shown only where at least {MIN_AFFILIATES_FOR_TOTAL} others (and {MIN_AFFILIATES_FOR_TOTAL + 1} in all) buy here."
        )
    # Presenting: no "You" and no row with figures only the presenter's own contracts have.
    presenting = present.is_on()
    own = [] if presenting and others else ["contracts", "companies", "annual_spend_eur"]
    shown_labels = labels()
    if others:  # another affiliate's contracts, companies and spend are hidden: say so
        buyers = words.confidential(buyers, own, ~buyers["you"])
        shown_labels["annual_spend_eur"] = st.column_config.TextColumn("Annual spend")
    table(
        buyers, ["affiliate", "country", *([] if presenting else ["you"]), *own], "buyers_table", shown_labels
    )


def with_sources(version: object, factory_id: str, cases: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """The cases with a `source` column: a link to the newest document behind each case (its
    findings, its events) the account may open; none in presentation mode."""
    if present.is_on():
        return cases, []
    docs = document_cache.factory_documents(version, factory_id)
    if docs.empty:
        return cases, []
    by_case = document_queries.links_by(docs, "case_id")
    out = cases.copy()
    out["source"] = [by_case.get(str(c), "") for c in out["case_id"]]
    return out, ["source"]


def cases_section(version: object, factory_id: str, today: date, cases: pd.DataFrame) -> None:
    st.header("Monitoring cases")
    if cases.empty:
        st.info("No monitoring case at this factory.")
        return
    cases, source = with_sources(version, factory_id, cases)
    show(cases, ["case_id", "company", "opened_on", "title", "status", "age_days", "findings", "open_findings", "retaliation", *source], "cases_table")  # fmt: skip
    findings = cc.factory_findings(version, factory_id, today)
    left, right = st.columns(2)
    if not findings.empty:
        figures.chart(improvement_charts.findings_by_area(findings), key="findings_chart", where=left)
    remediation = cc.factory_remediation(version, factory_id, scoring.last_quarter_end())
    if not remediation.empty:
        long = remediation.melt(
            id_vars="quarter_end", value_vars=["verified", "open"], var_name="status", value_name="findings"
        )
        figures.chart(improvement_charts.findings_status(long), key="remediation_chart", where=right)
    show(findings, ["code_area", "severity", "findings", "verified", "open"], "findings_table")
