"""My contracts: an affiliate's (or a company's) contracts, the disclosure requests about the
product models bought, the factories behind them, open cases there, and the deadlines."""

from datetime import date

import numpy as np
import pandas as pd
import streamlit as st

import scoring
from data.exports import spreadsheet
from data.presentation.pseudonyms import spend_band
from data.queries import expectations
from data.queries.contracts import DEADLINE_STATES, HORIZON_DAYS
from ui import auth, cache, controls, downloads, expectation_form, factory_views, links, nav, present
from ui import contract_cache as cc
from ui import deadlines as calendar
from ui.text import md

nav.through_app("contracts")

version = cache.db_version()
today = date.today()
user = auth.user()
presenting = present.is_on()
ID_COLUMNS = (
    "contract_id",
    "company_id",
    "affiliate_id",
    "product_model_id",
    "factory_id",
    "request_id",
    "case_id",
)


def shown(columns: list[str]) -> list[str]:
    """The columns a table shows: never ids (nor cities or addresses) in presentation mode."""
    hidden = (*ID_COLUMNS, "city", "address", "contracts", "set_by") if presenting else ()
    return [c for c in columns if c and c not in hidden]


def money(value: float | str | None) -> str:
    """Euros; presentation mode's coarse band ("€1–2 m") as it is."""
    if isinstance(value, str):
        return value
    return "n/a" if value is None or value != value else f"€ {value:,.0f}"


def period_end(value: object, fmt: str = "%Y-%m-%d") -> str:
    """A contract's start or end as shown: the date, or the year in presentation mode."""
    if value is None or value != value or value is pd.NaT:
        return "open"
    return str(value) if isinstance(value, (int, np.integer)) else format(value, fmt)


DATE = {"format": "YYYY-MM-DD"}
EXPECTATION_LABELS = expectations.WHAT_LABELS
LABELS = {
    "contract_id": "Contract", "affiliate": "Affiliate", "company": "Company", "start_date": st.column_config.DateColumn("Start", **DATE),
    "end_date": st.column_config.DateColumn("End", **DATE), "annual_spend_eur": st.column_config.NumberColumn("Annual spend (EUR)", format="€ %d"),
    "current": st.column_config.CheckboxColumn("Current"), "products": "Product models", "due_on": st.column_config.DateColumn("Due on", **DATE),
    "deadline": "Deadline", "state": "State", "product_model": "Product model", "scope": "Scope", "request_id": "Request",
    "contracts": "Contracts", "days_to_due": st.column_config.NumberColumn("Days to deadline", help="Negative: days overdue"),
    "requested_on": st.column_config.DateColumn("Requested on", **DATE), "legal_name": "Legal name", "address": "Address",
    "city": "City", "country": "Country", "tier": "Tier", "since": st.column_config.DateColumn("Disclosed since", **DATE),
    "factory": "Factory", "opened_on": st.column_config.DateColumn("Opened on", **DATE), "status": "Status",
    "age_days": st.column_config.NumberColumn("Age (days)"), "open_findings": "Open findings", "findings": "Findings",
    "retaliation": st.column_config.CheckboxColumn("Retaliation"), "case_id": "Case", "factories_disclosed": "Factories disclosed",
    "factory_page": st.column_config.LinkColumn("Factory page", display_text="Open factory page"),
    "what": "Expectation", "target": "Target", "value": "Value at the date judged", "note": "Note",
    "set_by": "Set by", "set_on": st.column_config.DateColumn("Set on", **DATE),
}  # fmt: skip
if presenting:  # a contract's period as years and spend as a coarse band (data/presentation/pseudonyms.py)
    LABELS |= {"start_date": "Start (year)", "end_date": "End (year)", "annual_spend_eur": "Annual spend"}


ROWS_PER_PAGE = 200  # staff see every affiliate's contracts: thousands of rows at scale 40


def table(frame, columns: list[str], key: str, paged: bool = False) -> None:
    """Only the columns shown reach the browser (no ids, cities or addresses in presentation mode);
    a long `paged` table a page of ROWS_PER_PAGE rows at a time."""
    if paged:
        offset = controls.pager(len(frame), ROWS_PER_PAGE, key=f"{key}_page")
        frame = frame.iloc[offset : offset + ROWS_PER_PAGE]
    columns = shown(columns)
    config = {c: LABELS[c] for c in columns if c in LABELS}  # only the labels of what is shown
    st.dataframe(frame[columns], key=key, hide_index=True, width="stretch", column_config=config)


st.title("My contracts")
contracts = cc.contracts(version, today)
chosen = None  # staff: the affiliate whose contracts are shown (None: all)
if user.role == "admin":
    st.caption("Staff see every contract. Choose an affiliate to see its contracts as it does.")
    affiliates = sorted(
        set(zip(contracts["affiliate_id"], contracts["affiliate"], strict=True)), key=lambda a: a[1]
    )
    names = dict(affiliates)
    chosen = st.selectbox("Affiliate", [None, *names], key="contracts_affiliate",
                          format_func=lambda a: "All affiliates" if a is None else names[a])  # fmt: skip
    if chosen is not None:
        contracts = cc.contracts(version, today, chosen)
elif user.role == "company":
    st.caption(
        "Your company's contracts with affiliates, and the requests about the product models they cover."
    )
else:
    st.caption("Your organisation's contracts, the disclosure requests about the product models you buy, "
               "the factories behind them and the open monitoring cases there.")  # fmt: skip

if contracts.empty:
    st.info("No contract is recorded for your account.")
    st.stop()

# Each query is narrowed in SQL to the contracts in view (all of the viewer's, or the chosen
# affiliate's), and a contract's requests, factories and cases are read when it is chosen below.
deadlines = cc.deadlines(version, today, chosen)

current = contracts[contracts["current"]]
m = st.columns(5)
m[0].metric("Current contracts", f"{len(current)} of {len(contracts)}")
m[1].metric("Annual spend, current", money(spend_band(cc.current_spend(version, today, chosen)) if presenting
                                           else current["annual_spend_eur"].sum(min_count=1)))  # fmt: skip
m[2].metric("Overdue requests", int((deadlines["deadline"] == DEADLINE_STATES[0]).sum()))
m[3].metric(f"Due in the next {HORIZON_DAYS} days", int((deadlines["deadline"] == DEADLINE_STATES[1]).sum()))
m[4].metric("Open cases at your factories", cc.open_case_count(version, today, chosen),
            help="Open monitoring cases (a finding not yet verified) at factories disclosed for the product models of these contracts.")  # fmt: skip

st.subheader("Contracts")
# Presenting, an affiliate's own pseudonym is not shown: the audience would find it among a factory's buyers.
own_name = "" if presenting and user.role == "affiliate" else "affiliate"
table(contracts, ["contract_id", own_name, "company", "start_date", "end_date", "annual_spend_eur", "current", "products"], "contracts_table", paged=True)  # fmt: skip

st.subheader("Where your products are made")
factory_views.factory_map(lambda: cc.factories_behind(version, today, chosen), "contracts_map")

st.subheader(md("Deadlines: overdue and due in the next {} days", HORIZON_DAYS))
if deadlines.empty:
    st.info(md("No request about these product models is overdue or due in the next {} days.", HORIZON_DAYS))
else:
    table(deadlines, ["due_on", "deadline", "state", "company", "product_model", "scope", "request_id", "contracts", "days_to_due"], "deadlines_table", paged=True)  # fmt: skip
    header = f"CPT deadlines as of {today:%Y-%m-%d}, generated {today:%Y-%m-%d}. {spreadsheet.CONFIDENTIAL}"
    export = deadlines[shown(["due_on", "deadline", "state", "company", "product_model", "scope", "request_id", "contracts", "days_to_due"])]  # fmt: skip
    d1, d2, _ = st.columns([1, 1, 2])
    # Built on click (every deadline, not only the page shown).
    d1.download_button("Download deadlines (CSV)", downloads.deferred(lambda export=export, header=header: spreadsheet.to_csv(export, header), "csv"), key="deadlines_csv", on_click="ignore",
                       file_name=f"cpt-deadlines-{today:%Y-%m-%d}.csv", mime="text/csv")  # fmt: skip
    d2.download_button("Add to calendar (.ics)", downloads.deferred(calendar.calendar_file(version, deadlines, today, chosen), "ics"),
                       key="deadlines_ics", on_click="ignore", file_name=f"cpt-deadlines-{today:%Y-%m-%d}.ics", mime="text/calendar",
                       help="An iCalendar file: an all-day event per deadline, with a reminder 7 days before, and one for what is overdue; calendar programs import it.")  # fmt: skip
if not presenting:
    calendar.subscription(user.username)

st.subheader("Expectations")
as_of = scoring.last_quarter_end()
expected = cc.expectations(version, None, today)  # every expectation the account may see
if user.role == "admin" and chosen is not None:
    expected = expected[expected["affiliate_id"] == chosen]
if expected.empty:
    st.info("No expectation recorded yet.")
else:
    assessed = expectations.assess(expected, cache.series(version, "in-force"), as_of, today)
    assessed["target"] = assessed["target"].where(
        ~presenting | (assessed["what"] != "action"), "(an improvement action)"
    )
    table(assessed, ["affiliate" if user.role != "affiliate" else "", "company", "what", "target", "due_on", "status", "value", "note", "set_by", "set_on"], "expectations_table")  # fmt: skip
    st.caption(
        f"Scores and bands as of {as_of:%Y-%m-%d}: met (target reached by the due date), missed (due date passed, "
        "not reached), on track (not due yet, risen since it was set), behind (not due yet, not risen). "
        "Actions: met (done by the due date), open (not yet due), missed."
    )
can_set = user.role == "affiliate" or (user.role == "admin" and chosen is not None)
if can_set and not presenting:
    setter = user.affiliate_id if user.role == "affiliate" else chosen
    company_names = dict(zip(contracts["company_id"], contracts["company"], strict=False))
    expectation_form.record(version, setter, company_names, user.username, today)

st.subheader("Contract details")
if user.role == "admin" and chosen is None:  # thousands of contracts: one affiliate's at a time
    st.info("Choose an affiliate above to see the details of one of its contracts.")
    st.stop()
labels = {
    row.contract_id: f"{row.company} · {period_end(row.start_date)} to {period_end(row.end_date)}"
    + ("" if user.role == "affiliate" else f" · {row.affiliate}")
    for row in contracts.itertuples()
}  # fmt: skip
contract_id = st.selectbox("Contract", list(labels), key="contracts_contract", format_func=labels.get)
row = contracts[contracts["contract_id"] == contract_id].iloc[0]
products = row["products"] if isinstance(row["products"], (list, tuple, np.ndarray)) else []
st.text(
    f"{row['company']}: annual spend {money(row['annual_spend_eur'])}; product models: {', '.join(map(str, products)) or 'none'}"
)
models = cc.contract_models(version, contract_id=contract_id)
requests = cc.model_requests(version, today, contract_id)
factories = cc.model_factories(version, today, contract_id)
cases = cc.model_open_cases(version, today, contract_id)
for i, model in enumerate(models.itertuples()):
    with st.container(border=True):
        st.text(f"Product model: {model.product_model} ({model.category})")
        mine = requests[requests["product_model_id"] == model.product_model_id]
        if mine.empty:
            st.text("No disclosure request about this product model yet.")
        else:
            table(mine, ["request_id", "scope", "requested_on", "due_on", "state", "factories_disclosed"], f"requests_{i}")  # fmt: skip
        made = factories[factories["product_model_id"] == model.product_model_id]
        if made.empty:
            st.text("No factory disclosed for this product model yet.")
        else:
            made = links.with_factory_links(made)
            table(made, ["legal_name", "address", "city", "country", "tier", "since", "factory_page"], f"factories_{i}")  # fmt: skip
            open_here = cases[cases["factory_id"].isin(set(made["factory_id"]))]
            if open_here.empty:
                st.text("No open monitoring case at these factories.")
            else:
                table(open_here, ["case_id", "factory", "company", "opened_on", "status", "age_days", "open_findings", "retaliation"], f"cases_{i}")  # fmt: skip
