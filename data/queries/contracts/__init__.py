"""Named queries for contract management: My contracts, the Factory page, collective leverage.

Contracts are confidential (DESIGN.md, "Access control"), so every query here takes the
`Viewer` (the signed-in account's role and organisation) and applies the rule in SQL:

* staff (admin) see every contract;
* an affiliate sees its own contracts in full; of other affiliates only their names as
  buyers of a company or factory, and the combined annual spend of *other* affiliates only
  where at least three others contribute (`MIN_AFFILIATES_FOR_TOTAL`, the viewer's own
  contracts not counted), rounded down to a band of `SPEND_STEP_EUR` ("€1.2–1.3 m",
  `spend_range`): no subtraction of its own spend, of what two colluding buyers know, or of
  the figures before and after one contract starts yields a single contract;
* a company sees its own contracts, the factories it disclosed and its own cases, never
  another company's, also where one of its contracts covers another company's product
  model (a reseller contract: `_OWN_COMPANY` on requests, factories behind a model, cases);
* a signed-out viewer sees nothing.

Where: `Viewer` and running a query for one in viewer.py; the rule as SQL pieces in
visibility.py; the combined spend (`MIN_AFFILIATES_FOR_TOTAL`, bands) in spend.py; the queries
by page in my_contracts.py (My contracts, deadlines), buyers.py (a company's contracts, a
factory's buyers, leverage) and factory_page.py (the Factory page, the factory list). They are
all named here: `from data.queries import contracts as q; q.leverage(...)`.

The dashboard fills the viewer in from the session (ui/contract_cache.py), never from
the URL. Values are bound parameters; `today` is the day the states are computed for.
"""

from __future__ import annotations

from data.queries.contracts.buyers import company_contracts, factory_buyers, leverage
from data.queries.contracts.factory_page import (
    factory,
    factory_cases,
    factory_disclosures,
    factory_findings,
    factory_list,
    factory_remediation,
)
from data.queries.contracts.my_contracts import (
    DEADLINE_STATES,
    HORIZON_DAYS,
    contract_models,
    contracts,
    contracts_in_period,
    deadlines,
    model_factories,
    model_open_cases,
    model_requests,
)
from data.queries.contracts.spend import (
    MIN_AFFILIATES_FOR_TOTAL,
    SPEND_STEP_EUR,
    spend_range,
    with_spend_text,
)
from data.queries.contracts.viewer import Viewer, viewer_of

__all__ = [
    "DEADLINE_STATES",
    "HORIZON_DAYS",
    "MIN_AFFILIATES_FOR_TOTAL",
    "SPEND_STEP_EUR",
    "Viewer",
    "company_contracts",
    "contract_models",
    "contracts",
    "contracts_in_period",
    "deadlines",
    "factory",
    "factory_buyers",
    "factory_cases",
    "factory_disclosures",
    "factory_findings",
    "factory_list",
    "factory_remediation",
    "leverage",
    "model_factories",
    "model_open_cases",
    "model_requests",
    "spend_range",
    "viewer_of",
    "with_spend_text",
]
