"""What changed: for an affiliate, since a chosen quarter end, the changes that concern its
contracted companies and the factories behind its products."""

from datetime import date

import pandas as pd
import streamlit as st

import scoring
from data.exports import spreadsheet
from data.queries.changes import DISPUTE_KIND, KINDS, SCORE_STEP
from data.queries.documents import DISPLAY
from ui import auth, cache, document_cache, downloads, links, nav, present
from ui import contract_cache as cc
from ui.text import md
from wording import i18n, labels
from wording.i18n import N_, _

nav.through_app("changes")
KIND_WORDS = {
    "band change": N_("Band change"),
    "score change": N_("Score change"),
    "new case": N_("New case"),
    "newly overdue": N_("Newly overdue"),
    "remediation verified": N_("Remediation verified"),
    "retaliation confirmed": N_("Retaliation confirmed"),
    "dispute resolved": N_("Dispute resolved"),
}

version = cache.db_version()
today = date.today()
user = auth.user()
presenting = present.is_on()

st.title(_("What changed"))
last = scoring.last_quarter_end()
series = cache.series(version, "in-force")
ends = sorted({pd.Timestamp(d).date() for d in series["as_of"].unique()}, reverse=True)
options = [d for d in ends if d < last] or [last]
if user.role == "admin":
    affiliates = cache.affiliates(version)
    names = dict(zip(affiliates["affiliate_id"], affiliates["name"], strict=True))
    affiliate = st.selectbox(_("Affiliate"), list(names), format_func=names.get, key="changes_affiliate")
else:
    affiliate = user.affiliate_id
wanted = st.query_params.get("since")
default = next((d for d in options if d.isoformat() == wanted), options[0])
since = st.selectbox(_("Since the quarter end"), options, index=options.index(default), key="changes_since",
                     format_func=i18n.day)  # fmt: skip
st.caption(
    (
        _(
            "Changes after {since} for your contracted companies and the factories behind the products you buy: "
            "band changes and score changes of {step} points or more (at {last}, the last quarter end, against "
            "{since}), new cases and their findings, requests newly overdue, remediation verified, retaliation "
            "confirmed (up to {today})."
        )
        if presenting
        else _(
            "Changes after {since} for your contracted companies and the factories behind the products you buy: "
            "band changes and score changes of {step} points or more (at {last}, the last quarter end, against "
            "{since}), new cases and their findings, requests newly overdue, remediation verified, retaliation "
            "confirmed and disputes resolved (up to {today})."
        )
    ).format(since=i18n.day(since), step=f"{SCORE_STEP:.0f}", last=i18n.day(last), today=i18n.day(today))
)

found = cc.what_changed(version, affiliate, since, last, today)
counts = found["kind"].value_counts()
kinds = [k for k in KINDS if not (presenting and k == DISPUTE_KIND)]  # never a dispute when presenting
m = st.columns(len(kinds), vertical_alignment="bottom")  # labels may wrap: the figures stay in line
for column, kind in zip(m, kinds, strict=True):
    column.metric(_(KIND_WORDS.get(kind, kind.capitalize())), int(counts.get(kind, 0)))
if found.empty:
    st.info(
        md(_("Nothing changed since {} for your contracted companies and their factories."), i18n.day(since))
    )
    st.stop()
shown = ["date", "kind", "company", "factory", "product_model", "change"] + (
    [] if presenting else ["item_id"]
)
table = found.copy()
table["factory_page"] = [None if pd.isna(f) else links.factory_url(f) for f in table["factory_id"]]
table["source"] = document_cache.change_sources(version, table)  # none when presenting
sourced = ["source"] if table["source"].any() else []
in_view = [
    "date",
    "kind",
    "company",
    "change",
    *(c for c in shown if c not in ("date", "kind", "company", "change")),
]
st.dataframe(labels.in_words(table[[*in_view, *sourced, "factory_page"]]), key="changes_table", hide_index=True, width="stretch", column_config={
    "factory_page": st.column_config.LinkColumn(_("Factory page"), display_text=_("Open factory page")),
    "source": st.column_config.LinkColumn(_("Source"), display_text=DISPLAY, help=_("The document the change rests on (downloads it)")),
    "date": st.column_config.DateColumn(_("Date"), format="YYYY-MM-DD"), "kind": _("Kind"), "company": _("Company"),
    "factory": _("Factory"), "product_model": _("Product model"), "change": st.column_config.TextColumn(_("What changed"), width="large"), "item_id": _("Evidence id"),
})  # fmt: skip
header = f"CPT what changed since {since:%Y-%m-%d}, generated {today:%Y-%m-%d}. {spreadsheet.CONFIDENTIAL}"
st.download_button(_("Download changes (CSV)"), downloads.deferred(lambda: spreadsheet.to_csv(found[shown], header), "csv"), key="changes_csv", on_click="ignore",
                   file_name=f"cpt-changes-since-{since:%Y-%m-%d}.csv", mime="text/csv")  # fmt: skip
