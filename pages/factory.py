"""Factory: one factory, who disclosed it for what, which affiliates buy from it (collective
leverage), its monitoring cases, findings and remediation over time. Without a factory in
the URL: the list of factories by leverage or open findings."""

from datetime import date

import streamlit as st

import scoring
from charts import improvement as improvement_charts
from data.queries.contracts import MIN_AFFILIATES_FOR_TOTAL, spend_range
from ui import auth, cache, factory_views, links, nav, present
from ui import contract_cache as cc

nav.through_app("factory")

version = cache.db_version()
today = date.today()
presenting = present.is_on()
user = auth.user()
HIDDEN = (
    "factory_id",
    "company_id",
    "affiliate_id",
    "product_model_id",
    "case_id",
    "city",
    "address",
    "title",
)


def shown(columns: list[str]) -> list[str]:
    return [c for c in columns if not (presenting and c in HIDDEN)]


DATE = {"format": "YYYY-MM-DD"}
LABELS = {
    "legal_name": "Legal name", "city": "City", "country": "Country", "tier": "Tier", "companies": "Disclosed by",
    "affiliates": st.column_config.NumberColumn("Affiliates buying", help="Affiliates with a current contract for a product model made here"),
    "combined_spend": st.column_config.TextColumn("Combined annual spend", help=f"An affiliate: other affiliates' total over at least {MIN_AFFILIATES_FOR_TOTAL} others, as a band"),
    "open_findings": "Open findings", "factory_page": st.column_config.LinkColumn("Factory page", display_text="Open factory page"),
    "company": "Company", "product_model": "Product model", "scope": "Scope", "since": st.column_config.DateColumn("Disclosed since", **DATE),
    "latest": st.column_config.DateColumn("Latest disclosure", **DATE), "complete": st.column_config.CheckboxColumn("Latest complete"),
    "requests": "Requests", "affiliate": "Affiliate", "you": st.column_config.CheckboxColumn("You"), "contracts": "Your contracts",
    "annual_spend_eur": st.column_config.TextColumn("Annual spend") if presenting else st.column_config.NumberColumn("Annual spend (EUR)", format="€ %d"), "case_id": "Case",
    "opened_on": st.column_config.DateColumn("Opened on", **DATE), "title": "Title", "status": "Status",
    "age_days": "Age (days)", "findings": "Findings", "retaliation": st.column_config.CheckboxColumn("Retaliation"),
    "code_area": "Code area", "severity": "Severity", "verified": "Verified", "open": "Open",
}  # fmt: skip


def table(frame, columns: list[str], key: str) -> None:
    """Only the columns shown reach the browser (no ids, cities or addresses in presentation mode)."""
    columns = shown(columns)
    config = {c: LABELS[c] for c in columns if c in LABELS}  # only the labels of what is shown
    st.dataframe(frame[columns], key=key, hide_index=True, width="stretch", column_config=config)


st.title("Factory")
factory_id = st.query_params.get(links.PARAM) or None  # an id, or a handle in presentation mode
if factory_id is None:
    st.caption("Choose a factory: the disclosed factories, with the affiliates buying products made there.")
    factory_views.factory_index(version, today)
    st.stop()

found = cc.factory(version, factory_id)
if found.empty:
    st.error("This factory does not exist or is not available to your account.")
    st.stop()
fa = found.iloc[0]
tier = str(fa["tier"]).replace("_", " ")
st.text(str(fa["legal_name"]))
if presenting:
    st.text(f"{tier} · {fa['country']}")
else:
    where = (
        ", ".join(str(v) for v in (fa["address"], fa["city"]) if v is not None and v == v)
        or "address not on record"
    )
    st.text(f"{where} · {fa['country']} · {tier}")

disclosed = cc.factory_disclosures(version, factory_id)
buyers = cc.factory_buyers(version, factory_id, today)
lev = cc.factory_leverage(version, factory_id, today)
cases = cc.factory_cases(version, factory_id, today)
n_affiliates = int(lev["affiliates_buying"].iloc[0]) if not lev.empty else 0
spend = (
    spend_range(lev["combined_spend_eur"].iloc[0], lev["spend_band_width"].iloc[0]) if not lev.empty else None
)
others = user is not None and user.role == "affiliate"  # an affiliate sees others' spend only

m = st.columns(4)
m[0].metric("Companies disclosing it", int(disclosed["company_id"].nunique()))
m[1].metric(
    "Affiliates buying from it",
    n_affiliates,
    help="Affiliates with a current contract for a product model made here.",
)
m[2].metric(
    "Combined annual spend of others" if others else "Combined annual spend",
    spend or "not shown",
    help=f"Other affiliates' current contracts, shown only where at least {MIN_AFFILIATES_FOR_TOTAL} others (and {MIN_AFFILIATES_FOR_TOTAL + 1} in all) buy "
    "here, as a band of €0.1 m (your own contracts are in the table below)."
    if others
    else "The total of the current contracts.",
)
m[3].metric("Open cases", int((cases["open_findings"] > 0).sum()) if not cases.empty else 0)

st.subheader("Disclosed by")
if disclosed.empty:
    st.info("No company has disclosed this factory.")
else:
    table(
        disclosed,
        ["company", "product_model", "scope", "since", "latest", "complete", "requests"],
        "disclosures_table",
    )

st.subheader("Collective leverage: affiliates buying products made here")
if buyers.empty:
    st.info("No affiliate has a current contract for a product model made here.")
else:
    st.text(f"{n_affiliates} affiliate(s): " + ", ".join(str(n) for n in buyers["affiliate"]))
    if others and spend is None:
        st.caption(
            f"Other affiliates' combined spend is shown only where at least {MIN_AFFILIATES_FOR_TOTAL} others (and {MIN_AFFILIATES_FOR_TOTAL + 1} in all) buy here."
        )
    # Presenting: no "You" and no row with figures only the presenter's own contracts have.
    own = [] if presenting and others else ["contracts", "companies", "annual_spend_eur"]
    table(buyers, ["affiliate", "country", *([] if presenting else ["you"]), *own], "buyers_table")

st.subheader("Monitoring cases")
if cases.empty:
    st.info("No monitoring case at this factory.")
else:
    table(cases, ["case_id", "company", "opened_on", "title", "status", "age_days", "findings", "open_findings", "retaliation"], "cases_table")  # fmt: skip
    findings = cc.factory_findings(version, factory_id, today)
    left, right = st.columns(2)
    if not findings.empty:
        left.plotly_chart(
            improvement_charts.findings_by_area(findings), key="findings_chart", width="stretch"
        )
    remediation = cc.factory_remediation(version, factory_id, scoring.last_quarter_end())
    if not remediation.empty:
        long = remediation.melt(
            id_vars="quarter_end", value_vars=["verified", "open"], var_name="status", value_name="findings"
        )
        right.plotly_chart(improvement_charts.findings_status(long), key="remediation_chart", width="stretch")
    table(findings, ["code_area", "severity", "findings", "verified", "open"], "findings_table")
