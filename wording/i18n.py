"""The interface in the affiliates' languages (issue 25): gettext catalogs managed with Babel and
locale formatting of numbers, scores, euros, percentages, dates and country names.

English is the source language: the msgids are the English wording, so English needs no
catalog and stays exactly as it was written. The other languages' catalogs are
`locales/<lang>/LC_MESSAGES/messages.po` (kept in the repository) compiled to `.mo` by
`make compile-messages` (a prerequisite of `make run` and `make test`); a missing `.mo` means
English, silently.

The language is a context variable: the app sets it at the start of every run (the account's
choice, else the browser's Accept-Language), and a report or briefing is built inside
`with use(lang):` for a language of its own. No Streamlit here.

Where a string is defined far from where it is shown (a label table, a constant), mark it with
`N_()` for extraction and translate it with `_()` where it is shown; an f-string is never a
msgid: translate the template, then format it (`_("As of {date}").format(date=...)`).
"""

from __future__ import annotations

import gettext as _gettext
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.numbers import format_compact_currency, format_currency, format_decimal, format_percent
from babel.support import Translations

SOURCE = "en"
LANGUAGES = {
    "en": "English",
    "es": "Español",
    "ca": "Català",
    "nl": "Nederlands",
    "sv": "Svenska",
    "de": "Deutsch",
    "fr": "Français",
}
"""The languages offered, each named in itself (how a reader finds their own)."""
LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "messages"

_current: ContextVar[str] = ContextVar("cpt_language", default=SOURCE)


def normalise(lang: object) -> str:
    """A language code we offer ("es-ES", "ES", "es_ES" -> "es"); English for anything else."""
    if isinstance(lang, str):
        code = lang.strip().replace("_", "-").split("-")[0].lower()
        if code in LANGUAGES:
            return code
    return SOURCE


def current() -> str:
    return _current.get()


def set_language(lang: object) -> str:
    """Set the language of this run (the app, at the top of every script run); returns it."""
    code = normalise(lang)
    _current.set(code)
    return code


@contextmanager
def use(lang: object) -> Iterator[str]:
    """Inside the block, text and formats are in `lang` (a report in a language of its own)."""
    token = _current.set(normalise(lang))
    try:
        yield _current.get()
    finally:
        _current.reset(token)


@cache
def translations(lang: str) -> _gettext.NullTranslations:
    """The compiled catalog of `lang`; no translation (English) when it is missing."""
    if lang == SOURCE:
        return _gettext.NullTranslations()
    return Translations.load(str(LOCALES_DIR), [lang], DOMAIN)  # NullTranslations without a .mo


def _(message: str) -> str:
    """`message` in the current language (the English msgid itself when there is no translation)."""
    lang = _current.get()
    return message if lang == SOURCE else translations(lang).gettext(message)


gettext = _


def ngettext(singular: str, plural: str, n: int) -> str:
    lang = _current.get()
    if lang == SOURCE:
        return singular if n == 1 else plural
    return translations(lang).ngettext(singular, plural, n)


def N_(message: str) -> str:  # noqa: N802 (the gettext convention)
    """Mark `message` for extraction without translating it here (translate where it is shown)."""
    return message


def best_match(accept_language: str | None) -> str | None:
    """The first language we offer in an Accept-Language header, by its q-values; None if none."""
    if not accept_language:
        return None
    ranked: list[tuple[float, int, str]] = []
    for i, part in enumerate(accept_language.split(",")):
        tag, _sep, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        code = tag.strip().replace("_", "-").split("-")[0].lower()
        if code in LANGUAGES and q > 0:
            ranked.append((-q, i, code))
    return min(ranked)[2] if ranked else None


# ---------------------------------------------------------------- formats

NA = "n/a"


def _lang(lang: str | None) -> str:
    return normalise(lang) if lang is not None else _current.get()


def _half_up(value: float, places: int) -> Decimal:
    """Rounded half-up on the exact decimal value of the float (as wording.narrative.round_half_up)."""
    return Decimal(float(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and value != value) or str(value) in ("NaT", "<NA>")


def number(value: float | int, lang: str | None = None) -> str:
    """A whole number with the locale's grouping ("1,946,500", "1.946.500", "1 946 500")."""
    return format_decimal(_half_up(value, 0), locale=_lang(lang))


def score(value: object, lang: str | None = None) -> str:
    """A score with one decimal, rounded half-up ("61.3"; "61,3" in es); "n/a" (translated) when
    not applicable."""
    if _missing(value):
        return _(NA)
    rounded = _half_up(float(value), 1)
    if rounded == 0:
        rounded = Decimal("0.0")  # never "-0.0"
    return format_decimal(rounded, format="0.0", locale=_lang(lang))


def euros(value: float | int, lang: str | None = None) -> str:
    """Whole euros: "€ 1,946,500" in English (as the app always wrote them), else the locale's
    currency pattern without cents ("1.946.500 €" es, "€ 1.946.500" nl, "1 946 500 €" fr)."""
    code = _lang(lang)
    if code == SOURCE:
        return f"€ {float(value):,.0f}"
    pattern = Locale.parse(code).currency_formats["standard"].pattern.replace(".00", "")
    return format_currency(_half_up(value, 0), "EUR", format=pattern, locale=code, currency_digits=False)


def euros_millions(value: float | int, lang: str | None = None) -> str:
    """A large amount in millions with two decimals: "€ 2.68 m" in English (as the app wrote
    them), else the locale's compact pattern ("2,68 M €" es, "€ 2,68 mln." nl)."""
    code = _lang(lang)
    if code == SOURCE:
        return f"€ {float(value) / 1e6:,.2f} m"
    return format_compact_currency(float(value), "EUR", locale=code, fraction_digits=2)


def percent(value: float, lang: str | None = None) -> str:
    """A share (0.425) as a percentage of the locale ("42%", "42 %")."""
    return format_percent(value, locale=_lang(lang))


def day(value: date | datetime, lang: str | None = None, format: str = "medium") -> str:
    """A date: ISO (2026-09-30) in English, as the app always wrote them (and as CSVs are);
    in the other languages the locale's `format` ("medium": "30 sept 2026"; "short": "30/9/26")."""
    code = _lang(lang)
    if code == SOURCE:
        return f"{value:%Y-%m-%d}"
    return format_date(value, format=format, locale=code)


@cache
def _territories(lang: str) -> dict[str, str]:
    try:
        return dict(Locale.parse(lang).territories)
    except UnknownLocaleError:
        return dict(Locale("en").territories)


def territories(lang: str | None = None) -> dict[str, str]:
    """Babel's territory names of the language by code."""
    return _territories(_lang(lang))


def country(code: object, lang: str | None = None) -> object:
    """The name of an ISO 3166-1 alpha-2 country code in the language ("ES" -> "Spain",
    "España", "Espanya", "Spanje"...); anything else as it is."""
    if isinstance(code, str) and len(code) == 2 and code.isalpha():
        return _territories(_lang(lang)).get(code.upper(), code)
    return code
