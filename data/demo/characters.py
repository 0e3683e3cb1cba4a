"""How the demo world's companies behave over time: the world's fixed seed, the day its
evidence starts, and each company's character (COMPANIES in data/demo/names.py names it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

SEED = 20190101
START = date(2019, 1, 1)


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
