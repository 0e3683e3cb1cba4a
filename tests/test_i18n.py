"""The interface in the affiliates' languages (issue 25): catalogs complete and up to date, the
glossary's wording used everywhere, Babel's formats per locale, the account's language, and the
briefing and report PDFs in Spanish and Dutch."""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from babel import Locale
from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal, format_percent
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from data.access import languages, sessions
from reports import report
from tests import apptest
from tests.report_build import build
from ui import auth, language, nav
from wording import i18n, labels

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ROOT / "locales"
OTHERS = [code for code in i18n.LANGUAGES if code != i18n.SOURCE]
PLACEHOLDER = re.compile(r"\{[^{}]*\}|\*\*|`")


def catalog(path: Path, lang: str | None = None):
    with path.open("rb") as f:
        return read_po(f, locale=lang)


def msgids(cat) -> set[str]:
    return {m.id for m in cat if m.id}


@pytest.fixture(scope="module", autouse=True)
def compiled(tmp_path_factory: pytest.TempPathFactory):
    """The .mo files built from the .po sources (as `make compile-messages` does), into a
    directory of the test's own: the app reads them from there."""
    out = tmp_path_factory.mktemp("locales")
    for lang in OTHERS:
        target = out / lang / "LC_MESSAGES"
        target.mkdir(parents=True)
        with (target / "messages.mo").open("wb") as f:
            write_mo(f, catalog(LOCALES / lang / "LC_MESSAGES" / "messages.po", lang))
    before = i18n.LOCALES_DIR
    i18n.LOCALES_DIR = out
    i18n.translations.cache_clear()
    yield out
    i18n.LOCALES_DIR = before
    i18n.translations.cache_clear()


# ---------------------------------------------------------------- the catalogs


def test_the_languages_offered_are_english_and_the_six_catalogs() -> None:
    assert list(i18n.LANGUAGES) == ["en", "es", "ca", "nl", "sv", "de", "fr"]
    assert sorted(p.name for p in LOCALES.iterdir() if p.is_dir()) == sorted(OTHERS)


@pytest.mark.parametrize("lang", OTHERS)
def test_every_message_has_a_translation(lang: str) -> None:
    """Each msgid of the template is in the language's catalog with a non-empty, non-fuzzy
    translation that keeps the placeholders, bold and code marks of the English."""
    template = msgids(catalog(LOCALES / "messages.pot"))
    po = catalog(LOCALES / lang / "LC_MESSAGES" / "messages.po", lang)
    assert msgids(po) == template
    for message in po:
        if not message.id:
            continue
        assert message.string, f"{lang}: no translation of {message.id!r}"
        assert not message.fuzzy, f"{lang}: fuzzy translation of {message.id!r}"
        if isinstance(message.id, tuple):  # ngettext: every plural form, with the singular's marks at least
            assert all(message.string) and len(message.string) == po.num_plurals, (lang, message.id)
            singular, plural = (set(PLACEHOLDER.findall(m)) for m in message.id)
            for form in message.string:
                assert singular <= set(PLACEHOLDER.findall(form)) <= plural, (
                    f"{lang}: {message.id!r} -> {form!r}"
                )
            continue
        assert sorted(PLACEHOLDER.findall(message.string)) == sorted(PLACEHOLDER.findall(message.id)), (
            f"{lang}: {message.id!r} -> {message.string!r}"
        )


def test_the_catalogs_are_up_to_date(tmp_path: Path) -> None:
    """`pybabel extract` (as `make messages` runs it) finds exactly the template's messages:
    none added in the code without being extracted, none left over."""
    out = tmp_path / "extracted.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg", "--no-location",
         "--sort-output", "-o", str(out), "."],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    extracted, template = msgids(catalog(out)), msgids(catalog(LOCALES / "messages.pot"))
    assert not extracted - template, (
        f"not in the catalogs (run make messages): {sorted(extracted - template)}"
    )
    assert not template - extracted, (
        f"no longer in the code (run make messages): {sorted(template - extracted)}"
    )


def glossary() -> list[dict[str, str]]:
    with (LOCALES / "glossary.csv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_the_glossary_has_every_language_and_every_term_is_in_the_catalogs() -> None:
    rows = glossary()
    assert list(rows[0]) == ["term", *i18n.LANGUAGES]
    template = msgids(catalog(LOCALES / "messages.pot"))
    for row in rows:
        assert all(row[lang] for lang in i18n.LANGUAGES), row
        assert row["en"] in template, f"glossary term {row['en']!r} is not marked in the code"
    # the scores, the bands and the levels of disclosure all have their official wording
    terms = {row["en"] for row in rows}
    assert (
        set(labels.SCORE_LABELS.values()) | set(labels.BAND_LABELS) | set(labels.LEVEL_LABELS.values())
        <= terms
    )


@pytest.mark.parametrize("lang", OTHERS)
def test_the_catalogs_use_the_glossary_wording(lang: str) -> None:
    po = catalog(LOCALES / lang / "LC_MESSAGES" / "messages.po", lang)
    for row in glossary():
        assert po[row["en"]].string == row[lang], (lang, row["en"])
    with i18n.use(lang):
        assert i18n._("Supply Chain Transparency") == next(r[lang] for r in glossary() if r["term"] == "sct")


def test_a_missing_compiled_catalog_means_english_silently(tmp_path: Path) -> None:
    before = i18n.LOCALES_DIR
    i18n.LOCALES_DIR = tmp_path  # no .mo anywhere
    i18n.translations.cache_clear()
    try:
        with i18n.use("es"):
            assert i18n._("Why this score") == "Why this score"
            assert i18n.ngettext("request", "requests", 2) == "requests"
    finally:
        i18n.LOCALES_DIR = before
        i18n.translations.cache_clear()
    with i18n.use("es"):
        assert i18n._("Why this score") == "Por qué esta puntuación"


# ---------------------------------------------------------------- formats


def _plain(text: str) -> str:
    return text.replace("\u202f", " ").replace("\xa0", " ")


def test_the_formats_the_issue_names() -> None:
    assert _plain(i18n.euros(1946500, "es")) == "1.946.500 €"
    assert _plain(i18n.euros(1946500, "nl")) == "€ 1.946.500"
    assert _plain(i18n.euros(1946500, "fr")) == "1 946 500 €"
    assert i18n.euros(1946500, "en") == "€ 1,946,500" == labels.euros(1946500)  # English as it was


@pytest.mark.parametrize("lang", OTHERS)
def test_formats_are_babels_own(lang: str) -> None:
    day = date(2026, 9, 30)
    assert i18n.number(3115500, lang) == format_decimal(3115500, locale=lang)
    assert i18n.score(61.25, lang) == format_decimal(Decimal("61.3"), format="0.0", locale=lang)
    assert i18n.score(84.15, lang) == format_decimal(
        Decimal("84.2"), format="0.0", locale=lang
    )  # as on screen
    assert i18n.score(84.14999, lang) == format_decimal(Decimal("84.1"), format="0.0", locale=lang)
    pattern = Locale.parse(lang).currency_formats["standard"].pattern.replace(".00", "")
    assert i18n.euros(3115500, lang) == format_currency(3115500, "EUR", format=pattern, locale=lang,
                                                        currency_digits=False)  # fmt: skip
    assert "," not in i18n.euros(3115500, lang).replace(",", "") and "00,00" not in i18n.euros(3115500, lang)
    assert i18n.percent(0.425, lang) == format_percent(0.425, locale=lang)
    assert i18n.day(day, lang) == format_date(day, "medium", locale=lang)
    assert i18n.day(day, lang, format="short") == format_date(day, "short", locale=lang)
    territories = Locale.parse(lang).territories
    assert i18n.country("ES", lang) == territories["ES"] and i18n.country("NL", lang) == territories["NL"]
    with i18n.use(lang):
        assert labels.country_name("SE") == territories["SE"]
        assert labels.country_name("Region 3") == "Region 3"  # not a code: as it is


def test_english_keeps_the_formats_the_app_always_used() -> None:
    assert i18n.current() == "en"
    assert i18n.day(date(2026, 9, 30)) == "2026-09-30"
    assert i18n.score(84.15) == "84.2" and i18n.score(-0.01) == "0.0" and i18n.score(None) == "n/a"
    assert labels.country_name("GB") == "United Kingdom"


def test_the_browser_language_picks_the_first_language_offered() -> None:
    assert i18n.best_match("nl-NL,nl;q=0.9,en;q=0.8") == "nl"
    assert i18n.best_match("ja, sv;q=0.4, de;q=0.6") == "de"
    assert i18n.best_match("en;q=0.5, ca") == "ca"
    assert i18n.best_match("ja, zh") is None and i18n.best_match(None) is None and i18n.best_match("") is None
    assert i18n.normalise("es-ES") == "es" and i18n.normalise("xx") == "en" and i18n.normalise(None) == "en"


# ---------------------------------------------------------------- reports


def pdf_text(payload: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(payload)).pages]


BRIEFING = pd.DataFrame({"company_id": ["CO0001", "CO0011"], "Company": ["Auroline Systems", "Kelvaro Networks"],
                         "SCT": [88.16, 30.66], "FI": [58.27, 19.39], "Overall": [70.22, 23.89],
                         "Band": ["Good", "Insufficient"]})  # fmt: skip
HEADINGS = {
    "es": ("Informe para la consulta preliminar al mercado", "Por qué esta puntuación", "Puntos para la reunión",
           "Confidencial: para los afiliados y la empresa afectada.", ("Nivel Bueno", "Nivel Insuficiente")),
    "nl": ("Briefing voor de marktconsultatie", "Waarom deze score", "Gesprekspunten voor de bijeenkomst",
           "Vertrouwelijk: voor aangesloten organisaties en het betrokken bedrijf.", ("Niveau Goed", "Niveau Onvoldoende")),
}  # fmt: skip


@pytest.fixture
def no_browser(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BROWSER_PATH", raising=False)
    monkeypatch.setattr(report.shutil, "which", lambda name: None)


@pytest.mark.parametrize("lang", ["es", "nl"])
def test_the_briefing_in_spanish_and_dutch(lang: str, no_browser: None) -> None:
    companies = [
        report.BriefingCompany(company_id=c, name=n, sct=s, fi=f, overall=o, band=b, why=[f"Why {n}"],
                               points=pd.DataFrame({"Topic": ["Retaliation"], "Point": [f"Ask {n}"]}))
        for c, n, s, f, o, b in BRIEFING.itertuples(index=False)
    ]  # fmt: skip
    pages = pdf_text(report.briefing_pdf(BRIEFING, date(2026, 9, 30), "v2", None, fictional=True,
                                         companies=companies, language=lang))  # fmt: skip
    assert len(pages) == 3  # the summary fits one page, then one page per company, as in English
    title, why, talking, confidential, bands = HEADINGS[lang]
    assert title in pages[0] and i18n.day(date(2026, 9, 30), lang) in pages[0]
    for value in (88.16, 70.22, 23.89):
        assert i18n.score(value, lang) in pages[0]  # "70,2": the locale's decimal comma
    assert "70.2" not in pages[0] and "Market engagement" not in "\n".join(pages)
    assert all(confidential in page for page in pages)
    for page, band in zip(pages[1:], bands, strict=True):
        assert why in page and talking in page and band in page.replace("\n", " ")
        assert "Why this score" not in page and "Talking points" not in page
    assert i18n.current() == "en"  # the caller's language is left as it was


@pytest.mark.parametrize("lang", ["es", "nl"])
def test_the_company_report_in_spanish_and_dutch(demo_db: Path, no_browser: None, lang: str) -> None:
    with i18n.use(lang):
        data, fig = build(demo_db, date(2024, 12, 31), "in-force")
    assert data.language == lang
    english, _fig = build(demo_db, date(2024, 12, 31), "in-force")
    pages = pdf_text(report.company_report_pdf(data, fig))
    text = "\n".join(pages)
    _title, why, *_rest = HEADINGS[lang]
    assert why in text and "Why this score" not in text
    with i18n.use(lang):
        as_of = i18n._("As of {}. Methodology {} ({}). Generated {}.").split("{}")[0] + i18n.day(
            date(2024, 12, 31)
        )
    assert as_of in text
    for value in (data.sct, data.fi, data.overall):
        assert i18n.score(value, lang) in text
    assert all(HEADINGS[lang][3] in page for page in pages)
    with i18n.use(lang):
        assert i18n._("Open findings (not verified as remedied)") in text
    html = report.company_report_html(data, fig, report.report_tables(data))
    assert f"<html lang='{lang}'>" in html and why in html
    # the English report of the same data is unchanged
    english_text = "\n".join(pdf_text(report.company_report_pdf(english, fig)))
    assert "Why this score" in english_text and "As of 2024-12-31" in english_text


def test_the_pdf_keeps_the_euro_sign_and_french_digit_groups() -> None:
    assert report.latin(i18n.euros(1946500, "es")) == "1.946.500\xa0€"
    assert report.latin(i18n.euros(1946500, "fr")) == "1\xa0946\xa0500\xa0€"


# ---------------------------------------------------------------- the account's language


def test_the_language_is_stored_on_the_account(writable_demo_app: Path) -> None:
    with duckdb.connect(str(writable_demo_app), read_only=True) as con:
        assert languages.stored(con.cursor(), "demo-affiliate") is None
    languages.choose(writable_demo_app, "demo-affiliate", "nl", who="demo-affiliate")
    with duckdb.connect(str(writable_demo_app), read_only=True) as con:
        assert languages.stored(con.cursor(), "demo-affiliate") == "nl"
        assert languages.stored(con.cursor(), "demo-admin") is None
        logged = con.execute("SELECT detail FROM audit_log WHERE action = 'language'").fetchall()
    assert logged == [("demo-affiliate: nl",)]
    with pytest.raises(Exception, match="language must be one of"):
        languages.choose(writable_demo_app, "demo-affiliate", "xx", who="demo-affiliate")


def test_removing_an_account_removes_its_language(writable_demo_app: Path) -> None:
    from data.access import accounts

    languages.choose(writable_demo_app, "demo-company", "de", who="demo-admin")
    accounts.remove_user(writable_demo_app, "demo-company", who="demo-admin")
    with duckdb.connect(str(writable_demo_app), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM meta WHERE key = 'language:demo-company'").fetchone() == (0,)


def open_company(role: str, db: Path, chosen: str | None = None, **params: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state[auth.SESSION_ID] = sessions.STORE.create(apptest.demo_user(db, role))
    if chosen is not None:
        at.session_state[language.CHOSEN] = chosen
    for key, value in params.items():
        at.query_params[key] = value
    at.query_params[nav.TARGET_PARAM] = "company"
    return at.run()


def texts(at: AppTest) -> str:
    parts = [e.value for kind in ("title", "header", "caption", "markdown", "info") for e in at.get(kind)]
    parts += [m.label for m in at.get("metric")] + [b.label for b in at.get("download_button")]
    return "\n".join(str(p) for p in parts)


def test_the_company_page_in_spanish_keeps_data_untranslated(demo_app: Path) -> None:
    at = open_company("affiliate", demo_app, "es", company="CO0011", as_of="2024-12-31")
    assert not at.exception
    shown = texts(at)
    for spanish in ("Por qué esta puntuación", "Informe de puntuación", "Contratos con afiliados",
                    "Transparencia de la cadena de suministro", "Descargar informe (PDF)", "Cerrar sesión"):  # fmt: skip
        assert spanish in shown or spanish in str(at.sidebar.get("button")[0].label), spanish
    for english in ("Why this score", "Scoring report", "Contracts with affiliates", "Download report (PDF)"):
        assert english not in shown, english
    assert at.title[0].value == "Kelvaro Networks"  # a name is data: never translated
    assert [e.label for e in at.selectbox if e.key == "as_of"] == ["A fecha de (cierre de trimestre)"]
    assert next(e for e in at.selectbox if e.key == "as_of").value == date(2024, 12, 31)
    assert "31 dic 2024" in shown  # the date in the caption, as Spanish readers write it


def test_switching_language_keeps_company_date_and_methodology_and_is_stored(writable_demo_app: Path) -> None:
    at = open_company("affiliate", writable_demo_app, company="CO0011", as_of="2023-06-30", methodology="v1")
    assert "Why this score" in texts(at)
    at.sidebar.selectbox(key=language.WIDGET).set_value("nl").run()
    assert not at.exception
    shown = texts(at)
    assert "Waarom deze score" in shown and "Why this score" not in shown
    assert at.query_params["company"] == "CO0011" and at.query_params["as_of"] == "2023-06-30"
    assert at.query_params["methodology"] == "v1"
    assert at.title[0].value == "Kelvaro Networks"
    with duckdb.connect(str(writable_demo_app), read_only=True) as con:
        assert languages.stored(con.cursor(), "demo-affiliate") == "nl"
    # the next session of the account starts in Dutch
    again = open_company("affiliate", writable_demo_app, company="CO0011")
    assert "Waarom deze score" in texts(again)


def test_the_report_download_has_a_language_of_its_own(demo_app: Path, no_browser: None) -> None:
    at = open_company("affiliate", demo_app, company="CO0011", as_of="2024-12-31")
    report_language = next(s for s in at.selectbox if s.key.startswith("report_language"))
    report_language.set_value("es").run()
    assert "Why this score" in texts(at)  # the page stays in English
    text = "\n".join(pdf_text(apptest.download(at, "download_report_pdf")))
    assert "Por qué esta puntuación" in text and "31 dic 2024" in text
    from ui import company_view

    assert company_view.language_part("es") == "-es" and company_view.language_part("en") == ""  # file names
