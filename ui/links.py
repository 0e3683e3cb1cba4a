"""Links to the Factory page (`/factory?factory=ID`) from tables and pages.

The id comes from a query result: in presentation mode it is already the factory's handle
("Factory-12"), which the Factory page's scoped queries turn back into the id server-side,
so a link never carries a real id; `present=1` (and the page's as_of) stay in the link.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pandas as pd

from ui import present

PARAM = "factory"


def factory_url(factory_id: str) -> str:
    """A relative link to the Factory page (keeps presentation mode and the page's as_of)."""
    return "factory?" + urlencode({**present.link_params(), PARAM: factory_id})


def with_factory_links(frame: pd.DataFrame, column: str = "factory_id") -> pd.DataFrame:
    """A copy of `frame` with a `factory_page` column of links (for st.column_config.LinkColumn)."""
    out = frame.copy()
    out["factory_page"] = [factory_url(f) for f in out[column]] if len(out) else []
    return out


COMPANY_PARAM = "company"


def company_url(company_id: str) -> str:
    """A relative link to the Company page (keeps presentation mode, as_of and methodology).
    In presentation mode the id is already the company's handle (ui/cache.py's scoped
    queries disguise it), so the link names no company."""
    return "company?" + urlencode({**present.link_params(), COMPANY_PARAM: company_id})
