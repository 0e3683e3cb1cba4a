"""The Compare page's parts: each company's card (scores, reasons in words, link to its page)
and the per-component breakdown against the medians (table, chart, CSV)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from charts import breakdown as breakdown_chart
from data.exports import spreadsheet
from scoring import breakdown as scoring_breakdown
from ui import cache, company_view, compare_cache, controls, downloads, figures, links, present
from ui.text import md, md_escape
from wording import breakdown, narrative
from wording.i18n import _


def card(version: object, company_id: str, row, why, methodology: str) -> None:
    """One company: name, overall and band, SCT and FI, where they come from (the sentences of
    the Company page and the PDF), and a link to its Company page."""
    st.markdown("**" + md_escape(row.Company, limit=200) + "**")
    st.metric(
        _("Overall"), controls.fmt_score(row.Overall), help=breakdown.metric_help("overall", why.methodology)
    )
    st.markdown(md(_("Band: **{}**"), _(row.Band)))
    st.write(f"SCT {controls.fmt_score(row.SCT)} · FI {controls.fmt_score(row.FI)}")
    reasons = narrative.why_summary(cache.plain_explanation(version, company_id, why.as_of, methodology),
                                    cache.plain_evidence(version, company_id))  # fmt: skip
    company_view.bullets(reasons)
    st.link_button(_("Open its Company page"), links.company_url(company_id), key=f"company_link_{company_id}",
                   help=_("Why this score, item by item, and how to improve (opens in a new tab)"))  # fmt: skip


def breakdown_section(version: object, chosen: list[str], explanations: dict, names: dict[str, str],
                      roles: dict[str, str], methodology: str, as_of: date) -> pd.DataFrame:  # fmt: skip
    """Every component of SCT and FI per company, against the medians of all scored companies
    and of the company's role; returns the table (numbers)."""
    st.header(_("Component by component"))
    st.caption(breakdown.HELP)
    found = compare_cache.component_medians(version, methodology, as_of)
    own = {c: scoring_breakdown.of_explanation(explanations[c]) for c in chosen}
    frame = breakdown.table(own, explanations, names, roles, found)
    st.dataframe(breakdown.shown(frame), key="breakdown", hide_index=True, width="stretch")
    figures.chart(breakdown_chart.components(frame, chosen, names), key="breakdown_chart")
    header = spreadsheet.header_line("component breakdown", as_of, explanations[chosen[0]].methodology)
    export = present.export_frame(frame)
    st.download_button(_("Download the breakdown (CSV)"), downloads.deferred(lambda: spreadsheet.to_csv(export, header), "csv"),
                       file_name=f"cpt-breakdown-{as_of:%Y-%m-%d}.csv", mime="text/csv", key="download_breakdown",
                       on_click="ignore")  # fmt: skip
    return frame
