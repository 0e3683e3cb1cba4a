"""Every page in Spanish and German, signed in as an affiliate and as staff: no English wording of
the catalogs is left on screen outside the data (issue 25: "every page renders in each language
with no English string left outside the data").

What is checked is what a reader sees as the page's own words: titles, headers, Markdown,
captions, alerts, metric and widget labels, help texts, buttons, expanders, tabs, page links and
the tables' column headers. An English msgid of the catalog (longer than 12 characters, so that
proper nouns and words spelt alike in both languages do not count) must not be among them, nor
inside them. Cells of tables are data and are not read."""

from __future__ import annotations

import ast
import json
from functools import cache
from pathlib import Path

import duckdb
import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_python
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from streamlit.testing.v1 import AppTest

from data.access import sessions
from tests import apptest, markup_check
from ui import auth, language, nav
from wording import i18n

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ROOT / "locales"
MIN_LENGTH = 12  # shorter msgids are words such as "Data", "Plan", "Status": alike in several languages
LANGS = ["es", "de"]


@pytest.fixture(scope="module", autouse=True)
def compiled(tmp_path_factory: pytest.TempPathFactory):
    """The .mo files built from the .po sources, as `make compile-messages` does."""
    out = tmp_path_factory.mktemp("locales-pages")
    for lang in i18n.LANGUAGES:
        if lang == i18n.SOURCE:
            continue
        target = out / lang / "LC_MESSAGES"
        target.mkdir(parents=True)
        with (LOCALES / lang / "LC_MESSAGES" / "messages.po").open("rb") as f:
            catalog = read_po(f, locale=lang)
        with (target / "messages.mo").open("wb") as f:
            write_mo(f, catalog)
    before = i18n.LOCALES_DIR
    i18n.LOCALES_DIR = out
    i18n.translations.cache_clear()
    yield out
    i18n.LOCALES_DIR = before
    i18n.translations.cache_clear()


def interface_msgids() -> set[str]:
    """The messages of the app, the pages and their UI modules (babel.cfg's app.py, pages/ and ui/
    entries): the page's own words. Sentences built in wording/ and chart titles from charts/ have
    their own tests (tests/test_i18n.py, the report and briefing tests)."""
    modules = [
        line.strip()[len("[python: ") : -1]
        for line in (ROOT / "babel.cfg").read_text(encoding="utf-8").splitlines()
        if line.startswith("[python: ")
        and line.strip()[len("[python: ") :].startswith(("app.py", "pages/", "ui/"))
    ]
    found = set()
    for module in modules:
        with (ROOT / module).open("rb") as f:
            for _line, _function, message, _comments in extract_python(f, DEFAULT_KEYWORDS.keys(), [], {}):
                found.update(m for m in (message if isinstance(message, tuple) else (message,)) if m)
    return found


@cache
def interface_literals() -> frozenset[str]:
    """Every English text piece (longer than MIN_LENGTH) written in app.py, pages/ and ui/: a string
    left unwrapped there shows in English whatever the language (wrapped ones are translated)."""
    pieces = set()
    for path in [
        ROOT / "app.py",
        *sorted((ROOT / "pages").glob("*.py")),
        *sorted((ROOT / "ui").glob("*.py")),
    ]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef)) and node.body
            and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)
        }  # fmt: skip
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
                for piece in node.value.replace("**", "{").split("{"):
                    piece = piece.split("}")[-1].strip(" .:;,()")
                    words = [w for w in piece.split() if w.isalpha() and w.islower() and len(w) > 1]
                    if len(piece) > MIN_LENGTH and len(words) >= 2:  # words, not a name, code or formula
                        pieces.add(piece)
    return frozenset(pieces)


def english_msgids(lang: str) -> set[str]:
    """The interface's English messages whose translation in `lang` differs, longer than MIN_LENGTH,
    as literal text (a template's placeholders cut it into pieces; the longest piece stands for it)."""
    with (LOCALES / lang / "LC_MESSAGES" / "messages.po").open("rb") as f:
        catalog = read_po(f, locale=lang)
    interface = interface_msgids()
    found = set()
    for message in catalog:
        if not message.id or not isinstance(message.id, str) or message.string == message.id:
            continue
        if message.id not in interface:
            continue
        piece = max(message.id.replace("**", "{}").replace("`", "{}").split("{"), key=len)
        piece = piece.split("}")[-1].strip(" .:;,()")
        if len(piece) > MIN_LENGTH:
            found.add(piece)
    return found


def _column_labels(element) -> list[str]:
    """The column headers a data table shows: its column configuration's label (and help), else
    the column's own name; hidden columns and those left out by the column order excepted."""
    config = json.loads(element.proto.columns or "{}")
    order = list(element.proto.column_order) or None
    try:
        names = [str(c) for c in element.value.columns]
    except Exception:  # a styled or empty frame that does not read back: its configuration only
        names = [str(c) for c in config]
    shown = []
    for name in names:
        column = config.get(name, {})
        if column.get("hidden") or (order is not None and name not in order):
            continue
        shown.append(str(column.get("label") or name))
        if column.get("help"):
            shown.append(str(column["help"]))
    return shown


def shown_texts(at: AppTest) -> list[str]:
    """The page's own words, as listed in the module docstring (the sidebar included)."""
    texts = [*markup_check.bodies(at), *(str(e.value) for e in at.get("text"))]
    for kind in ("metric", "selectbox", "multiselect", "text_input", "text_area", "number_input", "date_input",
                 "toggle", "checkbox", "radio", "button", "download_button", "expander", "tab", "segmented_control",
                 "page_link", "link_button", "file_uploader", "button_group"):  # fmt: skip
        for e in at.get(kind):
            for attribute in ("label", "help", "placeholder"):
                value = getattr(e, attribute, None)
                if value is None:
                    value = getattr(getattr(e, "proto", None), attribute, None)
                if value:
                    texts.append(str(value))
    for e in at.get("dataframe"):
        texts += _column_labels(e)
    return texts


@cache
def built_elsewhere() -> frozenset[str]:
    """English text pieces (longer than MIN_LENGTH) of the sentences built in wording/ (narrative,
    talking points, score help, ...) and of the chart titles in charts/: a page shows them through
    those modules, which go through the catalogs on their own (wording/labels.py and
    wording/i18n.py are not among them: their words are the interface's)."""
    pieces = set()
    files = [*sorted((ROOT / "wording").glob("*.py")), *sorted((ROOT / "charts").glob("*.py"))]
    for path in files:
        if path.name in ("labels.py", "i18n.py", "__init__.py"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                for piece in node.value.replace("**", "{").split("{"):
                    piece = piece.split("}")[-1].strip(" .:;,()")
                    if len(piece) > MIN_LENGTH:
                        pieces.add(piece)
    return frozenset(pieces)


def leftovers(at: AppTest, lang: str) -> list[tuple[str, str]]:
    english = english_msgids(lang) | interface_literals()
    with i18n.use(lang):  # a chart's data-table label quotes the chart's title (charts/): left out
        before, after = i18n._("Data of the chart “{}” as a table").split("{}")
    found = []
    for text in shown_texts(at):
        flat = " ".join(text.replace("\\", "").replace("\u2060", "").split())
        if flat.startswith(before) and flat.endswith(after):
            flat = before + after
        if any(piece in flat for piece in built_elsewhere()):
            continue  # a sentence or a chart title of wording/ or charts/
        found += [(message, flat[:120]) for message in english if message in flat]
    return sorted(set(found))


def open_in(lang: str, role: str, page: str, db: Path, **params: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.session_state[auth.SESSION_ID] = sessions.STORE.create(apptest.demo_user(db, role))
    at.session_state[language.CHOSEN] = lang
    for key, value in params.items():
        at.query_params[key] = value
    at.query_params[nav.TARGET_PARAM] = page
    return at.run()


def a_factory(db: Path) -> str:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("SELECT factory_id FROM factories ORDER BY factory_id LIMIT 1").fetchone()[0]


PAGES = {
    "affiliate": ["overview", "company", "compare", "contracts", "factory", "changes", "transparency",
                  "improvement", "methodology"],
    "admin": ["overview", "company", "compare", "contracts", "factory", "changes", "transparency", "improvement",
              "methodology", "data", "accounts", "disputes"],
}  # fmt: skip


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("role", list(PAGES))
def test_no_english_left_on_any_page(demo_app: Path, role: str, lang: str) -> None:
    params = {"compare": {"company": "CO0001,CO0011,CO0010"}, "company": {"company": "CO0011"},
              "factory": {"factory": a_factory(demo_app)}}  # fmt: skip
    problems = {}
    for page in PAGES[role]:
        at = open_in(lang, role, page, demo_app, **params.get(page, {}))
        assert not at.exception, (page, [e.value for e in at.exception])
        assert at.title and len(shown_texts(at)) > 5, page  # the page drew, and its words are read
        found = leftovers(at, lang)
        if found:
            problems[page] = found
    assert not problems, json.dumps(problems, ensure_ascii=False, indent=1)


def test_the_check_finds_english(demo_app: Path) -> None:
    """The same page in English is full of the catalog's messages: the check would see them."""
    at = open_in("en", "affiliate", "overview", demo_app)
    shown = " ".join(shown_texts(at))
    assert "Company leaderboard" in shown and "Download leaderboard (CSV)" in shown
    assert len([m for m in english_msgids("es") if m in shown]) > 10
    assert "Select a row to open the company" in " ".join(t for t in shown_texts(at))
    spanish = open_in("es", "affiliate", "overview", demo_app)
    assert spanish.title[0].value == "Clasificación de empresas"
    assert any("Descargar clasificación (CSV)" == b.label for b in spanish.get("download_button"))
