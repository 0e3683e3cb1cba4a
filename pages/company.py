"""Company: the trajectory, why this score, what-if under v1/v2, changes, contracts."""

import streamlit as st

from data.presentation import pseudonyms
from reports import report
from ui import auth, cache, company_view, contract_cache, controls, downloads, figures, nav, present
from ui.disputes_view import company_section, note_for_readers  # right of reply (issue 23)
from ui.text import md, md_escape, plain
from wording import breakdown, i18n, labels, narrative, summary
from wording.i18n import _

nav.through_app("company")

version = cache.db_version()
companies = cache.companies(version)
if companies.empty:
    st.info(_("n/a: no companies in the database yet."))
    st.stop()

top = st.columns([5, 3, 7])
company_id = controls.company(companies, container=top[0])
if company_id is None:
    st.stop()
methodology = controls.methodology(container=top[2])
history = cache.company_series(version, methodology, company_id)  # this company's line only
as_of = controls.as_of(history["as_of"].unique(), container=top[1])
info = companies.set_index("company_id").loc[company_id]

st.title(md_escape(info["name"], limit=200), anchor=False)
st.caption(md(_("{} · HQ {}"), _(labels.ROLE_LABELS.get(info["role"], info["role"])), labels.country_name(info["hq_country"]) or _("n/a")))  # fmt: skip
if as_of is None:
    st.info(_("n/a: no evidence yet for any company."))
    st.stop()

why = cache.explanation(version, company_id, as_of, methodology)
prev_dates = [d for d in sorted(history["as_of"].unique()) if d < summary.to_timestamp(as_of)]
previous = history[history["as_of"] == prev_dates[-1]].iloc[0] if prev_dates else None

m = st.columns(4)
for col, key in ((m[0], "sct"), (m[1], "fi"), (m[2], "overall")):
    delta = summary.delta(getattr(why, key), None if previous is None else previous[key])
    col.metric(_(labels.SCORE_LABELS[key]), controls.fmt_score(getattr(why, key)), delta=delta, help=breakdown.metric_help(key, why.methodology),
               delta_color="off" if delta == "0.0" else "normal")  # fmt: skip
m[3].metric(_("Band"), _(why.band or "n/a"), help=breakdown.metric_help("band", why.methodology)
             + " " + _("As of {}, methodology {}.").format(i18n.day(as_of), why.methodology))  # fmt: skip
st.caption(_("As of {} under methodology **{}**. Change is against the previous quarter end.").format(i18n.day(as_of), why.methodology))  # fmt: skip
company_view.bullets(narrative.why_summary(cache.plain_explanation(version, company_id, as_of, methodology),
                                           cache.plain_evidence(version, company_id)))  # the PDF's lines  # fmt: skip
peer = company_view.peer_context(version, methodology, as_of, company_id)
company_account = auth.user() is not None and auth.user().role == "company"
if company_account:  # a company lands on what would raise its score
    company_view.how_to_improve(version, company_id, why, methodology)

events = cache.company_evidence_events(version, company_id)
upto = history[history["as_of"] <= summary.to_timestamp(as_of)]
fig = figures.trajectory(
    upto,
    _("{}: scores per quarter end ({})").format(
        plain(info["name"], 80), _(controls.METHODOLOGY_LABELS[methodology]).lower()
    ),
    events[events["date"] <= summary.to_timestamp(as_of)],
    targets=contract_cache.expectations(version, company_id),
)  # with the affiliates' targets (issue 14)
if upto[["sct", "fi", "overall"]].notna().any().any():
    figures.chart(fig, key="trajectory")
else:
    st.info(_("n/a: no request due and no monitoring report yet, so there is no score to draw."))

st.header(_("Why this score"))
if not company_account:  # staff and affiliates: the points the company disputes (never when presenting)
    note_for_readers(version, company_id)
changes = company_view.why_tabs(
    version, company_id, why, methodology, prev_dates[-1].date() if prev_dates else None
)

if company_account:  # right of reply: its disputes, their outcome, and the form
    company_section(version, company_id, auth.user().username)
else:
    company_view.how_to_improve(version, company_id, why, methodology)

# Folded, and scored and drawn only when opened (on_change="rerun"): most visits do not open it.
whatif = st.expander(_("What if: the same history under v1 and under v2"), key="whatif", on_change="rerun")
with whatif:
    st.caption(_("Rescoring every quarter under one version shows how much of a move comes from the {} methodology change.").format(i18n.day(summary.to_timestamp("2022-07-01"))))  # fmt: skip
    if whatif.open:
        left, right = st.columns(2)
        for col, version_name in ((left, "v1"), (right, "v2")):
            rescored = cache.company_series(version, version_name, company_id)
            own = rescored[rescored["as_of"] <= summary.to_timestamp(as_of)]
            with col:
                if own[["sct", "fi", "overall"]].notna().any().any():
                    figures.chart(
                        figures.trajectory(own, _("Under {} for all dates").format(version_name), height=360),
                        key=f"whatif_{version_name}",
                    )
                else:
                    st.info(_("n/a: nothing scorable yet."))

st.header(_("Scoring report"))
st.caption(_("For this company, date and methodology; marked confidential on every page."))
r1, r2, r3, _r = st.columns([1, 1, 1, 1], vertical_alignment="bottom")
in_language = company_view.report_language(r3)  # the download's own language (issue 25)
with i18n.use(in_language):
    scoring_report = company_view.scoring_report(version, company_id, info["name"], why, upto, methodology,
                                                 _(controls.METHODOLOGY_LABELS[methodology]),
                                                 summary.peer_sentence(peer, as_of), changes)  # fmt: skip
r1.download_button(_("Download report (PDF)"), downloads.deferred(lambda: report.company_report_pdf(scoring_report, fig), "pdf"),
                   file_name=f"cpt-report-{present.file_part(company_id)}-{as_of:%Y-%m-%d}{company_view.language_part(in_language)}.pdf", mime="application/pdf",
                   key="download_report_pdf", on_click="ignore")  # fmt: skip
r2.download_button(_("Download report (HTML)"), downloads.deferred(lambda: report.company_report_html(scoring_report, fig, report.report_tables(scoring_report)), "html"),
                   file_name=f"cpt-report-{present.file_part(company_id)}-{as_of:%Y-%m-%d}{company_view.language_part(in_language)}.html", mime="text/html",
                   key="download_report_html", on_click="ignore")  # fmt: skip

st.header(_("Contracts with affiliates"))
contracts = cache.company_contracts(version, company_id)
if contracts.empty:
    st.info(_("No affiliate contract with this company is recorded."))
else:
    shown = summary.contracts_table(contracts)
    if present.is_on() and auth.user().role == "affiliate":  # the presenter's own contracts like any other's
        shown = shown[["Affiliate", "Country", "Kind"]].drop_duplicates()
        shown = shown.sort_values("Affiliate", key=lambda s: s.map(pseudonyms.position)).reset_index(
            drop=True
        )
    st.dataframe(shown, key="contracts", hide_index=True, width="stretch")
