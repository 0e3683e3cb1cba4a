"""The demo world's evidence generators: disclosure requests every four months and each
company's response (disclosures, due diligence, nothing), monitoring cases with findings, and the
company's engagement with them (events), all as its character says (data/demo/characters.py).
Mixed into the builder (data/demo/world.py), whose random stream and rows they draw and fill."""

from __future__ import annotations

from datetime import date, timedelta

from data.demo.characters import START, Character
from data.demo.names import CODE_AREA_WEIGHTS, FINDING_TEXT


class Evidence:
    """Requests, disclosures, due diligence, cases, findings and events of one company."""

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
