"""Overview: what the evidence store holds (counts, date range, companies)."""

import streamlit as st

from ui import cache

version = cache.db_version()
st.title("Company Performance Tracker")
st.write(
    "Scores and tracks how electronics companies meet their labour-rights obligations towards the "
    "public buyers of their ICT hardware: **Supply Chain Transparency** and **Factory Improvement**."
)

first, last = cache.evidence_date_range(version)
counts = cache.table_counts(version)
companies = cache.companies(version)

c1, c2, c3 = st.columns(3)
c1.metric("Companies", len(companies))
c2.metric("Evidence rows", f"{int(counts['rows'].sum()):,}")
c3.metric("Evidence dates", f"{first} → {last}" if first else "n/a: no evidence yet")

left, right = st.columns([1, 2])
with left:
    st.subheader("Rows per table")
    st.dataframe(counts, hide_index=True, column_config={"table_name": "Table", "rows": "Rows"}, key="counts")
with right:
    st.subheader("Companies")
    if companies.empty:
        st.info("No companies yet: import evidence with `python -m data import`.")
    else:
        st.dataframe(
            companies,
            hide_index=True,
            key="companies",
            column_config={
                "company_id": "ID",
                "name": "Company",
                "role": "Role",
                "hq_country": "HQ country",
                "product_models": st.column_config.NumberColumn("Product models"),
                "requests": st.column_config.NumberColumn("Disclosure requests"),
                "cases": st.column_config.NumberColumn("Monitoring cases"),
            },
        )
