"""Pseudonyms for presentation mode (webinars on real data), from a keyed shuffle.

Each database file carries a presentation key (`meta.presentation_key`, 32 random bytes
in hex), written when the file is created and replaced by staff with
`writes.rotate_presentation_key` (one more published version). Within one kind of
entity, the pseudonym order is the order of HMAC-SHA256(key, "<kind>:<id>"): it does not
follow id order or name order, and nobody without the key can recompute it. The same key
gives the same pseudonyms on every page, rerun and download of one presentation.

| kind      | id column          | pseudonym     | URL handle    |
|-----------|--------------------|---------------|---------------|
| company   | company_id         | Company K     | Company-K     |
| factory   | factory_id         | Factory 12    | Factory-12    |
| affiliate | affiliate_id       | Affiliate 3   | Affiliate-3   |
| product   | product_model_id   | Product 7     | Product-7     |
| case, request, finding, contract, event | case_id, ... | Case 4, ... | Case-4, ... |

`Pseudonyms.frame` disguises a query result **by id, never by parsing display text**:

* id columns (`ID_COLUMNS`) get the entity's handle, so a page keeps working with the
  handle as if it were the id (`resolve` turns a handle back into the real id server-side);
  list-of-id columns (`LIST_ID_COLUMNS`) likewise, element by element;
* name columns (`NAME_COLUMNS`) get the pseudonym of the id in the paired id column of the
  same row (`name` pairs with the frame's only entity id column); list-of-name columns with
  the paired list-of-id column, element by element;
* country columns become a region ("Southeast Asia"), or "Other region" when fewer than
  `MIN_REGION` entities of that kind share the region;
* columns of vocabulary (`SAFE_COLUMNS`: role, scope, level, band, ...) are kept unless a
  value contains a real name, id, city or address;
* every other text column is hidden (`HIDDEN`): free text (titles, notes, descriptions,
  addresses, cities, component types) and any column this module does not know. Fail closed:
  a new query shows "(hidden in presentation mode)" until its columns are declared here.
* spend (`*spend_eur` columns) becomes a coarse band ("€1–2 m", `SPEND_BANDS`), a contract's
  period (`start_date`, `end_date`) its years, and the viewer's own-organisation marker (`you`)
  is False on every row.
Numbers, dates and booleans are otherwise kept (scores, counts and dates are what a webinar shows).

`Pseudonyms.order` then puts the rows in an order that follows no real name or id: a frame
sorted by figures (a score, a date, a count) keeps that order, and everything else (rows that
tie on those figures, or a frame sorted by name or id in SQL or in a dict) is ordered by
pseudonym. Lists of names in a cell are in pseudonym order too.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import duckdb
import numpy as np
import pandas as pd

from data.presentation.frames import (
    _holds_lists,
    _is_missing,
    _is_missing_list,
    _is_numeric_or_date,
    _monotonic_within,
    _sortable,
)

HIDDEN = "(hidden in presentation mode)"
KEY_NAME = "presentation_key"
MIN_REGION = 3  # a region shared by fewer entities of a kind is reported as "Other region"
OTHER_REGION = "Other region"
# Spend in presentation mode: a coarse band, never a figure that public award notices match.
SPEND_BANDS = (  # (lower bound in EUR, label); a value falls in the last band whose bound it reaches
    (0, "under €0.1 m"), (100_000, "€0.1–0.25 m"), (250_000, "€0.25–0.5 m"), (500_000, "€0.5–1 m"),
    (1_000_000, "€1–2 m"), (2_000_000, "€2–5 m"), (5_000_000, "€5–10 m"), (10_000_000, "€10–20 m"),
    (20_000_000, "€20–50 m"), (50_000_000, "€50 m or more"),
)  # fmt: skip
PERIOD_COLUMNS = frozenset({"start_date", "end_date"})  # a contract's period: years only
MARKER_COLUMNS = frozenset({"you"})  # the viewer's own organisation: never marked

# kind: (SQL with the columns id, name, country), pseudonym format
_SOURCES: dict[str, tuple[str, str]] = {
    "company": ("SELECT company_id, name, hq_country FROM companies", "Company {letters}"),
    "factory": ("SELECT factory_id, legal_name, country FROM factories", "Factory {n}"),
    "affiliate": ("SELECT affiliate_id, name, country FROM affiliates", "Affiliate {n}"),
    "product": ("SELECT product_model_id, name, NULL FROM product_models", "Product {n}"),
    "case": ("SELECT case_id, NULL, NULL FROM cases", "Case {n}"),
    "request": ("SELECT request_id, NULL, NULL FROM disclosure_requests", "Request {n}"),
    "finding": ("SELECT finding_id, NULL, NULL FROM findings", "Finding {n}"),
    "contract": ("SELECT contract_id, NULL, NULL FROM contracts", "Contract {n}"),
    "event": ("SELECT event_id, NULL, NULL FROM events", "Event {n}"),
}
KINDS = tuple(_SOURCES)

ID_COLUMNS = {
    "company_id": "company", "factory_id": "factory", "affiliate_id": "affiliate",
    "product_model_id": "product", "case_id": "case", "request_id": "request", "finding_id": "finding",
    "contract_id": "contract", "event_id": "event",
    # display names some queries give their id columns
    "Case": "case", "Finding": "finding", "Request": "request",
}  # fmt: skip
LIST_ID_COLUMNS = {
    "company_ids": "company", "factory_ids": "factory", "affiliate_ids": "affiliate",
    "product_model_ids": "product", "case_ids": "case",
}  # fmt: skip
# name column -> the id column (or list-of-id column) of the same row it belongs to
NAME_COLUMNS = {
    "company": "company_id", "company_name": "company_id", "factory": "factory_id",
    "factory_name": "factory_id", "legal_name": "factory_id", "affiliate": "affiliate_id",
    "affiliate_name": "affiliate_id", "product_model": "product_model_id", "product": "product_model_id",
    "companies": "company_ids", "factories": "factory_ids", "affiliates": "affiliate_ids",
    "products": "product_model_ids",
}  # fmt: skip
COUNTRY_COLUMNS = {"hq_country": "company", "country": None}  # None: from the frame's other columns
# Vocabulary columns: enumerations and scoring text without names (checked value by value).
SAFE_COLUMNS = frozenset({
    "role", "kind", "category", "categories", "scope", "level", "level_by_deadline", "level_now", "tier",
    "status", "severity", "most_severe", "code_area", "Code area", "Severity", "methodology", "band", "Band",
    "event_type", "reason", "retaliation_rule", "trend", "region", "Region", "Methodology", "as_of_label",
    # contracts, expectations, what changed (issue 14): states and sentences built from vocabulary
    "state", "deadline", "what", "target", "value", "change",
})  # fmt: skip

# ISO 3166 alpha-2 -> region (broad, so that a region holds several entities)
_REGIONS = {
    "East Asia": "CN HK MO TW JP KR KP MN",
    "Southeast Asia": "VN TH MY ID PH SG KH MM LA BN TL",
    "South Asia": "IN BD PK LK NP BT MV AF",
    "Europe": "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE GB NO CH IS "
    "LI MC SM AD AL BA ME MK RS XK MD UA BY RU TR GE AM AZ",
    "North America": "US CA",
    "Latin America": "MX GT BZ HN SV NI CR PA CU DO HT JM PR TT BS BB CO VE EC PE BO CL AR UY PY BR GY SR",
    "Middle East and North Africa": "MA DZ TN LY EG SD IL PS JO LB SY IQ IR SA YE OM AE QA BH KW",
    "Sub-Saharan Africa": "NG GH CI SN ML BF NE TD CM CF GA CG CD AO ZM ZW MW MZ TZ KE UG RW BI ET SO DJ ER "
    "SS ZA NA BW LS SZ MG MU",
    "Central Asia": "KZ UZ TM KG TJ",
    "Oceania": "AU NZ PG FJ",
}
REGION_OF = {code: region for region, codes in _REGIONS.items() for code in codes.split()}


def letters(n: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA (spreadsheet-style column letters)."""
    out = ""
    n += 1
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(ord("A") + rem) + out
    return out


def region(country: object) -> str | None:
    """The broad region of an ISO alpha-2 country code (None for no country)."""
    if not isinstance(country, str) or not country:
        return None
    return REGION_OF.get(country.upper(), OTHER_REGION)


def spend_band(value: object) -> object:
    """An amount in euros as presentation mode shows it: a coarse band ("€1–2 m"); None stays None."""
    if _is_missing(value) or isinstance(value, str):
        return None if _is_missing(value) else value
    label = SPEND_BANDS[0][1]
    for bound, text in SPEND_BANDS:
        if float(value) >= bound:
            label = text
    return label


def year(value: object) -> object:
    """A date as its year (presentation mode: a contract's period); None stays None."""
    if _is_missing(value) or value is pd.NaT:
        return None
    return int(pd.Timestamp(value).year)


def position(label: object) -> tuple[int, int]:
    """A pseudonym's place in its kind's keyed order ("Company C" -> 2, "Factory-12" -> 11);
    anything else sorts last."""
    if not isinstance(label, str) or " " not in label.replace("-", " "):
        return (1, 0)
    tail = label.replace("-", " ").rsplit(" ", 1)[1]
    if tail.isdigit():
        return (0, int(tail) - 1)
    if tail.isalpha() and tail.isupper():
        n = 0
        for ch in tail:
            n = n * 26 + (ord(ch) - ord("A") + 1)
        return (0, n - 1)
    return (1, 0)


def shuffle_order(key: str, kind: str, ids: list[str]) -> list[str]:
    """The ids in keyed-shuffle order: sorted by HMAC-SHA256(key, "<kind>:<id>")."""
    k = key.encode("utf-8")
    return sorted(ids, key=lambda i: hmac.new(k, f"{kind}:{i}".encode(), hashlib.sha256).digest())


# ---------------------------------------------------------------- the key


def new_key() -> str:
    return secrets.token_hex(32)


def read_key(cur: duckdb.DuckDBPyConnection) -> str | None:
    row = cur.execute("SELECT value FROM meta WHERE key = ?", [KEY_NAME]).fetchone()
    return row[0] if row and row[0] else None


def write_key(con: duckdb.DuckDBPyConnection, key: str | None = None) -> str:
    """Store a (new) presentation key in the file `con` writes; returns it."""
    key = key or new_key()
    con.execute("DELETE FROM meta WHERE key = ?", [KEY_NAME])
    con.execute("INSERT INTO meta VALUES (?, ?)", [KEY_NAME, key])
    return key


def new_key_change(who: str) -> Callable[[duckdb.DuckDBPyConnection], None]:
    """The change that gives a file a new presentation key (every pseudonym changes), recorded
    in the audit log: published by `data.store.writes.rotate_presentation_key`."""

    def change(con: duckdb.DuckDBPyConnection) -> None:
        write_key(con)
        con.execute(
            "INSERT INTO audit_log (who, action, detail) VALUES (?, 'presentation key', ?)",
            [who, "new presentation key: every pseudonym changes"],
        )

    return change


# ---------------------------------------------------------------- the mapping


@dataclass(frozen=True)
class Pseudonyms:
    """Pseudonyms of one database file under one presentation key."""

    label: dict[tuple[str, str], str]  # (kind, id) -> "Company K"
    real: dict[str, tuple[str, str]]  # handle "Company-K" -> (kind, id)
    regions: dict[tuple[str, str], str]  # (kind, country) -> region or OTHER_REGION
    secrets_: frozenset[str] = field(repr=False, default=frozenset())  # names, ids, cities, addresses
    temporary_key: bool = False  # the file has no key: one was made up for this process
    _leaks: dict[str, bool] = field(default_factory=dict, repr=False, compare=False)

    # -- single values

    def name(self, kind: str, entity_id: object) -> object:
        """The pseudonym of an entity ("Company K"); None stays None; unknown ids are hidden."""
        if entity_id is None or (not isinstance(entity_id, str) and pd.isna(entity_id)):
            return None
        return self.label.get((kind, str(entity_id)), HIDDEN)

    def handle(self, kind: str, entity_id: object) -> object:
        """The id as presentation mode shows it ("Company-K"): usable in URLs and as a key."""
        label = self.name(kind, entity_id)
        return label.replace(" ", "-") if isinstance(label, str) and label != HIDDEN else label

    def resolve(self, value: object) -> object:
        """A handle back to the real id (server-side); anything else unchanged."""
        if isinstance(value, str) and value in self.real:
            return self.real[value][1]
        return value

    def to_handle(self, kind: str, value: str) -> str:
        """A real id as its handle (a handle or unknown text unchanged)."""
        if (kind, value) in self.label:
            return str(self.handle(kind, value))
        return value

    def region(self, kind: str, country: object) -> object:
        if country is None or (not isinstance(country, str) and pd.isna(country)):
            return None
        return self.regions.get((kind, str(country)), region(country))

    def leaks(self, text: str) -> bool:
        """Whether `text` contains a real name, id, city or address (remembered per text)."""
        known = self._leaks.get(text)
        if known is None:
            known = self._leaks[text] = any(s in text for s in self.secrets_)
        return known

    # -- frames

    def frame(self, frame: pd.DataFrame) -> pd.DataFrame:
        """A copy as presentation mode shows it (see the module docstring)."""
        out = frame.copy()
        entity_ids = [c for c in out.columns if c in ID_COLUMNS and ID_COLUMNS[c] in ("company", "factory", "affiliate", "product")]  # fmt: skip
        country_kind = (
            "factory" if "factory_id" in out.columns or "tier" in out.columns
            else "affiliate" if "affiliate_id" in out.columns or "affiliate" in out.columns
            else "company" if "company_id" in out.columns and "name" in out.columns
            else "factory"
        )  # fmt: skip
        for column in out.columns:
            series = out[column]
            if str(column).endswith("spend_eur"):
                out[column] = pd.Series([spend_band(v) for v in series], index=out.index, dtype=object)
                continue
            if column in PERIOD_COLUMNS:
                out[column] = pd.Series([year(v) for v in series], index=out.index, dtype="Int64")
                continue
            if column in MARKER_COLUMNS:
                out[column] = False
                continue
            if _is_numeric_or_date(series) and not (column in ID_COLUMNS or column in LIST_ID_COLUMNS):
                continue  # counts named like entities ("factories": 12) are numbers, not names
            if column in NAME_COLUMNS or column == "name":
                id_column = NAME_COLUMNS.get(column) or (entity_ids[0] if len(entity_ids) == 1 else None)
                if id_column in ID_COLUMNS and id_column in frame.columns:
                    kind = ID_COLUMNS[id_column]
                    out[column] = [self.name(kind, i) for i in frame[id_column]]
                elif id_column in LIST_ID_COLUMNS and id_column in frame.columns:
                    kind = LIST_ID_COLUMNS[id_column]
                    out[column] = [self._names(kind, ids) for ids in frame[id_column]]
                else:
                    out[column] = self._hide(series)
            elif column in ID_COLUMNS:
                kind = ID_COLUMNS[column]
                out[column] = [self.handle(kind, i) for i in series]
            elif column in LIST_ID_COLUMNS:
                kind = LIST_ID_COLUMNS[column]
                out[column] = [self._handles(kind, ids) for ids in series]
            elif column in COUNTRY_COLUMNS:
                kind = COUNTRY_COLUMNS[column] or country_kind
                out[column] = [self.region(kind, c) for c in series]
            elif column in SAFE_COLUMNS:
                out[column] = self._vocabulary(series)
            else:
                out[column] = self._hide(series)
        return out

    def _names(self, kind: str, ids: object) -> object:
        if _is_missing_list(ids):
            return ids
        return sorted((self.name(kind, i) for i in ids), key=position)  # not the SQL's name order

    def _handles(self, kind: str, ids: object) -> object:
        if _is_missing_list(ids):
            return ids
        return sorted((self.handle(kind, i) for i in ids), key=position)

    def order(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The rows of a disguised frame in an order that follows no real name or id: the
        figures it is sorted by (at most three: a score, a date, a count, a flag), then the
        pseudonyms (see the module docstring). Frames with an index of their own stay as they are."""
        if len(frame) < 2 or not isinstance(frame.index, pd.RangeIndex):
            return frame
        labels = [c for c in frame.columns if (c in NAME_COLUMNS or c == "name") and c not in LIST_ID_COLUMNS]
        labels = [c for c in labels if c in frame.columns and not _holds_lists(frame[c])]
        handles = [c for c in frame.columns if c in ID_COLUMNS and not _holds_lists(frame[c])]
        pseudonymous = labels or handles
        if not pseudonymous:
            return frame
        keys: dict[str, object] = {}
        ascending: list[bool] = []
        for column, rising in _sorted_by(frame):
            keys[f"_k{len(keys)}"] = _sortable(frame[column])
            ascending.append(rising)
        for column in pseudonymous:
            keys[f"_k{len(keys)}"] = [rank * 10**9 + n for rank, n in map(position, frame[column])]
            ascending.append(True)
        sort = pd.DataFrame(keys, index=frame.index)
        order = sort.sort_values(list(keys), ascending=ascending, na_position="last", kind="stable").index
        return frame.loc[order].reset_index(drop=True)

    def _vocabulary(self, series: pd.Series) -> list:
        cache: dict[str, object] = {}

        def keep(value: object) -> object:
            if isinstance(value, (list, tuple, np.ndarray)):
                return [keep(v) for v in value]
            if not isinstance(value, str):
                return value
            if value not in cache:
                cache[value] = HIDDEN if self.leaks(value) else value
            return cache[value]

        return [keep(v) for v in series]

    @staticmethod
    def _hide(series: pd.Series) -> list:
        return [v if _is_missing(v) else HIDDEN for v in series]

    def explanation(self, why):
        """A `scoring.Explanation` with its frames disguised and the company as its handle."""
        return replace(
            why,
            company_id=self.handle("company", why.company_id),
            requests=self.frame(why.requests),
            cases=self.frame(why.cases),
        )


def _is_figure(column: object, series: pd.Series) -> bool:
    if column in ID_COLUMNS or column in LIST_ID_COLUMNS or _holds_lists(series):
        return False
    if series.dtype == object and series.map(lambda v: isinstance(v, (bool, np.bool_))).all():
        return True
    return _is_numeric_or_date(series) and not (series.dtype == object and series.isna().all())


def _sorted_by(frame: pd.DataFrame, most: int = 3) -> list[tuple[str, bool]]:
    """The figure columns the frame's rows are already sorted by (lexicographically, missing
    values last), with their direction (True: ascending): the order worth keeping."""
    found: list[tuple[str, bool]] = []
    group = np.zeros(len(frame), dtype=np.int64)  # runs of rows equal on the columns found so far
    candidates = [c for c in frame.columns if _is_figure(c, frame[c])]
    while len(found) < most and candidates:
        for column in candidates:
            values = _sortable(frame[column]).to_numpy()
            rising = _monotonic_within(values, group)
            if rising is not None:
                found.append((column, rising))
                changed = np.ones(len(values), dtype=bool)
                changed[1:] = (group[1:] != group[:-1]) | ~(
                    (values[1:] == values[:-1]) | (np.isnan(values[1:]) & np.isnan(values[:-1]))
                )
                group = np.cumsum(changed)
                candidates = [c for c in candidates if c != column]
                break
        else:
            break
        if len(np.unique(group)) == len(group):
            break
    return found


_PROCESS_KEY = new_key()  # for a file that has no key yet (created before keys existed)


def build(cur: duckdb.DuckDBPyConnection, key: str | None = None) -> Pseudonyms:
    """Pseudonyms for every entity in the database under its presentation key."""
    stored = read_key(cur)
    temporary = key is None and stored is None
    key = key or stored or _PROCESS_KEY
    label: dict[tuple[str, str], str] = {}
    regions: dict[tuple[str, str], str] = {}
    hidden: set[str] = set()
    for kind, (sql, template) in _SOURCES.items():
        rows = cur.execute(sql).fetchall()
        order = shuffle_order(key, kind, [str(r[0]) for r in rows])
        for i, entity_id in enumerate(order):
            label[(kind, entity_id)] = template.format(letters=letters(i), n=i + 1)
        counts: dict[str, int] = {}
        for entity_id, name, country in rows:
            hidden.add(str(entity_id))
            if isinstance(name, str) and name.strip():
                hidden.add(name.strip())
            if country:
                counts[region(country)] = counts.get(region(country), 0) + 1
        for _, _, country in rows:
            if country:
                r = region(country)
                regions[(kind, country)] = r if counts[r] >= MIN_REGION else OTHER_REGION
    cities = cur.execute("SELECT DISTINCT city FROM factories WHERE city IS NOT NULL").fetchall()
    addresses = cur.execute("SELECT DISTINCT address FROM factories WHERE address IS NOT NULL").fetchall()
    hidden.update(v.strip() for (v,) in cities + addresses if v and v.strip())
    real = {lab.replace(" ", "-"): k for k, lab in label.items()}
    # Short strings ("A", "1") would hide ordinary words; ids and names that short are rare.
    secrets_set = frozenset(s for s in hidden if len(s) >= 3)
    return Pseudonyms(label, real, regions, secrets_set, temporary)
