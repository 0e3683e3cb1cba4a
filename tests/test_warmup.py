"""The server's warm-up (ui/warmup.py) loads every project module a page imports."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from ui import warmup

ROOT = Path(__file__).resolve().parent.parent


def _project_imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            top = node.module.split(".")[0]
            if top in warmup.PACKAGES:
                found.add(node.module)
                found.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] in warmup.PACKAGES)
    return found


def test_every_module_a_page_imports_is_warmed_up() -> None:
    modules = set(warmup.modules())
    for page in [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py"))]:
        wanted = {m for m in _project_imports(page) if (ROOT / (m.replace(".", "/") + ".py")).exists()
                  or (ROOT / m.replace(".", "/") / "__init__.py").exists()}  # fmt: skip
        assert wanted - modules == set(), page.name


def test_the_warm_up_imports_them_all_in_a_fresh_interpreter() -> None:
    code = (
        "import sys; from ui import warmup; failed = warmup.run(); "
        "missing = [m for m in warmup.modules() if m not in sys.modules]; "
        "print(failed, missing, 'plotly.express' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[] [] True", out.stderr[-2000:]
    # command-line entry points are not loaded
    assert not [m for m in warmup.modules() if m.rsplit(".", 1)[-1] in ("cli", "__main__")]
