"""The combined annual spend of several affiliates as a viewer may see it (package docstring:
at least three other affiliates, in bands), in SQL and as text."""

from __future__ import annotations

import pandas as pd

MIN_AFFILIATES_FOR_TOTAL = 3  # other affiliates (never the viewer) behind a combined spend
SPEND_STEP_EUR = 100_000  # an affiliate sees other affiliates' combined spend in bands this wide

# Combined annual spend of the `b` rows (one per contract) as the viewer may see it: staff the
# exact total, a company its own contracts' total (the rows are its own), an affiliate the total
# of *other* affiliates' contracts, only over at least MIN_AFFILIATES_FOR_TOTAL others and rounded
# down to SPEND_STEP_EUR (with `spend_band_width` saying how wide the band is). Whether a figure
# shows does not depend on whether the viewer buys there (more than MIN_AFFILIATES_FOR_TOTAL buyers
# in all, whoever looks), so in a webinar an empty cell does not say "the presenter buys here".
_COMBINED_SPEND = f"""
    CASE WHEN $role IN ('admin', 'company') THEN sum(b.annual_spend_eur)
         WHEN $role = 'affiliate'
              AND count(DISTINCT b.affiliate_id) FILTER (WHERE b.affiliate_id <> $aff) >= {MIN_AFFILIATES_FOR_TOTAL}
              AND count(DISTINCT b.affiliate_id) > {MIN_AFFILIATES_FOR_TOTAL}
         THEN floor(sum(b.annual_spend_eur) FILTER (WHERE b.affiliate_id <> $aff) / {SPEND_STEP_EUR}) * {SPEND_STEP_EUR}
    END AS combined_spend_eur,
    CASE WHEN $role = 'affiliate' THEN {SPEND_STEP_EUR} ELSE 0 END AS spend_band_width"""


def spend_range(value: object, step: object = 0) -> str | None:
    """A combined spend as text: exact ("€ 1,234,567") when `step` is 0, else the band from
    `value` ("€1.2–1.3 m"); a text (presentation mode's coarse band) unchanged; None for none."""
    if isinstance(value, str):
        return value
    if value is None or value != value:
        return None
    step = 0 if step is None or step != step else float(step)
    if not step:
        return f"€ {float(value):,.0f}"
    low = float(value)
    if low < step:
        return f"under €{step / 1e6:.1f} m"
    return f"€{low / 1e6:.1f}–{(low + step) / 1e6:.1f} m"


def with_spend_text(frame: pd.DataFrame) -> pd.DataFrame:
    """`combined_spend`: the combined spend as text (`spend_range`), for pages and downloads."""
    if "combined_spend_eur" not in frame.columns:
        return frame
    steps = frame["spend_band_width"] if "spend_band_width" in frame.columns else [0] * len(frame)
    return frame.assign(
        combined_spend=[spend_range(v, s) for v, s in zip(frame["combined_spend_eur"], steps, strict=True)]
    )
