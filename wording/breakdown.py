"""The per-component breakdown in words and tables (Compare page): each component's points
against its maximum, beside the median of all scored companies and of the company's role.

Pure pandas over `scoring.breakdown` frames; only medians of other companies are used
(never a list of them). No Streamlit.
"""

from __future__ import annotations

import pandas as pd

from scoring import breakdown, params
from wording import labels, narrative, summary
from wording.i18n import N_, _

SCORE_LABELS = {
    "sct": N_("Supply Chain Transparency"),
    "fi": N_("Factory Improvement"),
    "overall": N_("Overall"),
}
TOTAL = N_("Score (total)")
RETALIATION = N_("Taken off for confirmed retaliation")


def label(component: str) -> str:
    """A component in words ('Disclosure: final assembly', 'Acknowledging reports', ...)."""
    if component in summary.SCOPE_LABELS:
        return summary.SCOPE_LABELS[component]
    if component == "retaliation":
        return RETALIATION
    return labels.case_components()[f"{component}_points"][0]


ORDER = [("sct", c) for c in breakdown.SCOPES] + [("fi", p) for p in breakdown.CASE_PARTS]


def medians(every: pd.DataFrame, totals: pd.DataFrame, roles: pd.DataFrame) -> pd.DataFrame:
    """Medians per score and component (TOTAL for the score itself), over all companies where
    it applies and per role: columns score, component, role (None: all), median, companies.

    `every`: `scoring.breakdown.every_company`; `totals`: one row per company with sct, fi and
    overall at the date (the scored series); `roles`: company_id, role."""
    long = [every[["company_id", "score", "component", "points"]]]
    for score in ("sct", "fi", "overall"):
        long.append(
            totals[["company_id", score]]
            .rename(columns={score: "points"})
            .assign(score=score, component=TOTAL)
        )
    frame = pd.concat(long, ignore_index=True).dropna(subset=["points"])
    frame = frame.merge(roles[["company_id", "role"]], on="company_id", how="left")
    keys = ["score", "component"]
    overall = (
        frame.groupby(keys)["points"].agg(median="median", companies="size").reset_index().assign(role=None)
    )
    by_role = frame.groupby([*keys, "role"])["points"].agg(median="median", companies="size").reset_index()
    return pd.concat([overall, by_role], ignore_index=True)[
        ["score", "component", "role", "median", "companies"]
    ]


def _median(found: pd.DataFrame, score: str, component: str, role: str | None) -> tuple[float | None, int]:
    rows = found[(found["score"] == score) & (found["component"] == component)]
    rows = rows[rows["role"].isna()] if role is None else rows[rows["role"] == role]
    if not len(rows):
        return None, 0
    return float(rows["median"].iloc[0]), int(rows["companies"].iloc[0])


COLUMNS = ["company_id", "Company", "Score", "Component", "Points", "Maximum", "Median, all companies",
           "Median, same role", "Role"]  # fmt: skip
HEADERS = (N_("Company"), N_("Score"), N_("Component"), N_("Points"), N_("Maximum"), N_("Median, all companies"),
           N_("Median, same role"), N_("Role"))  # fmt: skip
"""The table's headers, said in the current language by `shown` (the table keeps English keys)."""


def table(own: dict[str, pd.DataFrame], why: dict[str, object], names: dict[str, str],
          roles: dict[str, str], found: pd.DataFrame) -> pd.DataFrame:  # fmt: skip
    """One row per company, score and component (the score's total first, then its
    components in the methodology's order); numbers as numbers (points of 100), None where
    a component does not apply. `own`: company -> `scoring.breakdown.of_explanation`;
    `why`: company -> its explanation (for the totals); `found`: `medians`."""
    rows = []
    for company_id, parts in own.items():
        role = roles.get(company_id)
        plural = summary.ROLE_PLURALS.get(role, f"{role}s") if role else narrative.NA
        for score in ("sct", "fi", "overall"):
            keyed = [(TOTAL, getattr(why[company_id], score), 100.0)]
            for s, component in ORDER:
                if s == score:
                    hit = parts[parts["component"] == component]
                    keyed.append(
                        (component, *(hit[["points", "maximum"]].iloc[0] if len(hit) else (None, None)))
                    )
            for component, points, maximum in keyed:
                if component != TOTAL and points is None:
                    continue  # a scope with no counted request, or no FI at all
                everyone, _count = _median(found, score, component, None)
                same, _count = _median(found, score, component, role)
                rows.append({
                    "company_id": company_id, "Company": names.get(company_id, company_id), "Score": SCORE_LABELS[score],
                    "Component": TOTAL if component == TOTAL else label(component),
                    "Points": None if pd.isna(points) else float(points), "Maximum": maximum,
                    "Median, all companies": everyone, "Median, same role": same, "Role": plural,
                })  # fmt: skip
    return pd.DataFrame(rows, columns=COLUMNS)


def shown(frame: pd.DataFrame) -> pd.DataFrame:
    """`table` as the page shows it: one decimal, 'n/a' for a score that does not apply; labels
    and headers in the current language."""
    out = frame.drop(columns=["company_id"])
    for column in ("Points", "Maximum", "Median, all companies", "Median, same role"):
        out[column] = out[column].map(
            lambda v: _(narrative.NA) if v is None or pd.isna(v) else narrative.one_decimal(float(v))
        )
    for column in ("Score", "Component", "Role"):
        out[column] = out[column].map(lambda v: _(v) if isinstance(v, str) else v)
    return out.rename(columns=lambda c: _(c) if c in HEADERS else c)


HELP = N_(
    "Points of 100. A score's components add up to it. Disclosure: a request scope's share of the "
    "weighted credit (its maximum is the share of the weight its counted requests carry under the "
    "methodology version). Factory improvement: each part's points averaged over the counted cases "
    "with the case weights (maximum: the version's points for that part); confirmed retaliation "
    "takes points off. Medians are over the companies where the component applies."
)
"""The breakdown's caption (translated where shown: `_(HELP)`)."""


def help_text() -> str:
    """HELP in the current language."""
    return _(HELP)


SCOPE_SHORT = {"final_assembly": N_("final assembly"), "components": N_("components"),
               "compliance_findings": N_("compliance findings")}  # fmt: skip


def metric_help(score: str, version: str) -> str:
    """How a score is made under a methodology version, in one paragraph (a metric's help)."""
    m = params.VERSIONS[version]
    g = narrative._factor  # a number as the methodology states it, in the locale ("0,5")
    if score == "sct":
        weights = ", ".join(f"{_(SCOPE_SHORT[s])} {g(m.scope_weight(s))}"
                            for s in breakdown.SCOPES if m.scope_weight(s))  # fmt: skip
        credits = ", ".join(
            f"{narrative._lower(_(narrative.LEVEL_LABELS[lvl]))} {g(m.credits[lvl])}" for lvl in params.LEVELS
        )
        return _(
            "Supply Chain Transparency, 0–100 ({version}): 100 × the sum of weight × credit of the disclosure "
            "requests counted, divided by the sum of their weights. Weights: {weights}. Credits: {credits}; "
            "what came after the deadline counts × {late_factor}. n/a: no request counts yet."
        ).format(version=m.version, weights=weights, credits=credits, late_factor=g(m.late_factor))
    if score == "fi":
        return _(
            "Factory Improvement, 0–100 ({version}): the monitoring cases' scores, averaged with the weight of "
            "each case's most severe finding. A case earns {ack} for acknowledging the report "
            "within {days} days ({ack_late} later), {access} for access, "
            "{plan} for a remediation plan, up to {evidence} for remediation evidence and "
            "up to {verified} for verified remediation; confirmed retaliation: "
            "{retaliation}. n/a: no monitoring report with findings yet."
        ).format(
            version=m.version, ack=g(m.ack_on_time_points), days=m.ack_window_days, ack_late=g(m.ack_late_points),
            access=g(m.access_points), plan=g(m.plan_points), evidence=g(m.evidence_points),
            verified=g(m.verified_points), retaliation=narrative.retaliation_rule(m),
        )  # fmt: skip
    bands = ", ".join(_("{band} from {lower}").format(band=_(b.name), lower=g(b.lower)) for b in params.BANDS)
    if score == "band":
        return _("The band of the overall score: {bands} (up to 100).").format(bands=bands)
    return _(
        "Overall, 0–100 ({version}): {sct_weight} × SCT + {fi_weight} × FI; the one "
        "score that applies when only one does. Bands: {bands}."
    ).format(
        version=m.version, sct_weight=g(m.overall_sct_weight), fi_weight=g(m.overall_fi_weight), bands=bands
    )
