"""The factory list says things in words: a tier as words and, where no spend is shown, why
(never an empty "None" cell)."""

from __future__ import annotations

import pandas as pd

from ui.factory_views import shown_list


def test_tier_in_words_and_a_hidden_spend_says_why() -> None:
    listed = pd.DataFrame(
        {
            "tier": ["final_assembly", "components", "components"],
            "affiliates_buying": [5, 2, 0],
            "combined_spend": ["€1.2–1.3 m", None, None],
        }
    )
    shown = shown_list(listed)
    assert shown["tier"].tolist() == ["final assembly", "components", "components"]
    assert shown["combined_spend"].tolist() == ["€1.2–1.3 m", "confidential", "no current buyer"]
