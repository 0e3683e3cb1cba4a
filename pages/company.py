"""Company: the trajectory, why this score, what-if under v1/v2, changes, contracts."""

import streamlit as st

from charts import report, trajectory
from scoring import summary
from ui import cache, controls, nav, present
from ui.text import md, md_escape, plain

nav.through_app("company")

version = cache.db_version()
companies = cache.companies(version)
if companies.empty:
    st.info("n/a: no companies in the database yet.")
    st.stop()

top = st.columns([2, 1, 2])
company_id = controls.company(companies, container=top[0])
if company_id is None:
    st.stop()
methodology = controls.methodology(container=top[2])
series_all = cache.series(version, methodology)
history = series_all[series_all["company_id"] == company_id]
as_of = controls.as_of(history["as_of"].unique(), container=top[1])
info = companies.set_index("company_id").loc[company_id]

st.title(md_escape(info["name"], limit=200), anchor=False)
if present.is_on():  # no id; the HQ country is a region already
    st.caption(md("{} · HQ {}", str(info["role"]).capitalize(), info["hq_country"] or "n/a"))
else:
    st.caption(
        md("{} · HQ {} · id {}", str(info["role"]).capitalize(), info["hq_country"] or "n/a", company_id)
    )
if as_of is None:
    st.info("n/a: no evidence yet for any company.")
    st.stop()

why = cache.explanation(version, company_id, as_of, methodology)
prev_dates = [d for d in sorted(history["as_of"].unique()) if d < summary.to_timestamp(as_of)]
previous = history[history["as_of"] == prev_dates[-1]].iloc[0] if prev_dates else None

m = st.columns(4)
for col, key, label in (
    (m[0], "sct", "Supply Chain Transparency"),
    (m[1], "fi", "Factory Improvement"),
    (m[2], "overall", "Overall"),
):
    delta = summary.delta(getattr(why, key), None if previous is None else previous[key])
    col.metric(
        label, controls.fmt_score(getattr(why, key)), delta=delta, help="0–100; n/a: nothing scorable yet"
    )
m[3].metric("Band", why.band or "n/a", help=f"as of {as_of:%Y-%m-%d}, methodology {why.methodology}")
st.caption(
    f"As of {as_of:%Y-%m-%d} under methodology **{why.methodology}**. Change is against the previous quarter end."
)

events = cache.company_evidence_events(version, company_id)
upto = history[history["as_of"] <= summary.to_timestamp(as_of)]
fig = trajectory.trajectory(upto, f"{plain(info['name'], 80)}: scores per quarter end ({controls.METHODOLOGY_LABELS[methodology].lower()})",
                            events[events["date"] <= summary.to_timestamp(as_of)])  # fmt: skip
if upto[["sct", "fi", "overall"]].notna().any().any():
    st.plotly_chart(fig, key="trajectory", width="stretch")
else:
    st.info("n/a: no request due and no monitoring report yet, so there is no score to draw.")

st.subheader("Why this score")
tab_req, tab_case, tab_change = st.tabs(
    ["Disclosure requests (SCT)", "Monitoring cases (FI)", "Changes since last quarter"]
)


def why_table(items, key: str, labels: dict, left_columns: list[str], empty: str, noun: str) -> None:
    """The scored items with what each earned, and those left out with the reason."""
    scored, left_out = summary.split_scored(items)
    if scored.empty:
        st.info(empty)
    else:
        st.dataframe(scored, key=f"why_{key}", hide_index=True, width="stretch", column_config=labels)
    if not left_out.empty:
        with st.expander(f"Left out of the score ({len(left_out)} {noun}) and why"):
            st.dataframe(left_out[left_columns], key=f"left_{key}", hide_index=True)


with tab_req:
    why_table(why.requests, "requests", summary.REQUEST_COLUMN_LABELS,
              ["request_id", "scope", "due_on", "status", "reason"],
              "n/a: no disclosure request is due or answered yet.", "requests")  # fmt: skip
with tab_case:
    why_table(why.cases, "cases", summary.CASE_COLUMN_LABELS, ["case_id", "opened_on", "status", "reason"],
              "n/a: no monitoring report with findings yet.", "cases")  # fmt: skip
with tab_change:
    if not prev_dates:
        st.info("n/a: this is the first quarter with scores.")
    else:
        before = cache.explanation(version, company_id, prev_dates[-1].date(), methodology)
        moved = summary.what_changed(why, before)
        if moved.empty:
            st.write(f"Nothing changed since {prev_dates[-1]:%Y-%m-%d}.")
        else:
            st.dataframe(moved, key="changes", hide_index=True, width="stretch")

st.subheader("What if: the same history under v1 and under v2")
st.caption(
    "Rescoring every quarter under one version shows how much of a move comes from the 2022-07-01 methodology change."
)
left, right = st.columns(2)
for col, version_name in ((left, "v1"), (right, "v2")):
    rescored = cache.series(version, version_name)
    own = rescored[
        (rescored["company_id"] == company_id) & (rescored["as_of"] <= summary.to_timestamp(as_of))
    ]
    with col:
        if own[["sct", "fi", "overall"]].notna().any().any():
            st.plotly_chart(
                trajectory.trajectory(own, f"Under {version_name} for all dates", height=360),
                key=f"whatif_{version_name}",
                width="stretch",
            )
        else:
            st.info("n/a: nothing scorable yet.")

st.subheader("Scoring report")
st.caption("For this company, date and methodology; marked confidential on every page.")
scoring_report = report.build_company_report(
    info["name"], None if present.is_on() else company_id, why, upto, cache.open_findings(version, company_id, as_of),
    controls.METHODOLOGY_LABELS[methodology], fictional=cache.is_demo(version),
)  # fmt: skip
r1, r2, _ = st.columns([1, 1, 2])
r1.download_button("Download report (PDF)", lambda: report.company_report_pdf(scoring_report, fig),
                   file_name=f"cpt-report-{present.file_part(company_id)}-{as_of:%Y-%m-%d}.pdf", mime="application/pdf",
                   key="download_report_pdf")  # fmt: skip
r2.download_button("Download report (HTML)", lambda: report.company_report_html(scoring_report, fig, report.report_tables(scoring_report)),
                   file_name=f"cpt-report-{present.file_part(company_id)}-{as_of:%Y-%m-%d}.html", mime="text/html",
                   key="download_report_html")  # fmt: skip

st.subheader("Contracts with affiliates")
contracts = cache.company_contracts(version, company_id)
if contracts.empty:
    st.info("No affiliate contract with this company is recorded.")
else:
    st.dataframe(contracts, key="contracts", hide_index=True, width="stretch",
                 column_order=[c for c in contracts.columns if c not in ("affiliate_id", "product_model_ids")],
                 column_config={"annual_spend_eur": st.column_config.NumberColumn("Annual spend (EUR)", format="€ %d")})  # fmt: skip
