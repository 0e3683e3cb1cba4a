"""The fictional demo world (DESIGN.md, "Demo data").

Everything here is invented: company, factory, affiliate, product and town
names are made up from word lists that avoid real brands and manufacturers.
The world is deterministic (a fixed seed; the only input besides `scale` is the
last quarter end before the day it is built), so two builds on the same day
export byte-identical files.

Companies have characters so the trajectories tell stories: leaders, steady
improvers, a decliner, a company that only ever shows due diligence, a late
responder, one that drops at the v1 -> v2 methodology change (2022-07), one
with a confirmed retaliation case, and one with no evidence yet (n/a).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

import duckdb
import pandas as pd

from data.store.tables import TABLE_NAMES, TABLES

SEED = 20190101
START = date(2019, 1, 1)

# ---------------------------------------------------------------- word lists

COMPANIES: list[tuple[str, str, str, str]] = [
    # name, role, hq_country, character
    ("Auroline Systems", "brand", "NL", "leader"),
    ("Brevant Computing", "brand", "SE", "leader"),
    ("Corvella Technologies", "contractor", "DE", "leader"),
    ("Delmora Devices", "brand", "TW", "improver"),
    ("Elstrand Digital", "contractor", "IE", "improver"),
    ("Fennick Workplace IT", "reseller", "GB", "improver"),
    ("Galvotek Solutions", "brand", "KR", "decliner"),
    ("Harrowind Office Supply", "reseller", "DK", "due_diligence_only"),
    ("Istrela Electronics", "brand", "TW", "late"),
    ("Jovance Micro", "brand", "US", "v2_drop"),
    ("Kelvaro Networks", "contractor", "FI", "retaliation"),
    ("Lumetrix Public IT", "reseller", "BE", "no_evidence"),
    ("Marvenne Systems", "brand", "JP", "mixed"),
    ("Nordquill Computing", "contractor", "NO", "mixed"),
    ("Ostravel Technology", "brand", "CZ", "mixed"),
    ("Prandell Devices", "brand", "US", "mixed"),
    ("Quorvane Data", "contractor", "FR", "mixed"),
    ("Rivamont IT Services", "reseller", "ES", "mixed"),
    ("Solvique Technologies", "brand", "FR", "improver"),
    ("Tarnwell Electronics", "brand", "KR", "mixed"),
    ("Ulvora Systems", "contractor", "NL", "mixed"),
    ("Vestrin Computing", "brand", "DE", "mixed"),
    ("Wyndale Digital", "reseller", "IT", "mixed"),
    ("Xantero Devices", "brand", "TW", "leader"),
    ("Zephrane Hardware", "contractor", "PL", "decliner"),
]

SERIES = [
    "Nimbra",
    "Tavro",
    "Lunex",
    "Quill",
    "Orbis",
    "Kestan",
    "Veloq",
    "Arcto",
    "Sendra",
    "Mirel",
    "Fjord",
    "Pallas",
    "Corin",
    "Thessa",
    "Ulmo",
    "Brisa",
    "Dalto",
    "Evra",
    "Galen",
    "Hollin",
]
CATEGORY_SUFFIX = {
    "laptop": "Book",
    "desktop": "Tower",
    "monitor": "View",
    "server": "Rack",
    "phone": "Mobile",
    "tablet": "Pad",
    "printer": "Print",
    "network": "Link",
    "other": "Dock",
}
ROLE_CATEGORIES = {
    "brand": ["laptop", "desktop", "monitor", "phone", "tablet", "printer"],
    "contractor": ["laptop", "desktop", "server", "network", "monitor", "other"],
    "reseller": ["laptop", "monitor", "printer", "tablet", "desktop", "other"],
}

# Ten European countries of the affiliates, with invented town and region names.
AFFILIATE_COUNTRIES: dict[str, list[str]] = {
    "NL": ["Veldmeer", "Brakkenhoven", "Lindewijk", "Oosterzand", "Rietburg", "Havelo"],
    "DE": ["Tannerfeld", "Oberbrück", "Klausental", "Wendelheim", "Rabensdorf", "Mühlstedt"],
    "SE": ["Björkvik", "Sälstad", "Granhamn", "Ekeborg", "Norrvala", "Tallmo"],
    "DK": ["Vesterholm", "Krogbæk", "Lindsø", "Havnby", "Skovlund", "Ørnekær"],
    "ES": ["Villarosa", "Castellmar", "Puentedoro", "Sierrablanca", "Montealto", "Valdeluna"],
    "IT": ["Roccalba", "Valmonte", "Pietrasanta Alta", "Borgoverde", "Castelfiore", "Lagomare"],
    "FR": ["Saint-Aubrac", "Montclair-sur-Lys", "Beauval", "Rochefleur", "Valdorne", "Lussanges"],
    "BE": ["Hoogdaele", "Mariënbeek", "Clairmont", "Vlierzele-Oost", "Beaumarais", "Kortenhout"],
    "NO": ["Fjellvik", "Strandheim", "Nordmoen", "Skarvøy", "Lysebu", "Granvika"],
    "IE": ["Ballyrowan", "Kilcarrig", "Glenmara", "Drumlish Cross", "Carrowmore Bay", "Ardnabrack"],
}
AFFILIATE_KINDS = ["university", "municipality", "region", "hospital", "university", "consortium"]

# Approximate city centres (places, not firms) for the factory map: latitude, longitude.
CITY_COORDINATES: dict[str, tuple[float, float]] = {
    "Dongguan": (23.02, 113.75), "Suzhou": (31.30, 120.58), "Chongqing": (29.56, 106.55),
    "Kunshan": (31.38, 120.98), "Zhengzhou": (34.75, 113.62), "Chengdu": (30.66, 104.07),
    "Hsinchu": (24.80, 120.97), "Taoyuan": (24.99, 121.30), "Taichung": (24.15, 120.67),
    "Penang": (5.41, 100.33), "Johor Bahru": (1.49, 103.74), "Kulim": (5.36, 100.56),
    "Ayutthaya": (14.35, 100.57), "Chonburi": (13.36, 100.98), "Pathum Thani": (14.02, 100.53),
    "Bac Ninh": (21.19, 106.07), "Hai Phong": (20.86, 106.68), "Thai Nguyen": (21.59, 105.85),
    "Laguna": (14.27, 121.41), "Cebu": (10.32, 123.89), "Batangas": (13.76, 121.06),
    "Batam": (1.05, 104.03), "Bekasi": (-6.24, 106.99),
    "Chennai": (13.08, 80.27), "Noida": (28.54, 77.39), "Sriperumbudur": (12.97, 79.95),
    "Guadalajara": (20.67, -103.35), "Ciudad Juárez": (31.69, -106.42), "Tijuana": (32.51, -117.04),
    "Pardubice": (50.04, 15.78), "Brno": (49.20, 16.61), "Kutná Hora": (49.95, 15.27),
    "Győr": (47.69, 17.63), "Tatabánya": (47.58, 18.39),
    "Manaus": (-3.12, -60.02), "Jundiaí": (-23.19, -46.88),
}  # fmt: skip

# Twelve producing countries with real city names (places, not firms) and weights.
FACTORY_COUNTRIES: list[tuple[str, int, list[str]]] = [
    ("CN", 30, ["Dongguan", "Suzhou", "Chongqing", "Kunshan", "Zhengzhou", "Chengdu"]),
    ("TW", 8, ["Hsinchu", "Taoyuan", "Taichung"]),
    ("MY", 9, ["Penang", "Johor Bahru", "Kulim"]),
    ("TH", 8, ["Ayutthaya", "Chonburi", "Pathum Thani"]),
    ("VN", 9, ["Bac Ninh", "Hai Phong", "Thai Nguyen"]),
    ("PH", 5, ["Laguna", "Cebu", "Batangas"]),
    ("ID", 4, ["Batam", "Bekasi"]),
    ("IN", 7, ["Chennai", "Noida", "Sriperumbudur"]),
    ("MX", 7, ["Guadalajara", "Ciudad Juárez", "Tijuana"]),
    ("CZ", 5, ["Pardubice", "Brno", "Kutná Hora"]),
    ("HU", 4, ["Győr", "Tatabánya"]),
    ("BR", 4, ["Manaus", "Jundiaí"]),
]
FACTORY_STEMS = [
    "Jadeway",
    "Silverbrook",
    "Greatfield",
    "Lotus Bay",
    "Evercrest",
    "Harborlight",
    "Sunmere",
    "Cloudpeak",
    "Redpine",
    "Goldlake",
    "Bluestone",
    "Riverbend",
    "Morningtide",
    "Starhollow",
    "Windmere",
    "Pearlgate",
    "Amberline",
    "Ironleaf",
    "Westvale",
    "Northcove",
]
COMPONENT_TYPES = ["battery", "display", "pcb", "semiconductor", "charger", "casing", "memory", "keyboard"]
COMPONENT_WORDS = {
    "battery": "Power Cell",
    "display": "Display",
    "pcb": "Circuit Board",
    "semiconductor": "Microchip",
    "charger": "Power Adapter",
    "casing": "Precision Moulding",
    "memory": "Memory Module",
    "keyboard": "Input Device",
}
LEGAL_FORMS = {
    "CN": "Co., Ltd.",
    "TW": "Co., Ltd.",
    "MY": "Sdn. Bhd.",
    "TH": "Co., Ltd.",
    "VN": "Co., Ltd.",
    "PH": "Inc.",
    "ID": "PT",
    "IN": "Pvt. Ltd.",
    "MX": "S.A. de C.V.",
    "CZ": "s.r.o.",
    "HU": "Kft.",
    "BR": "Ltda.",
}
STREETS = [
    "Industrial Park Road",
    "Science Avenue",
    "Export Zone Street",
    "Technology Boulevard",
    "Free Trade Road",
    "Harbour Road",
    "Innovation Way",
    "Factory Lane",
]

FINDING_TEXT = {
    "wages": "Wages below the legal minimum for probationary workers",
    "working_hours": "Overtime above the legal limit in peak season",
    "health_safety": "Blocked emergency exits and missing protective equipment",
    "forced_labour": "Recruitment fees charged to migrant workers",
    "child_labour": "Student interns working night shifts",
    "freedom_of_association": "Workers discouraged from electing representatives",
    "discrimination": "Pregnancy testing at hiring",
    "harsh_treatment": "Verbal abuse by line supervisors",
    "employment_relationship": "Dispatch workers above the legal share",
    "environment": "Solvent waste stored without containment",
    "other": "Dormitory overcrowding",
}
CODE_AREA_WEIGHTS = [
    ("wages", 14),
    ("working_hours", 16),
    ("health_safety", 16),
    ("forced_labour", 8),
    ("child_labour", 3),
    ("freedom_of_association", 7),
    ("discrimination", 6),
    ("harsh_treatment", 6),
    ("employment_relationship", 9),
    ("environment", 8),
    ("other", 7),
]


def last_quarter_end(today: date) -> date:
    """The last quarter end strictly before `today`'s quarter (the newest complete quarter)."""
    q_start_month = 3 * ((today.month - 1) // 3) + 1
    return date(today.year, q_start_month, 1) - timedelta(days=1)


# ---------------------------------------------------------------- characters


@dataclass(frozen=True)
class Character:
    """How a company behaves over time; quality(t) in 0..1 with t in years since 2019."""

    name: str

    def quality(self, t: float, base: float) -> float:
        q = {
            "leader": 0.9 + 0.01 * t,
            "improver": 0.15 + 0.11 * t,
            "decliner": 0.85 - 0.11 * t,
            "late": 0.75,
            "due_diligence_only": 0.45,
            "v2_drop": 0.7,
            "retaliation": 0.5,
            "mixed": base + 0.02 * (t - 3),
        }.get(self.name, base)
        return min(0.97, max(0.05, q))


# ---------------------------------------------------------------- the builder


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


class _World:
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

    def _requests(
        self,
        cid: str,
        models: list[str],
        character: Character,
        base: float,
        assembly: list[dict],
        components: list[dict],
    ) -> None:
        rng = self.rng
        # A round of requests every four months from early 2019 on.
        offset = rng.randint(0, 60)
        round_start = START + timedelta(days=offset)
        while round_start <= self.end:
            model = rng.choice(models)
            scopes = ["final_assembly", "components"]
            if round_start.month <= 4:
                scopes.append("compliance_findings")
            for scope in scopes:
                requested = round_start + timedelta(days=rng.randint(0, 20))
                if requested > self.end:
                    continue
                rid = f"RQ{self._next('request'):06d}"
                due = requested + timedelta(days=rng.choice([45, 60, 60, 90]))
                self.rows["disclosure_requests"].append(
                    {
                        "request_id": rid,
                        "company_id": cid,
                        "product_model_id": model,
                        "scope": scope,
                        "requested_on": requested,
                        "due_on": due,
                    }
                )
                pool = assembly if scope != "components" else components
                self._respond(rid, scope, requested, due, character, base, pool)
            round_start += timedelta(days=rng.randint(110, 130))

    def _respond(
        self,
        rid: str,
        scope: str,
        requested: date,
        due: date,
        character: Character,
        base: float,
        pool: list[dict],
    ) -> None:
        rng = self.rng
        q = character.quality(self._years(requested), base)
        name = character.name
        dd_only = name == "due_diligence_only"
        if name == "v2_drop" and scope != "final_assembly":
            # Discloses its final assembly well, but components only by due diligence and
            # never shares compliance findings: v2 weighs both, so its score drops in 2022-07.
            dd_only = scope == "components"
            if scope == "compliance_findings":
                return
        if dd_only:
            if rng.random() < 0.9:
                self._due_diligence(rid, self._date_between(requested, due - timedelta(days=3)))
            return

        if rng.random() > q + 0.1:
            # No disclosure; sometimes due diligence instead.
            if rng.random() < 0.5:
                when = self._date_between(requested, due + timedelta(days=60))
                self._due_diligence(rid, when)
            return

        on_time = rng.random() < (0.05 if name == "late" else min(0.98, q + 0.1))
        if on_time:
            when = self._date_between(requested + timedelta(days=5), due)
        else:
            when = due + timedelta(days=rng.randint(10, 150))
        if scope == "compliance_findings":
            chosen = [pool[0]]
        else:
            chosen = rng.sample(
                pool, min(len(pool), rng.randint(1, 2) if scope == "final_assembly" else rng.randint(2, 5))
            )
        p_complete = 0.98 if name in ("late", "leader") else min(0.97, q + 0.05)
        for factory in chosen:
            complete = rng.random() < p_complete
            if scope != "compliance_findings" and factory["address"] is None:
                complete = False
            if when <= self.end:
                self.rows["disclosures"].append(
                    {
                        "request_id": rid,
                        "factory_id": factory["factory_id"],
                        "disclosed_on": when,
                        "complete": complete,
                    }
                )

    def _due_diligence(self, rid: str, when: date) -> None:
        if when <= self.end:
            self.rows["due_diligence"].append(
                {
                    "request_id": rid,
                    "recorded_on": when,
                    "note": "Formal written request to the supplier for the factory list, with follow-up",
                }
            )

    def _cases(self, cid: str, character: Character, base: float, factories: list[dict]) -> None:
        rng = self.rng
        n_cases = rng.randint(4, 9)
        for k in range(n_cases):
            retaliation = character.name == "retaliation" and k == 0
            if retaliation:  # the story: a good start, then a confirmed retaliation in 2023
                opened = self._date_between(date(2023, 1, 10), date(2023, 3, 31))
            else:
                opened = self._date_between(date(2019, 2, 1), self.end - timedelta(days=20))
            factory = rng.choice(factories)
            case_id = f"CS{self._next('case'):05d}"
            areas = [a for a, _ in CODE_AREA_WEIGHTS]
            weights = [w for _, w in CODE_AREA_WEIGHTS]
            findings = []
            for _ in range(rng.randint(1, 6)):
                area = rng.choices(areas, weights)[0]
                severity = rng.choices(["minor", "major", "critical"], [5, 4, 1])[0]
                fid = f"FN{self._next('finding'):06d}"
                findings.append(fid)
                self.rows["findings"].append(
                    {
                        "finding_id": fid,
                        "case_id": case_id,
                        "code_area": area,
                        "severity": severity,
                        "description": FINDING_TEXT[area],
                    }
                )
            self.rows["cases"].append(
                {
                    "case_id": case_id,
                    "company_id": cid,
                    "factory_id": factory["factory_id"],
                    "opened_on": opened,
                    "title": f"Monitoring report, {factory['city']} ({len(findings)} findings)",
                }
            )
            self._engagement(case_id, opened, findings, character, base, retaliation)

    def _engagement(
        self,
        case_id: str,
        opened: date,
        findings: list[str],
        character: Character,
        base: float,
        retaliation: bool,
    ) -> None:
        rng = self.rng
        q = character.quality(self._years(opened), base)

        def event(kind: str, when: date, finding: str | None = None, note: str | None = None) -> None:
            if when <= self.end:
                self.rows["events"].append(
                    {
                        "event_id": f"EV{self._next('event'):07d}",
                        "case_id": case_id,
                        "finding_id": finding,
                        "event_type": kind,
                        "event_date": when,
                        "note": note,
                    }
                )

        if rng.random() > q + 0.15 and not retaliation:
            return  # the company never engaged
        if character.name == "v2_drop":
            ack_days = rng.randint(16, 28)  # within v1's 30 days, outside v2's 14
        elif rng.random() < q:
            ack_days = rng.randint(2, 13)
        else:
            ack_days = rng.randint(15, 70)
        t = opened + timedelta(days=ack_days)
        event("acknowledged", t)
        if retaliation:
            event(
                "retaliation_confirmed",
                t + timedelta(days=rng.randint(40, 90)),
                note="Worker representatives dismissed after the monitoring visit",
            )
        if rng.random() < q + 0.1:
            t += timedelta(days=rng.randint(10, 60))
            event("access_granted", t)
        if rng.random() < q + 0.05:
            t += timedelta(days=rng.randint(20, 90))
            event("plan_submitted", t)
            for fid in findings:
                if rng.random() < q:
                    ev = t + timedelta(days=rng.randint(30, 200))
                    event("evidence_submitted", ev, fid)
                    if rng.random() < q * 0.85:
                        event("verified", ev + timedelta(days=rng.randint(30, 180)), fid)

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

    def pooled_buying(self) -> None:
        """Collective leverage made visible (issue 14): the final-assembly factory that most
        companies disclosed gets current contracts from the demo affiliate (the affiliate with
        the most contracts) and two more affiliates for product models made there, so several
        affiliates buy from one factory shared by two or more companies. Drawn from its own
        random stream, so the evidence built above stays exactly as it was; the two open
        requests added last are not due at the last quarter end, so no score changes."""
        rng = random.Random(SEED + 14)
        tiers = {f["factory_id"]: f["tier"] for f in self.rows["factories"]}
        request_model = {
            r["request_id"]: (r["company_id"], r["product_model_id"])
            for r in self.rows["disclosure_requests"]
        }
        made_at: dict[str, set[tuple[str, str]]] = {}
        for d in self.rows["disclosures"]:
            if tiers[d["factory_id"]] == "final_assembly":
                made_at.setdefault(d["factory_id"], set()).add(request_model[d["request_id"]])
        if not made_at:
            return
        factory = min(made_at, key=lambda f: (-len({c for c, _ in made_at[f]}), f))
        models = sorted(made_at[factory])
        counts: dict[str, int] = {}
        for c in self.rows["contracts"]:
            counts[c["affiliate_id"]] = counts.get(c["affiliate_id"], 0) + 1
        demo_affiliate = min(counts, key=lambda a: (-counts[a], a))
        others = sorted(
            a["affiliate_id"] for a in self.rows["affiliates"] if a["affiliate_id"] != demo_affiliate
        )
        buyers = [demo_affiliate, *rng.sample(others, 2)]
        other_company = [m for m in models if m[0] != models[0][0]]
        self._contract(rng, demo_affiliate, *models[0])
        if other_company:  # the demo affiliate buys from two companies that share the factory
            self._contract(rng, demo_affiliate, *other_company[0])
        for k, affiliate in enumerate(buyers[1:], start=1):
            self._contract(rng, affiliate, *models[k % len(models)])
        # Open requests about what the demo affiliate buys, due after the last quarter end
        # (one within 90 days of any day in the current quarter, one later), so its
        # deadlines list shows what is coming as well as what is overdue.
        for (company, model), days in zip([models[0], *other_company[:1]], (60, 150), strict=False):
            self.rows["disclosure_requests"].append(
                {
                    "request_id": f"RQ{self._next('request'):06d}",
                    "company_id": company,
                    "product_model_id": model,
                    "scope": "components",
                    "requested_on": self.end - timedelta(days=20),
                    "due_on": self.end + timedelta(days=days),
                }
            )
        first = self.rows["disclosure_requests"][-2 if other_company else -1]["request_id"]
        self.expectations(demo_affiliate, [models[0][0], *(m[0] for m in other_company[:1])], first)

    def expectations(self, affiliate: str, companies: list[str], open_request: str) -> None:
        """What the demo affiliate expects of the companies it buys from: a score, a band and an
        action, due before and after the last quarter end, so every status can be seen."""
        rows = [
            (companies[0], "overall", "60", 270, "Raise the overall score before the contract's renewal"),
            (companies[-1], "band", "Good", -30, "Agreed at the contract's start-up meeting"),
            (companies[0], "sct", "80", 365, None),
            (companies[0], "action", f"disclose:{open_request}", 120, "Disclose the component factories"),
        ]
        for i, (company, what, target, due_days, note) in enumerate(rows, start=1):
            self.rows["expectations"].append(
                {
                    "expectation_id": f"EX{i:05d}",
                    "affiliate_id": affiliate,
                    "company_id": company,
                    "what": what,
                    "target": target,
                    "due_on": self.end + timedelta(days=due_days),
                    "note": note,
                    "set_by": "demo-affiliate",
                    "set_on": self.end - timedelta(days=200),
                }
            )

    def _contract(self, rng: random.Random, affiliate: str, company: str, model: str) -> None:
        start = self.end - timedelta(days=rng.randint(30, 600))
        kid = f"CT{self._next('contract'):05d}"
        self.rows["contracts"].append(
            {
                "contract_id": kid,
                "affiliate_id": affiliate,
                "company_id": company,
                "start_date": start,
                "end_date": start + timedelta(days=365 * 4),
                "annual_spend_eur": float(rng.randrange(150_000, 2_500_000, 500)),
            }
        )
        self.rows["contract_products"].append({"contract_id": kid, "product_model_id": model})

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


def fill_demo(con: duckdb.DuckDBPyConnection, scale: int = 1, today: date | None = None) -> None:
    """Insert the demo world into a database that has the schema (inside the caller's transaction)."""

    world = build_world(scale, today)
    for name, table in TABLES.items():
        frame = world.pop(name)[table.column_names]
        con.from_df(frame).insert_into(name)  # columns in the schema's order
        del frame  # each table's frame goes once it is in the database
    con.execute("INSERT INTO meta VALUES ('demo', 'true'), ('demo_scale', ?)", [str(scale)])
    add_demo_accounts(con)
    from data.demo import documents  # a few fictional PDFs behind some evidence (issue 23)

    documents.add_documents(con)


DEMO_COMPANY = "CO0010"  # Jovance Micro: its score drops at the v1 -> v2 change


def add_demo_accounts(con: duckdb.DuckDBPyConnection) -> None:
    """demo-admin, demo-affiliate (the affiliate with the most contracts) and demo-company,
    all with the password in the README (accounts.DEMO_PASSWORD)."""
    from data.access import accounts

    affiliate = con.execute(
        "SELECT affiliate_id FROM contracts GROUP BY affiliate_id ORDER BY count(*) DESC, affiliate_id LIMIT 1"
    ).fetchone()[0]
    for username, role, company, aff in (
        ("demo-admin", "admin", None, None),
        ("demo-affiliate", "affiliate", None, affiliate),
        ("demo-company", "company", DEMO_COMPANY, None),
    ):
        accounts.insert_user(con, username, accounts.DEMO_PASSWORD, role, company, aff)
