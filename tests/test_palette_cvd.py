"""Score and band colours stay distinguishable for colour-blind viewers (issue 22).

Each palette is simulated with full deuteranopia, protanopia and tritanopia (Machado et al.
2009, as colorspacious implements it) and every pair of colours must stay at least MIN_DISTANCE
apart in CAM02-UCS (about 1 is a just-noticeable difference; 20 is clearly different at a glance).
"""

from __future__ import annotations

import itertools

import colorspacious
import numpy as np
import pytest

from charts import theme

MIN_DISTANCE = 20.0
DEFICIENCIES = ("deuteranomaly", "protanomaly", "tritanomaly")  # at severity 100: -opia


def _rgb(hex_colour: str) -> np.ndarray:
    return np.array([int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)]) / 255


def _closest_pair(palette: dict[str, str], deficiency: str) -> tuple[float, str, str]:
    cvd = {"name": "sRGB1+CVD", "cvd_type": deficiency, "severity": 100}
    seen = {k: np.clip(colorspacious.cspace_convert(_rgb(v), cvd, "sRGB1"), 0, 1) for k, v in palette.items()}
    return min(
        (float(colorspacious.deltaE(seen[a], seen[b], input_space="sRGB1")), a, b)
        for a, b in itertools.combinations(palette, 2)
    )


@pytest.mark.parametrize("deficiency", DEFICIENCIES)
@pytest.mark.parametrize("name", ["SCORE_COLOURS", "BAND_COLOURS"])
def test_colours_stay_apart_under_colour_vision_deficiency(name: str, deficiency: str) -> None:
    distance, a, b = _closest_pair(getattr(theme, name), deficiency)
    assert distance >= MIN_DISTANCE, f"{name}: {a} and {b} are {distance:.1f} apart with {deficiency}"


def test_one_colour_per_score_and_per_band() -> None:
    assert len(set(theme.SCORE_COLOURS.values())) == len(theme.SCORE_COLOURS)
    assert len(set(theme.BAND_COLOURS.values())) == len(theme.BAND_COLOURS)


def test_the_simulation_tells_a_red_green_pair_apart_from_a_safe_one() -> None:
    # The check itself: red and green, far apart for most people, come close for deuteranopes.
    red_green = {"red": "#d62728", "green": "#2ca02c"}
    assert (
        _closest_pair(red_green, "deuteranomaly")[0]
        < MIN_DISTANCE
        < _closest_pair(red_green, "tritanomaly")[0]
    )
