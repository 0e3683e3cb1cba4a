"""What changed: for an affiliate, since a chosen quarter end, the changes that concern its
contracted companies and the factories behind its products."""

from datetime import date

import pandas as pd
import streamlit as st

import scoring
from data.exports import spreadsheet
from data.queries.changes import DISPUTE_KIND, KINDS, SCORE_STEP
from ui import auth, cache, downloads, links, nav, present
from ui import contract_cache as cc
from ui.text import md
from wording import labels

nav.through_app("changes")

version = cache.db_version()
today = date.today()
user = auth.user()
presenting = present.is_on()

st.title("What changed")
last = scoring.last_quarter_end()
series = cache.series(version, "in-force")
ends = sorted({pd.Timestamp(d).date() for d in series["as_of"].unique()}, reverse=True)
options = [d for d in ends if d < last] or [last]
if user.role == "admin":
    affiliates = cache.affiliates(version)
    names = dict(zip(affiliates["affiliate_id"], affiliates["name"], strict=True))
    affiliate = st.selectbox("Affiliate", list(names), format_func=names.get, key="changes_affiliate")
else:
    affiliate = user.affiliate_id
wanted = st.query_params.get("since")
default = next((d for d in options if d.isoformat() == wanted), options[0])
since = st.selectbox("Since the quarter end", options, index=options.index(default), key="changes_since",
                     format_func=lambda d: f"{d:%Y-%m-%d}")  # fmt: skip
st.caption(
    f"Changes after {since:%Y-%m-%d} for your contracted companies and the factories behind the products you buy: "
    f"band changes and score changes of {SCORE_STEP:.0f} points or more (at {last:%Y-%m-%d}, the last "
    f"quarter end, against {since:%Y-%m-%d}), new cases and their findings, requests newly overdue, remediation "
    f"verified, retaliation confirmed{'' if presenting else ' and disputes resolved'} (up to {today:%Y-%m-%d})."
)

found = cc.what_changed(version, affiliate, since, last, today)
counts = found["kind"].value_counts()
kinds = [k for k in KINDS if not (presenting and k == DISPUTE_KIND)]  # never a dispute when presenting
m = st.columns(len(kinds), vertical_alignment="bottom")  # labels may wrap: the figures stay in line
for column, kind in zip(m, kinds, strict=True):
    column.metric(kind.capitalize(), int(counts.get(kind, 0)))
if found.empty:
    st.info(
        md("Nothing changed since {} for your contracted companies and their factories.", f"{since:%Y-%m-%d}")
    )
    st.stop()
shown = ["date", "kind", "company", "factory", "product_model", "change"] + (
    [] if presenting else ["item_id"]
)
table = found.copy()
table["factory_page"] = [None if pd.isna(f) else links.factory_url(f) for f in table["factory_id"]]
in_view = [
    "date",
    "kind",
    "company",
    "change",
    *(c for c in shown if c not in ("date", "kind", "company", "change")),
]
st.dataframe(labels.in_words(table[[*in_view, "factory_page"]]), key="changes_table", hide_index=True, width="stretch", column_config={
    "factory_page": st.column_config.LinkColumn("Factory page", display_text="Open factory page"),
    "date": st.column_config.DateColumn("Date", format="YYYY-MM-DD"), "kind": "Kind", "company": "Company",
    "factory": "Factory", "product_model": "Product model", "change": st.column_config.TextColumn("What changed", width="large"), "item_id": "Evidence id",
})  # fmt: skip
header = f"CPT what changed since {since:%Y-%m-%d}, generated {today:%Y-%m-%d}. {spreadsheet.CONFIDENTIAL}"
st.download_button("Download changes (CSV)", downloads.deferred(lambda: spreadsheet.to_csv(found[shown], header), "csv"), key="changes_csv", on_click="ignore",
                   file_name=f"cpt-changes-since-{since:%Y-%m-%d}.csv", mime="text/csv")  # fmt: skip
