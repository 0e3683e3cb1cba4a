"""CPT scoring engine: SCT, FI and overall scores as METHODOLOGY.md defines them.

Pure Python and DuckDB (never streamlit). Public API:

* `load_evidence(con, company_ids=None) -> Evidence`
* `score(evidence, dates, methodology="in-force", company_ids=None) -> DataFrame`
* `explain(evidence, company_id, as_of, methodology="in-force") -> Explanation`
* `actions(evidence, company_id, as_of, methodology="in-force") -> DataFrame` and
  `next_band(actions_df, current_overall, evidence) -> NextBand | None`: improvement
  actions (METHODOLOGY.md section 4)
* `quarter_ends(start, end)`, `series_dates(evidence, today=None)`, `last_quarter_end(today=None)`
* parameters: `scoring.params` (`VERSIONS`, `in_force`, `BANDS`, `band`, `parameter_table`)
"""

from scoring.actions import ACTION_COLUMNS, actions
from scoring.dates import last_quarter_end, quarter_ends, series_dates
from scoring.engine import SCORE_COLUMNS, score
from scoring.evidence import Evidence, load_evidence
from scoring.explain import Explanation, explain
from scoring.next_band import NextBand, next_band
from scoring.params import BANDS, VERSIONS, Methodology, band, in_force, parameter_table

__all__ = [
    "ACTION_COLUMNS",
    "BANDS",
    "SCORE_COLUMNS",
    "VERSIONS",
    "Evidence",
    "Explanation",
    "Methodology",
    "NextBand",
    "actions",
    "band",
    "explain",
    "in_force",
    "last_quarter_end",
    "load_evidence",
    "next_band",
    "parameter_table",
    "quarter_ends",
    "score",
    "series_dates",
]
