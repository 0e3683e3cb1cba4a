"""The demo world's builder: affiliates, factories, companies with their product models and
contracts (the evidence of each from data/demo/evidence.py, the pooled buying from
data/demo/buying.py), and factory coordinates, as one DataFrame per evidence table."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pandas as pd

from data.demo.buying import PooledBuying
from data.demo.characters import SEED, START, Character
from data.demo.evidence import Evidence
from data.demo.names import (
    AFFILIATE_COUNTRIES,
    AFFILIATE_KINDS,
    CATEGORY_SUFFIX,
    CITY_COORDINATES,
    COMPANIES,
    COMPONENT_TYPES,
    COMPONENT_WORDS,
    FACTORY_COUNTRIES,
    FACTORY_STEMS,
    LEGAL_FORMS,
    ROLE_CATEGORIES,
    SERIES,
    STREETS,
)
from data.store.tables import TABLE_NAMES


def last_quarter_end(today: date) -> date:
    """The last quarter end strictly before `today`'s quarter (the newest complete quarter)."""
    q_start_month = 3 * ((today.month - 1) // 3) + 1
    return date(today.year, q_start_month, 1) - timedelta(days=1)


class _Columns:
    """One table's rows, appended as dicts and kept column by column: a dict per row would
    cost several times the memory at `--scale 1000` (2 million disclosure rows)."""

    def __init__(self) -> None:
        self.columns: dict[str, list] = {}
        self._n = 0

    def append(self, row: dict) -> None:
        for key in row.keys() - self.columns.keys():  # a new column: n/a in the rows before
            self.columns[key] = [None] * self._n
        for key, column in self.columns.items():
            column.append(row.get(key))
        self._n += 1

    def extend(self, rows) -> None:
        for row in rows:
            self.append(row)

    def __len__(self) -> int:
        return self._n

    def __getitem__(self, i: int) -> dict:
        return {key: column[i] for key, column in self.columns.items()}

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.columns)


class _World(Evidence, PooledBuying):
    def __init__(self, scale: int, end: date) -> None:
        self.rng = random.Random(SEED)
        self.scale = scale
        self.end = end
        self.rows: dict[str, _Columns] = {t: _Columns() for t in TABLE_NAMES}
        self.used_names: set[str] = set()
        self.n = {"request": 0, "case": 0, "finding": 0, "event": 0, "contract": 0}

    # -- helpers
    def _date_between(self, a: date, b: date) -> date:
        return a + timedelta(days=self.rng.randint(0, max(0, (b - a).days)))

    def _years(self, d: date) -> float:
        return (d - START).days / 365.25

    def _next(self, kind: str) -> int:
        self.n[kind] += 1
        return self.n[kind]

    # -- entities
    def affiliates(self) -> None:
        i = 0
        for country, towns in AFFILIATE_COUNTRIES.items():
            for j, town in enumerate(towns):
                i += 1
                kind = AFFILIATE_KINDS[j % len(AFFILIATE_KINDS)]
                name = {
                    "university": f"University of {town}",
                    "municipality": f"City of {town}",
                    "region": f"{town} Regional Council",
                    "hospital": f"{town} University Hospital",
                    "consortium": f"{town} Public ICT Purchasing Consortium",
                }[kind]
                self.rows["affiliates"].append(
                    {"affiliate_id": f"AF{i:03d}", "name": name, "country": country, "kind": kind}
                )

    def factories(self, copy: int) -> list[dict]:
        made = []
        countries = [c for c, _, _ in FACTORY_COUNTRIES]
        weights = [w for _, w, _ in FACTORY_COUNTRIES]
        cities = {c: cs for c, _, cs in FACTORY_COUNTRIES}
        for i in range(400):
            fid = f"FA{copy * 400 + i + 1:05d}"
            country = self.rng.choices(countries, weights)[0]
            city = self.rng.choice(cities[country])
            tier = "final_assembly" if i % 4 == 0 else "components"
            ctype = None if tier == "final_assembly" else self.rng.choice(COMPONENT_TYPES)
            stem = FACTORY_STEMS[(i * 7 + copy) % len(FACTORY_STEMS)]
            what = "Electronics Assembly" if ctype is None else COMPONENT_WORDS[ctype]
            form = LEGAL_FORMS[country]
            legal = f"{form} {stem} {what} {city}" if form == "PT" else f"{stem} {what} ({city}) {form}"
            if copy:
                legal = f"{legal} No. {copy + 1}"
            plant = 1
            while legal + ("" if plant == 1 else f" Plant {plant}") in self.used_names:
                plant += 1
            legal += "" if plant == 1 else f" Plant {plant}"
            self.used_names.add(legal)
            # One factory in ten has only a partial address on file.
            address = (
                None
                if self.rng.random() < 0.1
                else (f"No. {self.rng.randint(1, 480)} {self.rng.choice(STREETS)}, {city}")
            )
            row = {
                "factory_id": fid,
                "legal_name": legal,
                "address": address,
                "city": city,
                "country": country,
                "tier": tier,
                "component_type": ctype,
            }
            made.append(row)
        self.rows["factories"].extend(made)
        return made

    def company(self, copy: int, index: int, spec: tuple[str, str, str, str], factories: list[dict]) -> None:
        name, role, hq, character_name = spec
        rng = self.rng
        number = copy * len(COMPANIES) + index + 1
        cid = f"CO{number:04d}"
        if copy:
            name = f"{name} {copy + 1}"
        self.rows["companies"].append({"company_id": cid, "name": name, "role": role, "hq_country": hq})
        character = Character(character_name)
        base = rng.uniform(0.35, 0.75)

        # Product models: six per company.
        models = []
        for m in range(6):
            category = ROLE_CATEGORIES[role][m]
            series = SERIES[(index * 3 + m) % len(SERIES)]
            pid = f"PM{number:04d}-{m + 1}"
            models.append(pid)
            self.rows["product_models"].append(
                {
                    "product_model_id": pid,
                    "company_id": cid,
                    "category": category,
                    "name": f"{series} {CATEGORY_SUFFIX[category]} {rng.randint(2, 9)}{rng.choice('05')}",
                }
            )

        # Contracts with affiliates (the affiliate list is shared by every copy).
        for _ in range(rng.randint(2, 5)):
            aff = rng.choice(self.rows["affiliates"])["affiliate_id"]
            start = self._date_between(date(2018, 1, 1), date(2024, 6, 30))
            kid = f"CT{self._next('contract'):05d}"
            self.rows["contracts"].append(
                {
                    "contract_id": kid,
                    "affiliate_id": aff,
                    "company_id": cid,
                    "start_date": start,
                    "end_date": start + timedelta(days=365 * rng.choice([2, 3, 4])),
                    "annual_spend_eur": float(rng.randrange(20_000, 4_000_000, 500)),
                }
            )
            for pid in rng.sample(models, rng.randint(1, 3)):
                self.rows["contract_products"].append({"contract_id": kid, "product_model_id": pid})

        if character_name == "no_evidence":
            return

        assembly = rng.sample([f for f in factories if f["tier"] == "final_assembly"], 3)
        components = rng.sample([f for f in factories if f["tier"] == "components"], 10)
        self._requests(cid, models, character, base, assembly, components)
        self._cases(cid, character, base, assembly + components)

    def coordinates(self) -> None:
        """Optional coordinates: about two factories in three have them, a few kilometres around
        their city's centre (own random stream, so the rest of the world is unchanged)."""
        rng = random.Random(SEED + 5)
        factories = self.rows["factories"]
        latitudes: list[float | None] = []
        longitudes: list[float | None] = []
        for city in factories.columns["city"]:  # rows are kept as columns: set whole columns
            lat, lon = CITY_COORDINATES[city]
            if rng.random() < 0.67:
                latitudes.append(round(lat + rng.uniform(-0.08, 0.08), 4))
                longitudes.append(round(lon + rng.uniform(-0.08, 0.08), 4))
            else:
                latitudes.append(None)
                longitudes.append(None)
        factories.columns["latitude"] = latitudes
        factories.columns["longitude"] = longitudes

    def build(self) -> None:
        self.affiliates()
        for copy in range(self.scale):
            factories = self.factories(copy)
            for index, spec in enumerate(COMPANIES):
                self.company(copy, index, spec, factories)
        self.coordinates()
        self.pooled_buying()


def build_world(scale: int = 1, today: date | None = None) -> dict[str, pd.DataFrame]:
    """The demo world as one DataFrame per evidence table."""
    end = last_quarter_end(today or date.today())
    world = _World(scale, end)
    world.build()
    # One table at a time, letting go of its columns as its frame is made (peak memory).
    return {name: world.rows.pop(name).frame() for name in list(world.rows)}
