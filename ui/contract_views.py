"""My contracts, section by section (pages/contracts.py lays them out): the affiliate chooser for
staff, the figures, the deadlines with their downloads, the expectations and the details of
one contract. What presentation mode hides is settled here and in the scoped queries
(ui/contract_cache.py), never on the page."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import streamlit as st

import scoring
from data.exports import spreadsheet
from data.queries import expectations
from data.queries.contracts import DEADLINE_STATES, HORIZON_DAYS
from ui import cache, downloads, links, present
from ui import contract_cache as cc
from ui import deadlines as calendar
from ui import expectation_form as expectation_form_ui
from ui.tables import DATE, shown, table
from ui.text import md
from wording import i18n, narrative
from wording.i18n import _

ROWS_PER_PAGE = 200  # staff see every affiliate's contracts: thousands of rows at scale 40
DEADLINE_COLUMNS = ["due_on", "deadline", "state", "company", "product_model", "scope", "request_id", "contracts", "days_to_due"]  # fmt: skip
HIDE = ("contracts",)  # in presentation mode: a deadline's contracts (their ids)
EXPECTATION_LABELS = expectations.WHAT_LABELS
# A deadline's request not answered at all says so (its "Deadline" already says overdue or due soon).
ANSWER_SO_FAR = {
    "overdue": "nothing yet",
    "due in the next 90 days": "nothing yet",
    "not yet due": "nothing yet",
}


def labels() -> dict[str, object]:
    """Column labels; presenting, a contract's period as years and spend as a coarse band
    (data/presentation/pseudonyms.py)."""
    out = {
        "contract_id": _("Contract"), "affiliate": _("Affiliate"), "company": _("Company"), "start_date": st.column_config.DateColumn(_("Start"), **DATE),
        "end_date": st.column_config.DateColumn(_("End"), **DATE), "annual_spend_eur": st.column_config.NumberColumn(_("Annual spend (EUR)"), format="localized"),
        "current": st.column_config.CheckboxColumn(_("Current")), "products": _("Product models"), "due_on": st.column_config.DateColumn(_("Due on"), **DATE),
        "deadline": _("Deadline"), "state": _("Answered so far"), "product_model": _("Product model"), "scope": _("Scope"), "request_id": _("Request"),
        "contracts": _("Contracts"), "days_to_due": st.column_config.NumberColumn(_("Days to deadline"), help=_("Negative: days overdue")),
        "requested_on": st.column_config.DateColumn(_("Requested on"), **DATE), "legal_name": _("Legal name"), "address": _("Address"),
        "city": _("City"), "country": _("Country"), "tier": _("Tier"), "since": st.column_config.DateColumn(_("Disclosed since"), **DATE),
        "factory": _("Factory"), "opened_on": st.column_config.DateColumn(_("Opened on"), **DATE), "status": _("Status"),
        "age_days": st.column_config.NumberColumn(_("Age (days)")), "open_findings": _("Open findings"), "findings": _("Findings"),
        "retaliation": st.column_config.CheckboxColumn(_("Retaliation")), "case_id": _("Case"), "factories_disclosed": _("Factories disclosed"),
        "factory_page": st.column_config.LinkColumn(_("Factory page"), display_text=_("Open factory page")),
        "what": _("Expectation"), "target": _("Target"), "value": _("Value at the date judged"), "note": _("Note"),
        "set_by": _("Set by"), "set_on": st.column_config.DateColumn(_("Set on"), **DATE),
    }  # fmt: skip
    if present.is_on():
        out |= {
            "start_date": _("Start (year)"),
            "end_date": _("End (year)"),
            "annual_spend_eur": _("Annual spend"),
        }
    return out


def show(frame: pd.DataFrame, columns: list[str], key: str, paged: bool = False) -> None:
    table(frame, columns, key, labels(), hide=HIDE, rows_per_page=ROWS_PER_PAGE if paged else None)


def money(value: float | str | None) -> str:
    """Euros; presentation mode's coarse band ("€1–2 m") as it is."""
    if isinstance(value, str):
        return value
    return _("n/a") if value is None or value != value else i18n.euros(value)


def money_short(value: float | str | None) -> str:
    """Euros in millions for a figure ("€ 2.68 m"): the full amount did not fit its column at 1280 px."""
    if isinstance(value, str) or value is None or value != value:
        return money(value)
    return i18n.euros_millions(value) if abs(value) >= 1e6 else money(value)


def period_end(value: object, fmt: str = "%Y-%m-%d") -> str:
    """A contract's start or end as shown: the date, or the year in presentation mode."""
    if value is None or value != value or value is pd.NaT:
        return _("open")
    return (
        str(value)
        if isinstance(value, (int, np.integer))
        else (i18n.day(value) if fmt == "%Y-%m-%d" else format(value, fmt))
    )


def choose_affiliate(contracts: pd.DataFrame) -> str | None:
    """Staff: the affiliate whose contracts are shown (None: all)."""
    affiliates = sorted(
        set(zip(contracts["affiliate_id"], contracts["affiliate"], strict=True)), key=lambda a: a[1]
    )
    names = dict(affiliates)
    return st.selectbox(_("Affiliate"), [None, *names], key="contracts_affiliate",
                        format_func=lambda a: _("All affiliates") if a is None else names[a])  # fmt: skip


def figures(version: object, today: date, chosen: str | None, contracts: pd.DataFrame, deadlines: pd.DataFrame) -> None:  # fmt: skip
    current = contracts[contracts["current"]]
    m = st.columns(5)
    m[0].metric(
        _("Current contracts"), _("{} of {}").format(i18n.number(len(current)), i18n.number(len(contracts)))
    )
    spend = cc.current_spend(version, today, chosen)
    m[1].metric(
        _("Annual spend, current"),
        money_short(spend),
        help=_("The current contracts' annual spend: {}.").format(money(spend)),
    )
    m[2].metric(_("Overdue requests"), int((deadlines["deadline"] == DEADLINE_STATES[0]).sum()))
    m[3].metric(
        _("Due in the next {} days").format(HORIZON_DAYS),
        int((deadlines["deadline"] == DEADLINE_STATES[1]).sum()),
    )
    m[4].metric(_("Open cases"), cc.open_case_count(version, today, chosen),
                help=_("Open monitoring cases (a finding not yet verified) at factories disclosed for the product models of these contracts."))  # fmt: skip


def contracts_table(contracts: pd.DataFrame, role: str) -> None:
    # Presenting, an affiliate's own pseudonym is not shown: the audience would find it among a factory's buyers.
    own_name = "" if present.is_on() and role == "affiliate" else "affiliate"
    show(contracts, ["contract_id", own_name, "company", "start_date", "end_date", "annual_spend_eur", "current", "products"], "contracts_table", paged=True)  # fmt: skip


def deadlines_section(
    version: object, deadlines: pd.DataFrame, today: date, chosen: str | None, user
) -> None:
    """The deadlines, their CSV and calendar file, and (never presenting) the calendar subscription."""
    _deadlines(version, deadlines, today, chosen)
    if not present.is_on():
        calendar.subscription(user.username)


def _deadlines(version: object, deadlines: pd.DataFrame, today: date, chosen: str | None) -> None:
    st.header(md(_("Deadlines: overdue and due in the next {} days"), HORIZON_DAYS))
    if deadlines.empty:
        st.info(
            md(
                _("No request about these product models is overdue or due in the next {} days."),
                HORIZON_DAYS,
            )
        )
        return
    answered = deadlines["state"].map(lambda s: ANSWER_SO_FAR.get(s, s))
    show(deadlines.assign(state=answered), DEADLINE_COLUMNS, "deadlines_table", paged=True)
    header = f"CPT deadlines as of {today:%Y-%m-%d}, generated {today:%Y-%m-%d}. {spreadsheet.CONFIDENTIAL}"
    export = deadlines[shown(DEADLINE_COLUMNS, HIDE)]
    buttons = st.container(horizontal=True)  # side by side, each as wide as its label
    # Built on click (every deadline, not only the page shown).
    buttons.download_button(_("Download deadlines (CSV)"), downloads.deferred(lambda export=export, header=header: spreadsheet.to_csv(export, header), "csv"), key="deadlines_csv", on_click="ignore",
                       file_name=f"cpt-deadlines-{today:%Y-%m-%d}.csv", mime="text/csv")  # fmt: skip
    buttons.download_button(_("Add to calendar (.ics)"), downloads.deferred(calendar.calendar_file(version, deadlines, today, chosen), "ics"),
                       key="deadlines_ics", on_click="ignore", file_name=f"cpt-deadlines-{today:%Y-%m-%d}.ics", mime="text/calendar",
                       help=_("An iCalendar file: an all-day event per deadline, with a reminder 7 days before, and one for what is overdue; calendar programs import it."))  # fmt: skip


def expectations_section(version: object, today: date, user, chosen: str | None) -> None:
    st.header(_("Expectations"))
    as_of = scoring.last_quarter_end()
    expected = cc.expectations(version, None, today)  # every expectation the account may see
    if user.role == "admin" and chosen is not None:
        expected = expected[expected["affiliate_id"] == chosen]
    if expected.empty:
        st.info(_("No expectation recorded yet."))
        return
    assessed = expectations.assess(expected, cache.series(version, "in-force"), as_of, today)
    if present.is_on():  # an action's target names a finding or request by its id
        assessed["target"] = assessed["target"].mask(
            assessed["what"] == "action", _("(an improvement action)")
        )
    else:  # an action in words, as How to improve says it ("verify:FN000123" is no sentence)
        assessed["target"] = action_targets_in_words(version, assessed)
    show(assessed, ["affiliate" if user.role != "affiliate" else "", "company", "what", "target", "due_on", "status", "value", "note", "set_by", "set_on"], "expectations_table")  # fmt: skip
    st.caption(
        _(
            "Scores and bands as of {}: met (target reached by the due date), missed (due date passed, "
            "not reached), on track (not due yet, risen since it was set), behind (not due yet, not risen). "
            "Actions: met (done by the due date), open (not yet due), missed."
        ).format(i18n.day(as_of))
    )


def action_targets_in_words(version: object, assessed: pd.DataFrame) -> list[str]:
    """Each expectation's target, an action's in words (wording.narrative.expected_action_text)
    from its company's evidence and names."""
    words: dict[str, object] = {}
    out = []
    for what, target, company_id in zip(
        assessed["what"], assessed["target"], assessed["company_id"], strict=True
    ):
        if what != "action":
            out.append(target)
            continue
        if company_id not in words:
            words[company_id] = (cache.plain_evidence(version, company_id),
                                 narrative.Names.from_frame(cache.company_names(version, company_id)))  # fmt: skip
        evidence, names = words[company_id]
        out.append(narrative.expected_action_text(target, evidence, names))
    return out


def expectation_form(version: object, today: date, user, chosen: str | None, contracts: pd.DataFrame) -> None:
    """Record an expectation (an affiliate its own; staff for the affiliate chosen; never presenting)."""
    can_set = user.role == "affiliate" or (user.role == "admin" and chosen is not None)
    if can_set and not present.is_on():
        setter = user.affiliate_id if user.role == "affiliate" else chosen
        company_names = dict(zip(contracts["company_id"], contracts["company"], strict=False))
        expectation_form_ui.record(version, setter, company_names, user.username, today)


def contract_details(version: object, today: date, contracts: pd.DataFrame, role: str) -> None:
    """One contract (chosen here): its product models, their requests, factories and open cases."""
    options = {
        row.contract_id: _("{company} · {start} to {end}").format(company=row.company, start=period_end(row.start_date), end=period_end(row.end_date))
        + ("" if role == "affiliate" else f" · {row.affiliate}")
        for row in contracts.itertuples()
    }  # fmt: skip
    contract_id = st.selectbox(
        _("Contract"), list(options), key="contracts_contract", format_func=options.get
    )
    row = contracts[contracts["contract_id"] == contract_id].iloc[0]
    products = row["products"] if isinstance(row["products"], (list, tuple, np.ndarray)) else []
    st.text(
        _("{company}: annual spend {spend}; product models: {models}").format(
            company=row["company"],
            spend=money(row["annual_spend_eur"]),
            models=", ".join(map(str, products)) or _("none"),
        )
    )
    models = cc.contract_models(version, contract_id=contract_id)
    requests = cc.model_requests(version, today, contract_id)
    factories = cc.model_factories(version, today, contract_id)
    cases = cc.model_open_cases(version, today, contract_id)
    for i, model in enumerate(models.itertuples()):
        with st.container(border=True):
            st.text(_("Product model: {} ({})").format(model.product_model, model.category))
            mine = requests[requests["product_model_id"] == model.product_model_id]
            if mine.empty:
                st.text(_("No disclosure request about this product model yet."))
            else:
                show(mine, ["request_id", "scope", "requested_on", "due_on", "state", "factories_disclosed"], f"requests_{i}")  # fmt: skip
            made = factories[factories["product_model_id"] == model.product_model_id]
            if made.empty:
                st.text(_("No factory disclosed for this product model yet."))
                continue
            made = links.with_factory_links(made)
            show(made, ["legal_name", "factory_page", "tier", "country", "city", "address", "since"], f"factories_{i}")  # fmt: skip
            open_here = cases[cases["factory_id"].isin(set(made["factory_id"]))]
            if open_here.empty:
                st.text(_("No open monitoring case at these factories."))
            else:
                show(open_here, ["case_id", "factory", "company", "opened_on", "status", "age_days", "open_findings", "retaliation"], f"cases_{i}")  # fmt: skip
