"""Factory list and factory map, shared by Supplier transparency, My contracts and the Factory page."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pandas as pd
import streamlit as st

from charts import map as factory_map_chart
from data.queries.contracts import MIN_AFFILIATES_FOR_TOTAL
from ui import contract_cache as cc
from ui import figures, links, nav, present
from ui.text import md
from wording import i18n, labels
from wording.i18n import N_, _

LIST_LIMIT = 50  # rows of the factory list sent to the browser
# The order people decide by: which factory, open it, leverage, findings; then where and who
# (at 1280 px the name, the link and the leverage column are in view without scrolling).


def list_columns() -> dict[str, object]:
    """The factory list's column labels, in the language of the run."""
    return {
        "legal_name": st.column_config.TextColumn(_("Legal name"), width="medium"),
        "factory_page": st.column_config.LinkColumn(_("Factory page"), display_text=_("Open")),
        "affiliates_buying": st.column_config.NumberColumn(
            _("Affiliates buying"),
            help=_("Affiliates with a current contract for a product model made here"),
            width=130,  # its whole header ("small" cut it to "Affiliates bu")
        ),
        "open_findings": st.column_config.NumberColumn(_("Open findings")),
        "combined_spend": st.column_config.TextColumn(
            _("Combined annual spend"),
            help=_(
                "Staff: the total. An affiliate: other affiliates' total, shown only where at least "
                "{} others (and {} in all) buy, as a band of €0.1 m"
            ).format(MIN_AFFILIATES_FOR_TOTAL, MIN_AFFILIATES_FOR_TOTAL + 1),
        ),
        "country": _("Country"),
        "city": _("City"),
        "tier": _("Tier"),
        "companies": _("Disclosed by"),
    }


LIST_COLUMNS = list_columns()  # the columns in order (labels in English; shown through list_columns())
SEARCH_LIMIT = 100_000  # factories searched (all of them at the largest benchmarked scale)


def search_factories(frame: pd.DataFrame, text: str, columns: tuple[str, ...]) -> pd.DataFrame:
    """The rows where every word of `text` occurs (case-insensitive, as plain text: no regex, no
    wildcard) in one of `columns` or, for a country code, in the country's name."""
    words = text.casefold().split()
    if not words or frame.empty:
        return frame
    haystack = pd.Series("", index=frame.index, dtype=object)
    for column in columns:
        if column in frame:
            haystack = haystack + "\n" + frame[column].fillna("").astype(str).str.casefold()
            if column == "country":
                names = frame[column].map(
                    lambda c: factory_map_chart.theme_country(c) if isinstance(c, str) else ""
                )
                haystack = haystack + "\n" + names.str.casefold()
    keep = pd.Series(True, index=frame.index)
    for word in words:
        keep &= haystack.str.contains(word, regex=False)
    return frame[keep]


SORT_WORDS = {"leverage": N_("Leverage (affiliates buying)"), "open_findings": N_("Open findings")}
TIER_WORDS = {tier: label.lower() for tier, label in labels.TIER_LABELS.items()}


def shown_list(listed: pd.DataFrame) -> pd.DataFrame:
    """The factory list in words: the tier and the country as words, and a spend that is not shown says why
    ("confidential": too few other buyers; "no current buyer") instead of an empty cell."""
    out = listed.copy()
    if "tier" in out:
        out["tier"] = [
            _(labels.TIER_LABELS[t]).lower() if t in labels.TIER_LABELS else t for t in out["tier"]
        ]
    if "country" in out:
        out["country"] = out["country"].map(labels.country_name)
    if "combined_spend" in out:
        buyers = out["affiliates_buying"] if "affiliates_buying" in out else pd.Series(1, index=out.index)
        out["combined_spend"] = [
            spend
            if isinstance(spend, str) and spend
            else (_("no current buyer") if not n else _("confidential"))
            for spend, n in zip(out["combined_spend"], buyers.fillna(0), strict=True)
        ]
    return out


def factory_list(
    version: object, today: date, scope: tuple[str, ...] | None, key: str, *, search: bool = True
) -> None:
    """The disclosed factories by leverage or by open findings (the first LIST_LIMIT), with links."""
    order = st.segmented_control(
        _("Sort factories by"),
        ["leverage", "open_findings"],
        key=f"{key}_order",
        default="leverage",
        format_func=lambda o: _(SORT_WORDS[o]),
    )
    searched = (
        st.text_input(
            _("Search factories"),
            key=f"{key}_search",
            placeholder=_("Factory name, city or country"),
            help=_("Plain text, any case: every word must occur in the name, city or country."),
            max_chars=200,
        )
        if search
        else ""
    ).strip()
    columns = [c for c in LIST_COLUMNS if not (present.is_on() and c == "city")]
    listed = cc.factory_list(
        version, today, scope, order or "leverage", SEARCH_LIMIT if searched else LIST_LIMIT
    )
    if listed.empty:
        st.info(_("No factory has been disclosed yet."))
        return
    if searched:  # over what the list shows (presentation mode: disguised names, no city)
        listed = search_factories(
            listed, searched, tuple(c for c in ("legal_name", "city", "country") if c in columns)
        )
        st.caption(
            md(
                _("{} factory match “{}”.") if len(listed) == 1 else _("{} factories match “{}”."),
                i18n.number(len(listed)),
                searched,
            )
        )
        if listed.empty:
            st.info(_("No factory matches the search. Try part of a name, a city or a country."))
            return
        listed = listed.head(LIST_LIMIT)
    listed = links.with_factory_links(shown_list(listed))
    st.dataframe(
        listed[columns], key=f"{key}_table", hide_index=True, width="stretch", column_config=list_columns()
    )
    st.caption(
        (
            _("The first {} matching factories.") if searched else _("The first {} disclosed factories.")
        ).format(LIST_LIMIT)
        + " "
        + _(
            "An affiliate sees the combined annual spend of other affiliates only where at least {} others "
            "(and {} in all) buy, as a band of €0.1 m"
        ).format(MIN_AFFILIATES_FOR_TOTAL, MIN_AFFILIATES_FOR_TOTAL + 1)
        + (_(" (€1–2 m bands in presentation mode).") if present.is_on() else ".")
    )


def factory_map(
    factories: Callable[[], pd.DataFrame], key: str, label: str = N_("Map of these factories")
) -> None:
    """The offline factory map of the factories `factories()` reads (rows of
    data.queries.contracts.factory_list), folded: read and drawn only when opened
    (on_change="rerun"), as a map is the slowest thing a page draws."""
    if present.is_on():  # countries show as regions in presentation mode: no country map
        st.caption(_("The factory map is not shown in presentation mode (countries are shown as regions)."))
        return
    box = st.expander(_(label), key=f"{key}_open", on_change="rerun")
    with box:
        if not box.open:
            return
        frame = factories()
        if frame.empty:
            st.info(_("No disclosed factory to map."))
            return
        colour = st.segmented_control(
            _("Colour countries by"),
            ["open_findings", "affiliates_buying", "factories"],
            key=f"{key}_colour",
            default="open_findings",
            format_func=lambda c: factory_map_chart.COLOUR_BY[c][0],
        )
        fig = factory_map_chart.factory_map(frame, colour or "open_findings")
        event = figures.chart(
            fig,
            key=key,
            config=factory_map_chart.map_config(),
            on_select="rerun",
            selection_mode="points",
        )
        clicked = factory_map_chart.clicked_factory(event.selection if event else None)
        if clicked is not None:  # a click on a factory point opens it, in this tab
            nav.switch_page_to_top("pages/factory.py", {**present.link_params(), links.PARAM: clicked})
        located = factory_map_chart.located_count(frame)
        if located > factory_map_chart.POINT_LIMIT:
            st.caption(
                _(
                    "Countries are coloured over all {} disclosed factories; the {} with the most leverage of "
                    "the {} with coordinates are drawn as points."
                ).format(i18n.number(len(frame)), factory_map_chart.POINT_LIMIT, i18n.number(located))
            )


def factory_index(version: object, today: date) -> None:
    """The Factory page without a factory: the searchable list and the map (a point opens its factory)."""
    factory_list(version, today, None, "factory_list")
    factory_map(
        lambda: cc.factory_list(version, today, None, "leverage", SEARCH_LIMIT),
        "factory_map",
        N_("Map of the disclosed factories (click a point to open it)"),
    )
