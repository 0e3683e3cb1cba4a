"""Every query a page can reach is scoped, and says how (issue 24, item 3).

`ui.cache.scoped` settles what an account may see from parameters the decorator declares
(`companies`, `company`, `viewer`, `handles`, or `public=True`), checked when the module is
imported: a declared name that is no parameter, or a parameter named like a scope that is not
declared, raises. These tests walk the ui/ modules the pages read data through and the pages'
own imports, so a new query or page cannot skip the rule.
"""

from __future__ import annotations

import ast
import importlib
import inspect
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from streamlit.runtime.caching.cache_utils import CachedFunc

from ui import cache
from ui.present import STAFF_PAGES

ROOT = Path(__file__).resolve().parent.parent
UI_MODULES = sorted(p.stem for p in (ROOT / "ui").glob("*.py") if p.stem != "__init__")
# Cached functions that are not queries a page reads: named here with the reason.
NOT_QUERIES = {
    "ui.cache.pseudonym_map": "the pseudonyms `scoped` disguises with (called inside it)",
    "ui.figures.trajectory": "a figure kept between runs, keyed by the rows a scoped query returned",
}
FORBIDDEN_IN_PAGES = ("duckdb", "data.queries", "data.store")


def _defined_in(module) -> dict[str, object]:
    return {
        name: obj
        for name, obj in vars(module).items()
        if getattr(obj, "__module__", None) == module.__name__ or isinstance(obj, CachedFunc)
    }


def scoped_queries() -> dict[str, object]:
    found = {}
    for stem in UI_MODULES:
        module = importlib.import_module(f"ui.{stem}")
        for name, obj in _defined_in(module).items():
            if hasattr(obj, "scope"):
                found[f"ui.{stem}.{name}"] = obj
    return found


def test_every_cached_function_of_the_ui_is_a_scoped_query_or_private() -> None:
    """A public Streamlit-cached function in ui/ is a query a page may call: it must be made
    with `scoped` (a private `_name` one is only called by a scoped query of its module)."""
    unscoped = []
    for stem in UI_MODULES:
        module = importlib.import_module(f"ui.{stem}")
        for name, obj in vars(module).items():
            where = f"ui.{stem}.{name}"
            if isinstance(obj, CachedFunc) and not name.startswith("_") and where not in NOT_QUERIES:
                unscoped.append(where)
    assert unscoped == []


def test_every_scoped_query_declares_its_scope_or_is_public() -> None:
    queries = scoped_queries()
    assert len(queries) >= 45  # ui/cache.py, ui/contract_cache.py, ui/evidence_cache.py
    for where, query in queries.items():
        scope = query.scope
        assert scope.public or scope.staff or scope.companies or scope.company or scope.viewer, where
        params = inspect.signature(query).parameters
        assert next(iter(params)) == "version", where
        # every parameter named like a scope is declared as one
        for p in params:
            if p == "viewer" or p.endswith(("_id", "_ids")):
                assert p in (scope.viewer, *scope.ids()), (where, p)


def test_contract_queries_all_take_the_viewer_and_evidence_queries_the_companies() -> None:
    """Contracts confidentiality rides on the viewer; evidence on the company scope."""
    from ui import contract_cache, evidence_cache

    for where, query in scoped_queries().items():
        if where.startswith("ui.contract_cache."):
            assert query.scope.viewer == "viewer", where
        if where.startswith("ui.evidence_cache."):
            assert query.scope.companies == "company_ids", where
    assert contract_cache.factory_list.scope.companies == "company_ids"
    assert evidence_cache.case_page.scope.viewer is None


def test_a_declared_scope_that_is_no_parameter_raises_at_decoration() -> None:
    with pytest.raises(TypeError, match="not parameters"):

        @cache.scoped(companies="company_ids")
        def renamed(version: object, companies: tuple[str, ...] | None = None) -> pd.DataFrame:
            return pd.DataFrame()


def test_a_scope_parameter_that_is_not_declared_raises_at_decoration() -> None:
    with pytest.raises(TypeError, match="not declared"):

        @cache.scoped(public=True)
        def forgot(version: object, company_ids: tuple[str, ...] | None = None) -> pd.DataFrame:
            return pd.DataFrame()

    with pytest.raises(TypeError, match="not declared"):

        @cache.scoped(companies="company_ids")
        def handle_forgotten(version: object, company_ids: tuple[str, ...] | None, factory_id: str) -> int:
            return 0

    with pytest.raises(TypeError, match="not declared"):

        @cache.scoped(company="company_id")
        def viewer_forgotten(version: object, company_id: str, viewer: object = None) -> int:
            return 0


def test_a_query_without_a_scope_must_say_it_is_public() -> None:
    with pytest.raises(TypeError, match="public=True"):

        @cache.scoped()
        def unsaid(version: object, as_of: date) -> int:
            return 0

    with pytest.raises(TypeError, match="public=True"):

        @cache.scoped(company="company_id", public=True)
        def both(version: object, company_id: str) -> int:
            return 0

    with pytest.raises(TypeError, match="version"):

        @cache.scoped(public=True)
        def no_version(as_of: date) -> int:
            return 0


def _page_trees() -> dict[str, ast.Module]:
    return {p.name: ast.parse(p.read_text(encoding="utf-8")) for p in sorted((ROOT / "pages").glob("*.py"))}


def _forbidden(module: str) -> bool:
    return any(module == f or module.startswith(f + ".") for f in FORBIDDEN_IN_PAGES)


def test_pages_read_data_only_through_the_scoped_queries() -> None:
    """Pages never import DuckDB, the queries or the store (only their constants, in capitals),
    nor open the reader: data reaches a page through ui/, where every query is scoped. The staff
    pages (`present.STAFF_PAGES`: import and accounts, admin only) write the store and are
    checked separately below."""
    found = []
    for page, tree in _page_trees().items():
        if page.removesuffix(".py") in STAFF_PAGES:
            continue
        found += [
            (page, "reader()") for n in ast.walk(tree) if isinstance(n, ast.Attribute) and n.attr == "reader"
        ]
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found += [(page, a.name) for a in node.names if _forbidden(a.name)]
            elif isinstance(node, ast.ImportFrom) and node.module:
                for a in node.names:
                    full = f"{node.module}.{a.name}"
                    if not a.name.isupper() if _forbidden(node.module) else _forbidden(full):
                        found.append((page, full))
    assert found == []


def test_pages_call_no_private_function_of_the_ui() -> None:
    """`cache._peer_scores` and the like skip the scope: pages call only the public queries."""
    found = []
    for page, tree in _page_trees().items():
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
                and isinstance(node.value, ast.Name)
                and node.value.id
                in {"cache", "cc", "ev", "contract_cache", "evidence_cache", "view", "views"}
            ):
                found.append((page, f"{node.value.id}.{node.attr}"))
    assert found == []


def test_the_contract_pages_are_thin() -> None:
    for page in ("contracts.py", "factory.py"):
        assert len((ROOT / "pages" / page).read_text(encoding="utf-8").splitlines()) < 150, page


def test_the_staff_pages_are_the_admin_only_ones() -> None:
    """The exception above holds only for pages no one but staff opens."""
    from ui import auth

    for page in STAFF_PAGES:
        assert (ROOT / "pages" / f"{page}.py").exists(), page
        assert [r for r, pages in auth.PAGES_BY_ROLE.items() if page in pages] == ["admin"], page


def test_the_staff_pages_read_the_store_only_through_staff_queries() -> None:
    """The staff pages write the store (so they may import it), but what they show comes from
    scoped queries: no DuckDB, no data.queries, no account or audit list read off the reader in
    the pages or in the ui module that draws the Data page's audit log."""
    trees = {p: t for p, t in _page_trees().items() if p.removesuffix(".py") in STAFF_PAGES}
    trees["ui/data_views.py"] = ast.parse((ROOT / "ui" / "data_views.py").read_text(encoding="utf-8"))
    found = []
    for page, tree in trees.items():
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found += [(page, a.name) for a in node.names if a.name.startswith(("duckdb", "data.queries"))]
            elif isinstance(node, ast.ImportFrom) and node.module:
                if node.module.startswith(("duckdb", "data.queries")):
                    found.append((page, node.module))
            elif isinstance(node, ast.Attribute) and node.attr in {"list_users", "audit_log"}:
                if not (isinstance(node.value, ast.Name) and node.value.id in {"cache", "data_views"}):
                    found.append((page, node.attr))
    assert found == []
    assert cache.accounts.scope.staff and cache.audit_log.scope.staff


def test_staff_queries_answer_staff_only(demo_app: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from data.access.accounts import User
    from ui import auth

    version = cache.db_version()
    for who in (
        None,
        User("demo-company", "company", "CO0010"),
        User("demo-affiliate", "affiliate", None, "AF001"),
    ):
        monkeypatch.setattr(auth, "user", lambda who=who: who)
        for query in (cache.accounts, cache.audit_log):
            with pytest.raises(cache.NotAvailable):
                query(version)
    monkeypatch.setattr(auth, "user", lambda: User("demo-admin", "admin"))
    users = cache.accounts(version)
    assert {"demo-admin", "demo-affiliate", "demo-company"} <= set(users["username"])
    assert not [c for c in users.columns if "hash" in c]
    assert list(cache.audit_log(version).columns) == ["logged_at", "who", "action", "detail", "counts"]
