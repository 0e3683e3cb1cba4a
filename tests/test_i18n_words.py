"""The sentences the product writes, in the affiliates' languages (issue 25): the "Why" and
change sentences, the improvement actions, the talking points and the peer line, on the Company
page and in the scoring report and the briefing PDF (read back with pypdf), with the locale's
numbers and dates; English exactly as before."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from babel.messages.extract import extract_from_file

import scoring
from data.queries import companies as company_queries
from reports import report
from tests.report_build import COMPANY, build
from tests.test_i18n import compiled as compiled  # noqa: F401 (autouse: the .mo files built for the tests)
from tests.test_i18n import no_browser as no_browser  # noqa: F401 (a fixture)
from tests.test_i18n import open_company, pdf_text
from wording import i18n, narrative, talking

ROOT = Path(__file__).resolve().parent.parent
AS_OF = date(2024, 12, 31)
BEFORE = date(2024, 9, 30)
WORDING = (
    "wording/narrative.py",
    "wording/talking.py",
    "wording/summary.py",
    "wording/asks.py",
    "wording/disputes.py",
)


def english_fragments(*modules: str) -> set[str]:
    """The words of the modules' English messages between their placeholders, long enough to
    tell English from another language ("the final-assembly factories of", "by the deadline")."""
    found: set[str] = set()
    for module in modules:
        for _line, message, _comments, _context in extract_from_file("python", str(ROOT / module)):
            for text in message if isinstance(message, tuple) else (message,):
                for part in re.split(r"\{[^{}]*\}", text):
                    part = part.strip(" .,;:()→")
                    if len(part) >= 12 and " " in part:
                        found.add(part)
    return found


def english_left(texts: list[str], fragments: set[str]) -> list[tuple[str, str]]:
    return [(f, t) for t in texts for f in fragments if f in t]


@pytest.fixture(scope="module")
def kelvaro(demo_db: Path):
    with duckdb.connect(str(demo_db), read_only=True) as con:
        cur = con.cursor()
        evidence = scoring.load_evidence(cur, [COMPANY])
        names = narrative.Names.from_frame(company_queries.company_names(cur, COMPANY))
    why = scoring.explain(evidence, COMPANY, AS_OF, "in-force")
    before = scoring.explain(evidence, COMPANY, BEFORE, "in-force")
    actions = scoring.actions(evidence, COMPANY, AS_OF, "in-force")
    plan = scoring.next_band(actions, why.overall, evidence)
    return why, before, evidence, names, actions, plan


def sentences(kelvaro) -> list[str]:
    why, before, evidence, names, actions, plan = kelvaro
    scored, left = narrative.request_table(why, evidence, names)
    cases, left_cases = narrative.case_table(why, evidence, names)
    out = [
        *scored["Why"],
        *scored["Evidence"],
        *left["Why"],
        *cases["Why"],
        *cases["Status"],
        *left_cases["Why"],
    ]
    out += narrative.why_summary(why, evidence) + narrative.change_sentences(why, before, evidence, names)
    out += narrative.action_sentences(actions, names) + list(
        narrative.actions_table(actions, names)["What to do"]
    )
    out += narrative.next_band_sentences(plan, why.overall, names)
    points = talking.talking_points(why, evidence, names, actions)
    return out + list(points["Topic"]) + list(points["Point"])


def test_english_fragments_are_found_in_english(kelvaro) -> None:
    """The check below means something: the English sentences are full of the fragments."""
    english = sentences(kelvaro)
    assert len(english_left(english, english_fragments(*WORDING))) > 20
    assert "Disclose the final-assembly factories of" in "\n".join(english)


@pytest.mark.parametrize("lang", [code for code in i18n.LANGUAGES if code != i18n.SOURCE])
def test_the_sentences_have_no_english_left(kelvaro, lang: str) -> None:
    with i18n.use(lang):
        shown = sentences(kelvaro)
    assert not english_left(shown, english_fragments(*WORDING)), english_left(
        shown, english_fragments(*WORDING)
    )[:5]
    # data stays data: the factory names are in the sentences untranslated
    names = kelvaro[3]
    assert any(name in text for text in shown for name in names.factories.values())


def test_spanish_sentences_use_the_locale_and_the_glossary(kelvaro) -> None:
    why, before, evidence, names, actions, plan = kelvaro
    with i18n.use("es"):
        summary = narrative.why_summary(why, evidence)
        changes = narrative.change_sentences(why, before, evidence, names)
        steps = narrative.actions_table(actions, names)["What to do"]
    assert summary[0].startswith(f"SCT {i18n.score(why.sct, 'es')}: se cuentan ")
    assert "divulgación parcial" in summary[0] and "," in i18n.score(why.sct, "es")
    assert summary[2].startswith(f"Global {i18n.score(why.overall, 'es')} = 0,4 × SCT + 0,6 × FI")
    assert changes[0].startswith(f"Desde el {i18n.day(BEFORE, 'es')}: Global ")  # "30 sept 2024"
    assert any(s.startswith("Haga verificar la reparación del hallazgo") for s in steps)
    assert not any("2024-" in s for s in changes)  # dates as Spanish readers write them


def test_english_stays_as_it_was(kelvaro) -> None:
    why, before, evidence, names, actions, plan = kelvaro
    summary = narrative.why_summary(why, evidence)
    assert re.match(r"SCT \d+\.\d: \d+ disclosure requests counted \(", summary[0])
    assert narrative.change_sentences(why, before, evidence, names)[0].startswith(
        "Since 2024-09-30: Overall "
    )
    assert (
        narrative.signed(0.0) == "±0.0"
        and narrative.percent(0.125) == "12.5%"
        and narrative.number(2.5) == "2.5"
    )
    with i18n.use("es"):
        assert narrative.signed(-25.25) == "−25,3" and narrative.percent(0.125) == "12,5\xa0%"
        assert narrative.day(pd.Timestamp("2026-09-30")) == "30 sept 2026"


def page_texts(at) -> list[str]:
    texts = [str(e.value) for kind in ("markdown", "caption", "info", "text") for e in at.get(kind)]
    for frame in at.dataframe:
        value = frame.value
        value = value.data if hasattr(value, "data") else value
        texts += [str(v) for v in value.to_numpy().ravel()]
    return texts


def test_the_company_page_why_and_how_to_improve_in_spanish(demo_app: Path) -> None:
    at = open_company("affiliate", demo_app, "es", company=COMPANY, as_of=AS_OF.isoformat())
    assert not at.exception
    shown = page_texts(at)
    assert not english_left(shown, english_fragments(*WORDING)), english_left(
        shown, english_fragments(*WORDING)
    )[:5]
    joined = "\n".join(shown)
    assert "Haga verificar la reparación del hallazgo" in joined  # an improvement action
    assert "en plazo" in joined and "Desde el 30 sept 2024" in joined  # a Why cell and a change sentence


def normalised(pages: list[str]) -> str:
    return re.sub(r"\s+", " ", "\n".join(pages))


@pytest.mark.usefixtures("no_browser")
@pytest.mark.parametrize("lang", ["es", "nl"])
def test_the_company_report_says_its_sentences_in_the_language(demo_db: Path, lang: str) -> None:
    english, fig = build(demo_db, AS_OF, "in-force")
    with i18n.use(lang):
        data, _fig = build(demo_db, AS_OF, "in-force")
    pages = pdf_text(report.company_report_pdf(data, fig))
    text = normalised(pages)
    for line in data.why:
        assert re.sub(r"\s+", " ", report.latin(line))[:60] in text, line
    assert i18n.score(data.overall, lang) in text
    assert not english_left([text], english_fragments(*WORDING))
    assert data.open_findings.iloc[0]["Severity"] in {
        "Grave",
        "Crítico",
        "Leve",
        "Ernstig",
        "Kritiek",
        "Gering",
    }
    english_pages = pdf_text(report.company_report_pdf(english, fig))
    assert len(pages) <= len(english_pages) + 1  # the translation does not run away with the pages


@pytest.mark.usefixtures("no_browser")
@pytest.mark.parametrize("lang", ["es", "nl"])
def test_the_briefing_says_why_and_the_talking_points_in_the_language(kelvaro, lang: str) -> None:
    why, _before, evidence, names, actions, _plan = kelvaro
    table = pd.DataFrame({"company_id": [COMPANY], "Company": ["Kelvaro Networks"], "SCT": [why.sct],
                          "FI": [why.fi], "Overall": [why.overall], "Band": [why.band]})  # fmt: skip

    def company() -> report.BriefingCompany:
        return report.BriefingCompany(
            company_id=COMPANY, name="Kelvaro Networks", sct=why.sct, fi=why.fi, overall=why.overall,
            band=why.band, strongest="Disclosure: final assembly", weakest="Verified remediation",
            why=narrative.why_summary(why, evidence), points=talking.talking_points(why, evidence, names, actions),
        )  # fmt: skip

    english = pdf_text(report.briefing_pdf(table, AS_OF, "v2", None, fictional=True, companies=[company()]))
    with i18n.use(lang):
        built = company()
    pages = pdf_text(
        report.briefing_pdf(table, AS_OF, "v2", None, fictional=True, companies=[built], language=lang)
    )
    assert len(pages) == len(english)  # fits as the English does: a summary page, then the company's
    text = normalised(pages)
    for line in built.why:
        assert re.sub(r"\s+", " ", report.latin(line))[:60] in text, line
    for topic, point in built.points.itertuples(index=False):
        assert report.latin(topic) in text and re.sub(r"\s+", " ", report.latin(point))[:50] in text
    assert i18n.score(why.overall, lang) in text and i18n.day(AS_OF, lang) in text
    strongest = {"es": "Divulgación: ensamblaje final", "nl": "Openbaarmaking: eindassemblage"}[lang]
    assert strongest in text
    assert not english_left([text], english_fragments(*WORDING))


@pytest.mark.parametrize("lang", ["es", "nl", "de"])
def test_the_methodology_help_and_breakdown_in_the_language(lang: str) -> None:
    from wording import breakdown

    with i18n.use(lang):
        helps = [breakdown.metric_help(score, "v2") for score in ("sct", "fi", "overall", "band")]
        helps.append(breakdown.help_text())
    assert not english_left(helps, english_fragments("wording/breakdown.py", "wording/narrative.py"))
    assert "0,7" in helps[0] and "0.7" not in helps[0]  # the late factor, in the locale's decimals
    assert breakdown.metric_help("sct", "v2").startswith(
        "Supply Chain Transparency, 0–100 (v2): 100 × the sum"
    )


# ---------------------------------------------------------------- import errors


def import_errors(db: Path, files: dict[str, str]) -> list[str]:
    from data.importing import importer

    with duckdb.connect(str(db), read_only=True) as con:
        plan = importer.validate_files([(n, t.encode()) for n, t in files.items()], con.cursor())
    return [str(p) for p in plan.errors]


BAD_FACTORY = {
    "factories.csv": "factory_id,legal_name,address,city,country,tier,component_type\n"
    "FA9,Plant,1 Road,Town,ZZ,final_assembly,\n"
}


def test_an_import_error_in_spanish_names_file_line_column_and_the_problem(demo_db: Path) -> None:
    english = import_errors(demo_db, BAD_FACTORY)
    assert english == [
        "factories.csv:2: country: 'ZZ' is not an ISO 3166-1 alpha-2 country code (e.g. CN, MY, NL)"
    ]
    with i18n.use("es"):
        spanish = import_errors(demo_db, BAD_FACTORY)
    assert spanish == [
        "factories.csv:2: country: 'ZZ' no es un código de país ISO 3166-1 alfa-2 (p. ej. CN, MY, NL)"
    ]
    with i18n.use("nl"):
        width = import_errors(demo_db, {"factories.csv": BAD_FACTORY["factories.csv"] + "FA8,Plant\n"})
    assert "factories.csv:3: de rij heeft 2 waarden maar de koprij heeft 7 kolommen" in width


# ---------------------------------------------------------------- charts


def test_the_trajectory_chart_in_spanish_and_english(demo_db: Path) -> None:
    with i18n.use("es"):
        _data, fig = build(demo_db, AS_OF, "in-force")
    layout = fig.to_plotly_json()["layout"]
    assert layout["separators"] == ",."  # "61,3" on the axes and in the hover labels
    assert layout["yaxis"]["title"]["text"] == "Puntuación (0–100)"
    assert [t.name for t in fig.data][:3] == ["Transparencia de la cadena de suministro", "Mejora en las fábricas",
                                              "Global"]  # fmt: skip
    assert "metodología %{customdata[0]}" in fig.data[0].hovertemplate
    assert {t.name for t in fig.data[3:]} <= {"Vencimiento de solicitud de divulgación", "Informe de supervisión abierto",
                                              "Reparación verificada", "Represalias confirmadas"}  # fmt: skip
    _data, english = build(demo_db, AS_OF, "in-force")
    assert "separators" not in english.to_plotly_json()["layout"]
    assert english.to_plotly_json()["layout"]["yaxis"]["title"]["text"] == "Score (0–100)"


def test_the_evidence_charts_in_dutch() -> None:
    from charts import improvement, transparency

    findings = pd.DataFrame(
        {"code_area": ["wages", "wages"], "severity": ["major", "minor"], "findings": [3, 1]}
    )
    by_country = pd.DataFrame({"country": ["CN"], "tier": ["final_assembly"], "factories": [4]})
    with i18n.use("nl"):
        area = improvement.findings_by_area(findings)
        country = transparency.factories_by_country(by_country)
    assert area.layout.title.text == "Bevindingen per codegebied en ernst"
    assert list(area.data[1].y) == ["Lonen"] and area.data[1].name == "Ernstig"
    assert "3 bevindingen" in area.data[1].hovertemplate.replace("%{x}", "3")
    assert list(country.data[0].y) == ["China (CN)"] and country.layout.yaxis.title.text == "Productieland"
    assert area.layout.separators == ",."
    english = improvement.findings_by_area(findings)
    assert english.layout.title.text == "Findings by code area and severity" and list(english.data[1].y) == [
        "Wages"
    ]


def test_what_affiliates_expect_in_spanish() -> None:
    from data.queries import expectations

    assessed = pd.DataFrame({"affiliate": ["City of Utrecht"], "what": ["overall"], "target": ["60"],
                             "due_on": [date(2027, 6, 27)], "status": ["on track"], "value": ["51.3"], "note": [None]})  # fmt: skip
    english = expectations.briefing_lines(expectations.report_table(assessed))
    assert english == ["Overall score 60 by 2027-06-27: on track (51.3)"]
    with i18n.use("es"):
        spanish = expectations.briefing_lines(expectations.report_table(assessed))
    assert spanish == [f"Puntuación global 60 antes del {i18n.day(date(2027, 6, 27), 'es')}: en curso (51,3)"]


@pytest.mark.usefixtures("no_browser")
def test_the_html_report_in_dutch_heads_every_column_in_dutch(demo_db: Path) -> None:
    with i18n.use("nl"):
        data, fig = build(demo_db, AS_OF, "in-force")
    html = report.company_report_html(data, fig, report.report_tables(data))
    assert "<th>Bevestigd (van 10)</th>" in html and "<th>Waarom</th>" in html
    assert "(of 10)" not in html and "<th>Why</th>" not in html
    assert not english_left([html], english_fragments(*WORDING))
