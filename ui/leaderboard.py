"""The leaderboard's columns on the Overview page: headers and help in the reader's language."""

from __future__ import annotations

import streamlit as st

from wording.i18n import _


def columns(mine: bool) -> dict[str, object]:
    """The column config of the leaderboard; "Your contract" only for an affiliate's own board
    (never while presenting: no own-organisation marker then)."""
    config: dict[str, object] = {
        "Rank": st.column_config.TextColumn(
            _("Rank"), help=_("By overall score at this date; n/a: not scored")
        ),
        "Company": st.column_config.TextColumn(_("Company")),
        "SCT": st.column_config.TextColumn(
            help=_("Supply Chain Transparency, 0–100; n/a: no request due yet")
        ),
        "FI": st.column_config.TextColumn(
            help=_("Factory Improvement, 0–100; n/a: no monitoring report yet")
        ),
        "Overall": st.column_config.TextColumn(
            _("Overall"),
            help=_("0–100: v2 0.4 × SCT + 0.6 × FI, v1 half each; the one that applies when only one does"),
        ),
        # its whole label ("Insufficient"; the automatic width cut "Developin")
        "Band": st.column_config.TextColumn(_("Band"), width=100),
        "Trend": st.column_config.LineChartColumn(_("Overall per quarter"), y_min=0, y_max=100),
    }
    if mine:
        config["Your contract"] = st.column_config.CheckboxColumn(
            _("Your contract"), help=_("Your organisation has a contract with this company")
        )
    return config
