"""Named read queries for the evidence pages (Supplier transparency, Factory improvement).

Each function takes a DuckDB cursor and an optional scope `company_ids` (None = every
company; a list restricts every row to those companies, so a company-role session
never sees another company's evidence). Values are bound parameters.

Quarter series run from the first quarter with evidence in scope to `until`, a quarter
end (default: the last quarter end on or before today, as `scoring.last_quarter_end`).
Levels follow METHODOLOGY.md section 1: the level of a request at a date `t` uses only
rows dated on or before `t`:

* FULL: at least one factory disclosed, and every factory's state complete (a factory's
  state is its latest disclosure row for the request, so a partial can be completed later);
* PARTIAL: at least one factory disclosed, and some factory's state incomplete;
* DUE_DILIGENCE: no disclosure row but a due-diligence record;
* NONE: neither.

Where: the shared SQL pieces in sql.py; the queries by page in transparency.py (Supplier
transparency) and improvement.py (Factory improvement). They are all named here:
`from data.queries import evidence as q; q.case_page(...)`.
"""

from data.queries.evidence.improvement import (
    case_page,
    case_progress,
    findings_by_area,
    findings_status_by_quarter,
    improvement_summary,
    label_cases,
    retaliation_cases,
)
from data.queries.evidence.transparency import (
    LEVELS,
    TIERS,
    factories_by_country,
    factories_disclosed_by_quarter,
    factories_missing_address,
    on_time_by_quarter,
    product_factory_link_count,
    product_factory_links,
    request_levels_by_quarter,
    transparency_summary,
)

__all__ = [
    "LEVELS",
    "TIERS",
    "case_page",
    "case_progress",
    "factories_by_country",
    "factories_disclosed_by_quarter",
    "factories_missing_address",
    "findings_by_area",
    "findings_status_by_quarter",
    "improvement_summary",
    "label_cases",
    "on_time_by_quarter",
    "product_factory_link_count",
    "product_factory_links",
    "request_levels_by_quarter",
    "retaliation_cases",
    "transparency_summary",
]
