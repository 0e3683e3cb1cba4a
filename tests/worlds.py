"""Small fixture worlds for the scoring tests, built from Python rows.

A `World` collects rows for the evidence tables (plus the parent rows their
foreign keys need) and loads them into a DuckDB connection whose schema was made
by `data.store.create_schema`, the same tables the importer fills. Tests then read
them back with `scoring.load_evidence`, so the engine sees exactly what it sees in
production.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import duckdb

from data.store import create_schema
from scoring.evidence import Evidence, load_evidence

COLUMNS = {
    "companies": ("company_id", "name", "role", "hq_country"),
    "product_models": ("product_model_id", "company_id", "name", "category"),
    "factories": ("factory_id", "legal_name", "address", "city", "country", "tier", "component_type"),
    "disclosure_requests": (
        "request_id",
        "company_id",
        "product_model_id",
        "scope",
        "requested_on",
        "due_on",
    ),
    "disclosures": ("request_id", "factory_id", "disclosed_on", "complete"),
    "due_diligence": ("request_id", "recorded_on", "note"),
    "cases": ("case_id", "company_id", "factory_id", "opened_on", "title"),
    "findings": ("finding_id", "case_id", "code_area", "severity", "description"),
    "events": ("event_id", "case_id", "finding_id", "event_type", "event_date", "note"),
}

FINDING_EVENTS = ("evidence_submitted", "verified")


def d(iso: str) -> date:
    return date.fromisoformat(iso)


@dataclass
class World:
    """Rows of a small evidence world. Methods add rows and return the new id."""

    rows: dict[str, list[tuple]] = field(default_factory=lambda: {t: [] for t in COLUMNS})

    def _has(self, table: str, key: str) -> bool:
        return any(r[0] == key for r in self.rows[table])

    def company(self, company_id: str, name: str | None = None, role: str = "brand") -> str:
        if not self._has("companies", company_id):
            self.rows["companies"].append((company_id, name or f"Company {company_id}", role, "NL"))
        return company_id

    def product_model(self, product_model_id: str, company_id: str) -> str:
        if not self._has("product_models", product_model_id):
            self.company(company_id)
            self.rows["product_models"].append(
                (product_model_id, company_id, f"Model {product_model_id}", "laptop")
            )
        return product_model_id

    def factory(self, factory_id: str, tier: str = "final_assembly") -> str:
        if not self._has("factories", factory_id):
            self.rows["factories"].append(
                (factory_id, f"Factory {factory_id} Ltd", "1 Road", "Shenzhen", "CN", tier, None)
            )
        return factory_id

    def request(
        self,
        request_id: str,
        company_id: str,
        scope: str,
        due_on: date | str,
        requested_on: date | str | None = None,
        product_model_id: str | None = None,
    ) -> str:
        due = d(due_on) if isinstance(due_on, str) else due_on
        req = requested_on if requested_on is not None else min(due, date(2019, 1, 1))
        req = d(req) if isinstance(req, str) else req
        self.company(company_id)
        if product_model_id is not None:
            self.product_model(product_model_id, company_id)
        self.rows["disclosure_requests"].append((request_id, company_id, product_model_id, scope, req, due))
        return request_id

    def disclosure(self, request_id: str, factory_id: str, disclosed_on: date | str, complete: bool) -> None:
        self.factory(factory_id)
        on = d(disclosed_on) if isinstance(disclosed_on, str) else disclosed_on
        self.rows["disclosures"].append((request_id, factory_id, on, complete))

    def due_diligence(self, request_id: str, recorded_on: date | str, note: str | None = None) -> None:
        on = d(recorded_on) if isinstance(recorded_on, str) else recorded_on
        self.rows["due_diligence"].append((request_id, on, note))

    def case(self, case_id: str, company_id: str, opened_on: date | str, factory_id: str = "F1") -> str:
        self.company(company_id)
        self.factory(factory_id)
        on = d(opened_on) if isinstance(opened_on, str) else opened_on
        self.rows["cases"].append((case_id, company_id, factory_id, on, f"Report {case_id}"))
        return case_id

    def finding(self, finding_id: str, case_id: str, severity: str, code_area: str = "wages") -> str:
        self.rows["findings"].append((finding_id, case_id, code_area, severity, None))
        return finding_id

    def event(
        self,
        case_id: str,
        event_type: str,
        event_date: date | str,
        finding_id: str | None = None,
        event_id: str | None = None,
    ) -> str:
        event_id = event_id or f"E{len(self.rows['events']) + 1}"
        on = d(event_date) if isinstance(event_date, str) else event_date
        self.rows["events"].append((event_id, case_id, finding_id, event_type, on, None))
        return event_id

    def load(self, con: duckdb.DuckDBPyConnection, *, schema: bool = True) -> duckdb.DuckDBPyConnection:
        """Insert the rows (creating the schema first unless `schema=False`); returns `con`."""
        if schema:
            create_schema(con)
        for table, columns in COLUMNS.items():
            rows = self.rows[table]
            if rows:
                marks = ", ".join("?" for _ in columns)
                con.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)
        return con

    def connect(self) -> duckdb.DuckDBPyConnection:
        """A new in-memory database holding this world."""
        return self.load(duckdb.connect())

    def evidence(self) -> Evidence:
        """The world as the scoring engine reads it (through DuckDB)."""
        con = self.connect()
        try:
            return load_evidence(con)
        finally:
            con.close()


def worked_example_world() -> World:
    """METHODOLOGY.md's worked example: company EX.

    METHODOLOGY.md gives no requested_on dates; they are set early in 2021 (R4 in
    October 2021), before every disclosure, so the series starts in 2021 Q1.
    """
    w = World()
    w.company("EX", "Example Computers BV")
    w.product_model("PM1", "EX")
    for f in ("F1", "F2"):
        w.factory(f, "final_assembly")
    for f in ("F3", "F4"):
        w.factory(f, "components")
    w.request("R1", "EX", "final_assembly", "2021-03-31", "2021-01-04", "PM1")
    w.request("R2", "EX", "components", "2021-06-30", "2021-01-04", "PM1")
    w.request("R3", "EX", "components", "2021-09-30", "2021-01-04", "PM1")
    w.request("R4", "EX", "final_assembly", "2022-03-31", "2021-10-01", "PM1")
    w.request("R5", "EX", "compliance_findings", "2021-05-31", "2021-01-04", "PM1")
    w.disclosure("R1", "F1", "2021-03-15", True)
    w.disclosure("R1", "F2", "2021-03-20", True)
    w.disclosure("R2", "F3", "2021-08-10", True)
    w.disclosure("R2", "F4", "2021-08-10", False)
    w.disclosure("R5", "F1", "2021-05-20", False)  # a summary, not the full findings
    w.due_diligence("R3", "2021-09-01", "formal request to the component supplier")
    w.case("C1", "EX", "2021-02-01", "F1")
    w.finding("f1", "C1", "major")
    w.finding("f2", "C1", "minor")
    w.finding("f3", "C1", "critical")
    w.case("C2", "EX", "2021-09-01", "F2")
    w.finding("f4", "C2", "minor")
    w.case("C3", "EX", "2022-01-15", "F3")
    w.finding("f5", "C3", "major")
    w.event("C1", "acknowledged", "2021-02-20", event_id="e1")
    w.event("C1", "access_granted", "2021-04-01", event_id="e2")
    w.event("C1", "plan_submitted", "2021-05-01", event_id="e3")
    w.event("C1", "evidence_submitted", "2021-07-01", "f1", event_id="e4")
    w.event("C1", "evidence_submitted", "2021-07-01", "f2", event_id="e5")
    w.event("C1", "verified", "2021-10-01", "f1", event_id="e6")
    w.event("C2", "acknowledged", "2021-10-15", event_id="e7")
    return w


def worked_example(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """Create the schema on `con` and load METHODOLOGY.md's worked example into it."""
    return worked_example_world().load(con)


def evidence_world() -> World:
    """METHODOLOGY.md's worked example (company EX) plus a second company OT with a factory
    that has no address and a case with confirmed retaliation."""
    w = worked_example_world()
    w.rows["factories"].append(("F9", "Nameless Works Ltd", None, "Penang", "MY", "components", "battery"))
    w.request("OR1", "OT", "components", "2021-06-30", "2021-01-04")
    w.disclosure("OR1", "F9", "2021-06-01", False)
    w.disclosure("OR1", "F1", "2021-06-01", True)  # F1 again: distinct per company scope
    w.case("OC1", "OT", "2021-03-01", "F9")
    w.finding("of1", "OC1", "critical", "freedom_of_association")
    w.event("OC1", "acknowledged", "2021-03-05")
    w.event("OC1", "verified", "2021-05-30", "of1")
    w.event("OC1", "retaliation_confirmed", "2021-04-10")
    return w
