"""The word lists the demo world is made of (DESIGN.md, "Demo data").

Company, product series, factory, affiliate and town names are invented from word lists that
avoid real brands and manufacturers; the producing countries' cities are real places (never
firms), with their approximate centres for the factory map. Also the findings' texts and how
often each code area comes up.
"""

from __future__ import annotations

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
