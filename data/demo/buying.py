"""Collective leverage in the demo world (issue 14): contracts from several affiliates for the
factory most companies disclosed, open requests coming due for the demo affiliate, and what it
expects of the companies it buys from. Mixed into the builder (data/demo/world.py); drawn from its
own random stream, after the rest of the world is built."""

from __future__ import annotations

import random
from datetime import timedelta

from data.demo.characters import SEED


class PooledBuying:
    """Contracts, requests and expectations added once every company is built."""

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
