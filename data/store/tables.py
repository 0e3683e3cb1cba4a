"""The evidence tables of DATA_FORMAT.md as data.

One definition serves the exporter, the importer, the templates and the tests,
so the contract is written down once. Tables are listed parents first, the
order in which an import applies them and an export writes them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ROLES = ("brand", "contractor", "reseller")
CATEGORIES = ("laptop", "desktop", "monitor", "server", "phone", "tablet", "printer", "network", "other")
TIERS = ("final_assembly", "components")
SCOPES = ("final_assembly", "components", "compliance_findings")
SEVERITIES = ("minor", "major", "critical")
EVENT_TYPES = (
    "acknowledged",
    "access_granted",
    "plan_submitted",
    "evidence_submitted",
    "verified",
    "retaliation_confirmed",
)
FINDING_EVENT_TYPES = ("evidence_submitted", "verified")
CODE_AREAS = (
    "wages",
    "working_hours",
    "health_safety",
    "forced_labour",
    "child_labour",
    "freedom_of_association",
    "discrimination",
    "harsh_treatment",
    "employment_relationship",
    "environment",
    "other",
)
EXPECTATION_KINDS = ("sct", "fi", "overall", "band", "action")
BANDS = ("Insufficient", "Developing", "Good", "Leading")
AFFILIATE_KINDS = ("university", "municipality", "region", "ministry", "hospital", "consortium")

# Column kinds: id (text, 1-64 chars), text (free text, at most MAX_TEXT_LENGTH characters:
# names, addresses, titles, notes, descriptions), date, bool, number, country (ISO alpha-2),
# choice (one of `choices`).
MAX_TEXT_LENGTH = 5000  # every free-text cell, at the import and at the forms (issue 20, item 10)


@dataclass(frozen=True)
class Column:
    """One column of an evidence table."""

    name: str
    kind: str = "text"
    required: bool = False
    choices: tuple[str, ...] = ()
    references: tuple[str, str] | None = None  # (table, column)
    planned: bool = False  # a date that may lie in the future (deadlines, contract periods)
    bounds: tuple[float, float] | None = None  # inclusive range of a number (coordinates)


@dataclass(frozen=True)
class Table:
    """One evidence table: its columns, in DATA_FORMAT.md's order, and its key."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    date_column: str | None = field(default=None)  # the date the row's evidence is dated

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _id(name: str, references: tuple[str, str] | None = None, required: bool = True) -> Column:
    return Column(name, "id", required, references=references)


TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "companies",
            (
                _id("company_id"),
                Column("name", required=True),
                Column("role", "choice", True, ROLES),
                Column("hq_country", "country"),
            ),
            ("company_id",),
        ),
        Table(
            "affiliates",
            (
                _id("affiliate_id"),
                Column("name", required=True),
                Column("country", "country", True),
                Column("kind"),
            ),
            ("affiliate_id",),
        ),
        Table(
            "contracts",
            (
                _id("contract_id"),
                _id("affiliate_id", ("affiliates", "affiliate_id")),
                _id("company_id", ("companies", "company_id")),
                Column("start_date", "date", True, planned=True),
                Column("end_date", "date", planned=True),
                Column("annual_spend_eur", "number"),
            ),
            ("contract_id",),
        ),
        Table(
            "product_models",
            (
                _id("product_model_id"),
                _id("company_id", ("companies", "company_id")),
                Column("name", required=True),
                Column("category", "choice", True, CATEGORIES),
            ),
            ("product_model_id",),
        ),
        Table(
            "contract_products",
            (
                _id("contract_id", ("contracts", "contract_id")),
                _id("product_model_id", ("product_models", "product_model_id")),
            ),
            ("contract_id", "product_model_id"),
        ),
        Table(
            "factories",
            (
                _id("factory_id"),
                Column("legal_name", required=True),
                Column("address"),
                Column("city"),
                Column("country", "country", True),
                Column("tier", "choice", True, TIERS),
                Column("component_type"),
                # Optional (issue 14): WGS 84 decimal degrees, for the factory map.
                Column("latitude", "number", bounds=(-90.0, 90.0)),
                Column("longitude", "number", bounds=(-180.0, 180.0)),
            ),
            ("factory_id",),
        ),
        Table(
            "disclosure_requests",
            (
                _id("request_id"),
                _id("company_id", ("companies", "company_id")),
                _id("product_model_id", ("product_models", "product_model_id"), required=False),
                Column("scope", "choice", True, SCOPES),
                Column("requested_on", "date", True),
                Column("due_on", "date", True, planned=True),
            ),
            ("request_id",),
            "requested_on",
        ),
        Table(
            "disclosures",
            (
                _id("request_id", ("disclosure_requests", "request_id")),
                _id("factory_id", ("factories", "factory_id")),
                Column("disclosed_on", "date", True),
                Column("complete", "bool", True),
            ),
            ("request_id", "factory_id", "disclosed_on"),
            "disclosed_on",
        ),
        Table(
            "due_diligence",
            (
                _id("request_id", ("disclosure_requests", "request_id")),
                Column("recorded_on", "date", True),
                Column("note"),
            ),
            ("request_id", "recorded_on"),
            "recorded_on",
        ),
        Table(
            "cases",
            (
                _id("case_id"),
                _id("company_id", ("companies", "company_id")),
                _id("factory_id", ("factories", "factory_id")),
                Column("opened_on", "date", True),
                Column("title"),
            ),
            ("case_id",),
            "opened_on",
        ),
        Table(
            "findings",
            (
                _id("finding_id"),
                _id("case_id", ("cases", "case_id")),
                Column("code_area", "choice", True, CODE_AREAS),
                Column("severity", "choice", True, SEVERITIES),
                Column("description"),
            ),
            ("finding_id",),
        ),
        Table(
            "events",
            (
                _id("event_id"),
                _id("case_id", ("cases", "case_id")),
                _id("finding_id", ("findings", "finding_id"), required=False),
                Column("event_type", "choice", True, EVENT_TYPES),
                Column("event_date", "date", True),
                Column("note"),
            ),
            ("event_id",),
            "event_date",
        ),
        Table(
            "expectations",
            (
                _id("expectation_id"),
                _id("affiliate_id", ("affiliates", "affiliate_id")),
                _id("company_id", ("companies", "company_id")),
                Column("what", "choice", True, EXPECTATION_KINDS),
                Column("target", required=True),
                Column("due_on", "date", True, planned=True),
                Column("note"),
                Column("set_by", required=True),
                Column("set_on", "date", True),
            ),
            ("expectation_id",),
            "set_on",
        ),
    )
}

TABLE_NAMES: tuple[str, ...] = tuple(TABLES)
