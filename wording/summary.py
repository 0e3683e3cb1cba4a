"""Summaries of score series for the pages: leaderboard, KPIs, changes, strengths and gaps.

Pure pandas on the frames `score()` and `explain()` return; no Streamlit.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from scoring import facts, params
from wording import i18n, labels, narrative
from wording.i18n import N_, _

SCORES = ("sct", "fi", "overall")


def leaderboard(series: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """One row per company at `as_of`: scores, band, change of overall since the previous
    quarter end in the series, and the overall trajectory up to `as_of` (for a sparkline).

    `series` is `score()` output over quarter ends. Ranked by overall (n/a last).
    """
    upto = series[pd.to_datetime(series["as_of"]) <= pd.Timestamp(as_of)]
    current = upto[pd.to_datetime(upto["as_of"]) == pd.Timestamp(as_of)].set_index("company_id")
    dates = sorted(pd.to_datetime(upto["as_of"]).unique())
    previous = None
    if len(dates) >= 2:
        prev_date = dates[-2]
        previous = upto[pd.to_datetime(upto["as_of"]) == prev_date].set_index("company_id")["overall"]
    trend = (
        upto.sort_values("as_of")
        .groupby("company_id")["overall"]
        .agg(lambda s: [round(float(v), 2) for v in s if not pd.isna(v)])  # scored quarters only
    )
    board = current[list(SCORES) + ["band", "methodology"]].copy()
    board["change"] = board["overall"] - previous.reindex(board.index) if previous is not None else np.nan
    board["trend"] = trend.reindex(board.index)
    board = board.reset_index()
    board["rank"] = facts.overall_rank(board["overall"])  # over every company, before any filter
    return board.sort_values("overall", ascending=False, na_position="last").reset_index(drop=True)


def change_label(change: float | None) -> str:
    """▲ 2.3 / ▼ 1.0 / = ; '–' when either quarter is n/a."""
    if change is None or pd.isna(change):
        return "–"
    if abs(change) < 0.05:
        return "= 0.0"
    return f"▲ {change:.1f}" if change > 0 else f"▼ {abs(change):.1f}"


def kpis(board: pd.DataFrame) -> dict[str, object]:
    """Companies scored, median scores and the share of scored companies in each band."""
    scored = board[board["overall"].notna()]
    shares = {
        b.name: (float((scored["band"] == b.name).mean()) * 100 if len(scored) else np.nan)
        for b in params.BANDS
    }
    return {
        "companies": len(board),
        "scored": len(scored),
        "median_sct": float(board["sct"].median()) if board["sct"].notna().any() else np.nan,
        "median_fi": float(board["fi"].median()) if board["fi"].notna().any() else np.nan,
        "median_overall": float(scored["overall"].median()) if len(scored) else np.nan,
        "band_shares": shares,
    }


SCOPE_LABELS = labels.COMPONENT_LABELS


def components(requests: pd.DataFrame, cases: pd.DataFrame) -> pd.DataFrame:
    """How much of the attainable each scored component earned (0–100 %).

    SCT components: per request scope, sum(points) / sum(weight). FI components: per
    case component, points earned / points attainable over the scored cases.
    """
    rows = []
    scored = requests[requests["status"] == "scored"] if len(requests) else requests
    for scope, label in SCOPE_LABELS.items():
        part = scored[scored["scope"] == scope] if len(scored) else scored
        if len(part) and part["weight"].sum() > 0:
            rows.append(
                {
                    "component": label,
                    "score": "sct",
                    "earned_pct": 100 * part["points"].sum() / part["weight"].sum(),
                    "items": len(part),
                }
            )
    scored_cases = cases[cases["status"] == "scored"] if len(cases) else cases
    if len(scored_cases):
        for column, (label, top) in labels.case_components().items():
            rows.append(
                {
                    "component": label,
                    "score": "fi",
                    "earned_pct": 100 * scored_cases[column].sum() / (top * len(scored_cases)),
                    "items": len(scored_cases),
                }
            )
    return pd.DataFrame(rows, columns=["component", "score", "earned_pct", "items"])


def strongest_and_weakest(parts: pd.DataFrame) -> tuple[str | None, str | None]:
    """The component with the highest and the lowest share earned (None when nothing is scored)."""
    if parts.empty:
        return None, None
    ordered = parts.sort_values(["earned_pct", "component"], ascending=[False, True])
    return ordered.iloc[0]["component"], ordered.iloc[-1]["component"]


def changes(now: pd.DataFrame, before: pd.DataFrame, id_column: str, value: str) -> pd.DataFrame:
    """Items whose contribution changed between two explanations (new, dropped or different)."""
    a = before.set_index(id_column)[[value, "status"]].rename(
        columns={value: "before", "status": "status_before"}
    )
    b = now.set_index(id_column)[[value, "status", "reason"]].rename(columns={value: "after"})
    both = a.join(b, how="outer")
    moved = both[
        (both["status_before"] != both["status"])
        | ~np.isclose(both["before"].fillna(-1).astype(float), both["after"].fillna(-1).astype(float))
    ]
    return moved.reset_index()


def filter_board(
    board: pd.DataFrame,
    filters: pd.DataFrame,
    affiliate: str | None = None,
    categories: list[str] | None = None,
    roles: list[str] | None = None,
    bands: list[str] | None = None,
) -> pd.DataFrame:
    """Keep companies contracted by `affiliate`, selling any of `categories`, with one of `roles`
    and in one of `bands` ("n/a" for not applicable). Empty criteria keep everything."""
    info = filters.set_index("company_id")
    keep = pd.Series(True, index=board.index)
    ids = board["company_id"]
    if affiliate:
        keep &= ids.map(lambda c: affiliate in list(info.at[c, "affiliate_ids"]))
    if categories:
        keep &= ids.map(lambda c: bool(set(categories) & set(info.at[c, "categories"])))
    if roles:
        keep &= ids.map(info["role"]).isin(roles)
    if bands:
        keep &= board["band"].fillna("n/a").isin(bands)
    return board[keep].reset_index(drop=True)


def contracted_by(filters: pd.DataFrame, affiliate_id: str) -> set[str]:
    """Companies the affiliate has a contract with (from `company_filters`)."""
    return {
        c
        for c, affs in zip(filters["company_id"], filters["affiliate_ids"], strict=True)
        if affiliate_id in list(affs)
    }


def board_table(board: pd.DataFrame) -> pd.DataFrame:
    """The leaderboard as shown: rank, labels, change as ▲/▼ text, and for an affiliate
    whether it has a contract with the company."""
    table = pd.DataFrame(
        {
            "Rank": board["rank"] if "rank" in board else facts.overall_rank(board["overall"]),
            "company_id": board["company_id"],
            "Company": board.get("company", board["company_id"]),
            "SCT": board["sct"],
            "FI": board["fi"],
            "Overall": board["overall"],
            "Band": board["band"].fillna("n/a"),
            "Change since last quarter": board["change"].map(change_label),
            "Trend": board["trend"],
        }
    )
    if "contract" in board:
        table.insert(3, "Your contract", board["contract"])
    return table


SHOWN_AS_TEXT = ("Rank", "SCT", "FI", "Overall")


def board_shown(table: pd.DataFrame) -> pd.DataFrame:
    """The leaderboard's rank and scores as the grid shows them: one decimal, "n/a" where not
    applicable (an empty number cell shows "None" in the browser whatever a Styler says). The
    grid sorts such text by its numbers ("9.5" before "51.3" before "100.0"), "n/a" at one end."""
    out = table.copy()
    out["Rank"] = [("n/a" if pd.isna(r) else str(int(r))) for r in table["Rank"]]
    for col in ("SCT", "FI", "Overall"):
        out[col] = [narrative.one_decimal(None if pd.isna(v) else float(v)) for v in table[col]]
    return out


def board_export(table: pd.DataFrame) -> pd.DataFrame:
    """The leaderboard as exported: no sparkline, scores rounded to the cent."""
    out = table.drop(columns=["Trend"]).copy()
    for col in ("SCT", "FI", "Overall"):
        out[col] = out[col].round(2)
    return out


def to_timestamp(value: date | pd.Timestamp) -> pd.Timestamp:
    return pd.Timestamp(value)


def delta(now: float | None, before: float | None) -> str | None:
    """Change for st.metric ('+2.3'); None when either side is n/a."""
    if now is None or before is None or pd.isna(now) or pd.isna(before):
        return None
    change = narrative.round_half_up(now - before)
    return f"{change:+.1f}" if change else "0.0"


def what_changed(now: object, before: object) -> pd.DataFrame:
    """Requests and cases whose contribution moved between two explanations of one company."""
    parts = []
    if len(now.requests) or len(before.requests):
        moved = changes(now.requests, before.requests, "request_id", "points")
        moved.insert(0, "item", "request " + moved["request_id"].astype(str))
        parts.append(moved.drop(columns=["request_id"]))
    if len(now.cases) or len(before.cases):
        moved = changes(now.cases, before.cases, "case_id", "case_score")
        moved.insert(0, "item", "case " + moved["case_id"].astype(str))
        parts.append(moved.drop(columns=["case_id"]))
    if not parts:
        return pd.DataFrame(columns=["item", "before", "status_before", "after", "status", "reason"])
    out = pd.concat(parts, ignore_index=True)
    return out.rename(
        columns={
            "before": "points before",
            "after": "points now",
            "status_before": "status before",
            "status": "status now",
        }
    )


def comparison(explanations: dict[str, object], names: dict[str, str]) -> pd.DataFrame:
    """One row per company: scores, band and its strongest and weakest component."""
    rows = []
    for company_id, why in explanations.items():
        parts = components(why.requests, why.cases)
        strong, weak = strongest_and_weakest(parts)
        rows.append(
            {
                "company_id": company_id,
                "Company": names.get(company_id, company_id),
                "SCT": why.sct,
                "FI": why.fi,
                "Overall": why.overall,
                "Band": why.band or "n/a",
                "Strongest component": strong or "n/a",
                "Weakest component": weak or "n/a",
            }
        )
    return pd.DataFrame(rows)


def overdue_requests(requests: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """Scored requests past their deadline with no response at all by `as_of`."""
    if requests.empty:
        return pd.DataFrame(columns=["Request", "Scope", "Due"])
    late = requests[
        (requests["status"] == "scored")
        & (requests["level_now"] == "NONE")
        & (pd.to_datetime(requests["due_on"]) < pd.Timestamp(as_of))
    ]
    out = late[["request_id", "scope", "due_on"]].rename(
        columns={"request_id": "Request", "scope": "Scope", "due_on": "Due"}
    )
    out["Due"] = pd.to_datetime(out["Due"]).dt.strftime("%Y-%m-%d")
    return out.reset_index(drop=True)


def _period_end(value: object) -> str:
    """A contract's start or end: the date, or its year (presentation mode gives years)."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return str(value)
    return narrative.day(value)


def contracts_table(contracts: pd.DataFrame) -> pd.DataFrame:
    """A company's contracts as shown: affiliate, country (by name), kind, dates without times
    (years in presentation mode), 'open-ended' for no end date, spend in euros (a band in
    presentation mode) or 'not recorded', the product models. Of another affiliate's contract
    (no contract id: the viewer sees the buyer only) every hidden field says 'confidential'."""
    hidden = (
        contracts["contract_id"].isna()
        if "contract_id" in contracts
        else pd.Series(False, index=contracts.index)
    )

    def field(values: pd.Series, show) -> list[str]:
        return [_(labels.CONFIDENTIAL) if h else show(v) for v, h in zip(values, hidden, strict=True)]

    return pd.DataFrame(
        {
            "Affiliate": contracts["affiliate"],
            "Country": contracts["country"].map(
                lambda c: labels.NOT_RECORDED if narrative.is_na(c) else labels.country_name(c)
            ),
            "Kind": contracts["kind"].map(
                lambda k: (
                    labels.NOT_RECORDED
                    if narrative.is_na(k)
                    else _(labels.AFFILIATE_KIND_LABELS[k])
                    if k in labels.AFFILIATE_KIND_LABELS
                    else str(k).capitalize()
                )
            ),
            "Start": field(contracts["start_date"], _period_end),
            "End": field(
                contracts["end_date"],
                lambda d: _("open-ended") if narrative.is_na(d) or d is pd.NaT else _period_end(d),
            ),
            "Annual spend": field(
                contracts["annual_spend_eur"],
                lambda v: _("not recorded") if narrative.is_na(v) else labels.euros(v),
            ),
            "Product models": field(
                contracts["products"],
                lambda p: (
                    ", ".join(map(str, p))
                    if isinstance(p, list | tuple | np.ndarray) and len(p)
                    else (p if isinstance(p, str) and p else "—")
                ),
            ),
        },
        index=contracts.index,
    ).reset_index(drop=True)


ROLE_PLURALS = {"brand": N_("brands"), "contractor": N_("contractors"), "reseller": N_("resellers")}


def peer_context(scores: pd.DataFrame, company_id: str) -> dict[str, object]:
    """Where a company stands among all scored companies at one date.

    `scores`: one row per company with company_id, role and overall (NaN when n/a) at the
    date. Returns rank (1 = best overall; ties share a rank; None when the company has no
    overall score), scored (companies with an overall score), median (their median overall),
    role, role_scored and role_median (the same among companies of the company's role).
    """
    scored = scores[scores["overall"].notna()]
    ranks = facts.overall_rank(scores["overall"])
    own = scores[scores["company_id"] == company_id]
    role = str(own["role"].iloc[0]) if len(own) else None
    overall = float(own["overall"].iloc[0]) if len(own) and pd.notna(own["overall"].iloc[0]) else None
    same_role = scored[scored["role"] == role]
    return {
        "rank": None if overall is None else int(ranks[own.index[0]]),
        "scored": len(scored),
        "median": float(scored["overall"].median()) if len(scored) else None,
        "role": role,
        "role_scored": len(same_role),
        "role_median": float(same_role["overall"].median()) if len(same_role) else None,
    }


def peer_sentence(peer: dict[str, object], as_of: date) -> str:
    """The peer context in one sentence (no names of other companies)."""
    parts = []
    day = i18n.day(as_of)
    if peer["rank"] is not None:
        parts.append(
            _("Rank {rank} of {scored} scored companies by overall score on {date}.").format(
                rank=peer["rank"], scored=peer["scored"], date=day
            )
        )
    else:
        parts.append(
            _("Not ranked on {date}: no overall score yet ({scored} companies are scored).").format(
                date=day, scored=peer["scored"]
            )
        )
    if peer["median"] is not None:
        median = narrative.one_decimal(peer["median"])
        role = peer["role"]
        if role and peer["role_median"] is not None:
            plural = _(ROLE_PLURALS[role]) if role in ROLE_PLURALS else role + "s"
            text = _(
                "Median overall: {median} for all scored companies, {role_median} for the {role_scored} scored "
                "{roles}."
            ).format(
                median=median, role_median=narrative.one_decimal(peer["role_median"]),
                role_scored=peer["role_scored"], roles=plural,
            )  # fmt: skip
        else:
            text = _("Median overall: {median} for all scored companies.").format(median=median)
        parts.append(text)
    return " ".join(parts)
