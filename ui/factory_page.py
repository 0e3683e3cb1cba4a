"""The Factory page, section by section (pages/factory.py lays them out): the header, the
figures, who disclosed it, who buys there, and its monitoring cases. What presentation mode
hides is settled here and in the scoped queries (ui/contract_cache.py), never on the page."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

import scoring
from charts import improvement as improvement_charts
from data.queries import documents as document_queries
from data.queries.contracts import MIN_AFFILIATES_FOR_TOTAL, spend_range
from ui import contract_cache as cc
from ui import disputes_view, document_cache, figures, present
from ui.tables import DATE, table
from ui.text import md_escape
from wording import i18n
from wording import labels as words
from wording.i18n import _


def labels() -> dict[str, object]:
    return {
        "legal_name": _("Legal name"), "city": _("City"), "country": _("Country"), "tier": _("Tier"), "companies": _("Disclosed by"),
        "affiliates": st.column_config.NumberColumn(_("Affiliates buying"), help=_("Affiliates with a current contract for a product model made here")),
        "combined_spend": st.column_config.TextColumn(_("Combined annual spend"), help=_("An affiliate: other affiliates' total over at least {} others, as a band").format(MIN_AFFILIATES_FOR_TOTAL)),
        "open_findings": _("Open findings"), "factory_page": st.column_config.LinkColumn(_("Factory page"), display_text=_("Open factory page")),
        "company": _("Company"), "product_model": _("Product model"), "scope": _("Scope"), "since": st.column_config.DateColumn(_("Disclosed since"), **DATE),
        "latest": st.column_config.DateColumn(_("Latest disclosure"), **DATE), "complete": st.column_config.CheckboxColumn(_("Latest complete")),
        "requests": _("Requests"), "affiliate": _("Affiliate"), "you": st.column_config.CheckboxColumn(_("You")), "contracts": _("Your contracts"),
        "annual_spend_eur": st.column_config.TextColumn(_("Annual spend")) if present.is_on() else st.column_config.NumberColumn(_("Annual spend (EUR)"), format="localized"), "case_id": _("Case"),
        "opened_on": st.column_config.DateColumn(_("Opened on"), **DATE), "title": _("Title"), "status": _("Status"),
        "age_days": _("Age (days)"), "findings": _("Findings"), "retaliation": st.column_config.CheckboxColumn(_("Retaliation")),
        "code_area": _("Code area"), "severity": _("Severity"), "verified": _("Verified"), "open": _("Open"),
        "disputed": st.column_config.TextColumn(_("Disputed"), width=275, help=_("A point of the case the company disputes (right of reply); the score counts it as recorded until staff decide")),
        "source": st.column_config.LinkColumn(_("Source"), display_text=document_queries.DISPLAY, help=_("The document behind the case (downloads it)")),
    }  # fmt: skip


def show(frame: pd.DataFrame, columns: list[str], key: str) -> None:
    table(frame, columns, key, labels())


def header(fa: pd.Series) -> None:
    """The factory's name as the page's title, then where (presenting: the tier and region only,
    no address or city)."""
    tier = _(words.TIER_LABELS.get(fa["tier"], str(fa["tier"]))).lower()
    st.title(md_escape(str(fa["legal_name"])), anchor=False)
    if present.is_on():
        st.text(f"Factory · {tier} · {fa['country']}")
        return
    where = words.place(fa["address"], fa["city"]) or _("address not on record")
    st.text(
        _("Factory · {where} · {country} · {tier}").format(
            where=where, country=words.country_name(fa["country"]), tier=tier
        )
    )


def key_figures(disclosed: pd.DataFrame, lev: pd.DataFrame, cases: pd.DataFrame, others: bool) -> tuple[int, str | None]:  # fmt: skip
    """The four figures; returns how many affiliates buy here and the others' spend (or None)."""
    n_affiliates = int(lev["affiliates_buying"].iloc[0]) if not lev.empty else 0
    spend = (
        spend_range(lev["combined_spend_eur"].iloc[0], lev["spend_band_width"].iloc[0])
        if not lev.empty
        else None
    )
    m = st.columns(4)
    m[0].metric(_("Companies disclosing it"), int(disclosed["company_id"].nunique()))
    m[1].metric(
        _("Affiliates buying from it"),
        n_affiliates,
        help=_("Affiliates with a current contract for a product model made here."),
    )
    m[2].metric(
        _("Others' annual spend") if others else _("Combined annual spend"),
        spend or _("not shown"),
        help=_(
            "Other affiliates' current contracts, shown only where at least {} others (and {} in all) buy "
            "here, as a band of €0.1 m (your own contracts are in the table below)."
        ).format(MIN_AFFILIATES_FOR_TOTAL, MIN_AFFILIATES_FOR_TOTAL + 1)
        if others
        else _("The total of the current contracts."),
    )
    m[3].metric(_("Open cases"), int((cases["open_findings"] > 0).sum()) if not cases.empty else 0)
    return n_affiliates, spend


def disclosed_by(disclosed: pd.DataFrame) -> None:
    st.header(_("Disclosed by"))
    if disclosed.empty:
        st.info(_("No company has disclosed this factory."))
        return
    show(
        disclosed,
        ["company", "product_model", "scope", "since", "latest", "complete", "requests"],
        "disclosures_table",
    )


def buyers_section(buyers: pd.DataFrame, n_affiliates: int, spend: str | None, others: bool) -> None:
    st.header(_("Collective leverage: affiliates buying products made here"))
    if buyers.empty:
        st.info(_("No affiliate has a current contract for a product model made here."))
        return
    count = i18n.ngettext("{} affiliate", "{} affiliates", n_affiliates).format(i18n.number(n_affiliates))
    st.text(count + ": " + ", ".join(str(n) for n in buyers["affiliate"]))
    if others and spend is None:
        st.caption(
            _(
                "Other affiliates' combined spend is shown only where at least {} others (and {} in all) buy here."
            ).format(MIN_AFFILIATES_FOR_TOTAL, MIN_AFFILIATES_FOR_TOTAL + 1)
        )
    # Presenting: no "You" and no row with figures only the presenter's own contracts have.
    presenting = present.is_on()
    own = [] if presenting and others else ["contracts", "companies", "annual_spend_eur"]
    shown_labels = labels()
    if others:  # another affiliate's contracts, companies and spend are hidden: say so
        buyers = words.confidential(buyers, own, ~buyers["you"])
        shown_labels["annual_spend_eur"] = st.column_config.TextColumn(_("Annual spend"))
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


def with_disputes(version: object, cases: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """The cases with a `disputed` column when a case, one of its findings or events is under
    open dispute ("disputed by the company since 2026-12-01 (finding)"): disputes the account may
    see (a company only its own); none in presentation mode."""
    marks = {} if present.is_on() else disputes_view.case_marks(version)
    if not any(str(c) in marks for c in cases["case_id"]):
        return cases, []
    return cases.assign(disputed=[marks.get(str(c), "") for c in cases["case_id"]]), ["disputed"]


def cases_section(version: object, factory_id: str, today: date, cases: pd.DataFrame) -> None:
    st.header(_("Monitoring cases"))
    if cases.empty:
        st.info(_("No monitoring case at this factory."))
        return
    cases, source = with_sources(version, factory_id, cases)
    cases, disputed = with_disputes(version, cases)
    # the document and the dispute mark beside the status, in sight at 1280 px
    show(cases, ["case_id", "company", "opened_on", "status", *disputed, *source, "title", "age_days", "findings", "open_findings", "retaliation"], "cases_table")  # fmt: skip
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
