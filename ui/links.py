"""Links to the Factory page (`/factory?factory=ID`) from tables and pages.

In presentation mode a link carries no id: the factory is named by its pseudonym
("Factory-12"), which the Factory page resolves back through the same pseudonym map,
and `present=1` stays in the link.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pandas as pd

from ui import cache, present

PARAM = "factory"


def _token(pseudonym: str) -> str:
    return pseudonym.replace(" ", "-")


def factory_param(version: object, factory_id: str) -> str:
    """The value of `factory=` for a factory: its id, or in presentation mode its pseudonym."""
    if present.is_on():
        return _token(str(cache.pseudonym_map(version).by_id.get(factory_id, "")))
    return factory_id


def resolve(version: object, value: str | None) -> str | None:
    """The factory id a `factory=` value stands for (an id, or a pseudonym in presentation mode)."""
    if not value:
        return None
    if present.is_on():
        for entity_id, name in cache.pseudonym_map(version).by_id.items():
            if _token(str(name)) == value and name.startswith("Factory"):
                return entity_id
        return None
    return value


def factory_url(version: object, factory_id: str) -> str:
    """A relative link to the Factory page (keeps presentation mode and the page's as_of)."""
    params = {**present.link_params(), PARAM: factory_param(version, factory_id)}
    return "factory?" + urlencode(params)


def with_factory_links(version: object, frame: pd.DataFrame, column: str = "factory_id") -> pd.DataFrame:
    """A copy of `frame` with a `factory_page` column of links (for st.column_config.LinkColumn)."""
    out = frame.copy()
    out["factory_page"] = [factory_url(version, f) for f in out[column]] if len(out) else []
    return out
