"""Every setting is declared once (data/settings.py) and documented in README's "Settings"."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from data import settings

ROOT = Path(__file__).resolve().parent.parent
CODE = [
    p
    for d in ("data", "ui", "pages", "charts", "reports", "scoring", "wording")
    for p in (ROOT / d).rglob("*.py")
] + [
    ROOT / "app.py",
    ROOT / "serve.py",
]


def test_every_cpt_name_in_the_code_is_a_declared_setting() -> None:
    used = {name for p in CODE for name in re.findall(r"\bCPT_[A-Z_]+\b", p.read_text())}
    assert used <= set(settings.BY_NAME), used - set(settings.BY_NAME)


def test_only_the_settings_module_reads_the_environment_for_a_setting() -> None:
    readers = {p.relative_to(ROOT).as_posix() for p in CODE
               if re.search(r"environ(?:\.get)?\(?\[?\s*[\"']CPT_", p.read_text())}  # fmt: skip
    assert readers <= {"data/settings.py", "scoring/cli.py"}, readers  # scoring imports nothing from data


def test_every_setting_is_in_the_readme_with_its_default() -> None:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Settings", 1)[1].split("\n## ", 1)[0]
    for s in settings.SETTINGS:
        row = next((line for line in section.splitlines() if f"`{s.name}`" in line), None)
        assert row is not None, s.name
        assert (f"`{s.default}`" if s.default else "data/cpt.duckdb") in row, (s.name, row)


@pytest.mark.parametrize(("raw", "expected"), [(None, 5), ("", 5), ("7", 7), ("seven", 5)])
def test_a_value_falls_back_to_its_default(raw, expected, monkeypatch: pytest.MonkeyPatch) -> None:
    if raw is None:
        monkeypatch.delenv("CPT_MAX_FAILURES", raising=False)
    else:
        monkeypatch.setenv("CPT_MAX_FAILURES", raw)
    assert settings.value("CPT_MAX_FAILURES") == expected
