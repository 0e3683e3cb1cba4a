"""Load what the pages need while a new server waits for its first visitor.

A fresh server imports the page modules, pandas, Plotly and the scoring code on its
first page view, and Plotly loads its validators on the first figure: about a second of
CPU that the first person to open a page would wait for (bench/RESULTS.md, cold company
page). `start()` (called by serve.py, which `make run` starts) does that work in a
background thread as soon as the server starts; the server answers at once, and a
visitor who comes before the thread is done simply shares the imports in progress.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
import threading
from pathlib import Path

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("scoring", "data", "charts", "ui")
SKIP = {"__main__", "cli"}  # command-line entry points: never used by a page


def modules() -> list[str]:
    """Every module of the project's packages (and of their packages: data/store/, ...) that a page may import."""
    names = []
    for package in PACKAGES:
        names.append(package)
        names += _modules_in(ROOT / package, f"{package}.")
    return names


def _modules_in(folder: Path, prefix: str) -> list[str]:
    names = []
    for info in pkgutil.iter_modules([str(folder)]):
        if info.name not in SKIP:
            names.append(prefix + info.name)
            if info.ispkg:
                names += _modules_in(folder / info.name, f"{prefix}{info.name}.")
    return names


def _figures() -> None:
    """One small figure of each kind the pages draw, serialised as Streamlit does."""
    import plotly.graph_objects as go

    fig = go.Figure([go.Scatter(x=[1], y=[1]), go.Bar(x=[1], y=[1], orientation="h"),
                     go.Scattergeo(lon=[0], lat=[0])])  # fmt: skip
    fig.update_layout(title="warm-up", shapes=[{"type": "line", "x0": 0, "x1": 1, "y0": 0, "y1": 1}])
    fig.to_json()


def run() -> list[str]:
    """Import the modules and draw the figures; the names that failed (logged, never raised)."""
    failed = []
    for name in ["pandas", "numpy", "pyarrow", "plotly.express", *modules()]:
        try:
            importlib.import_module(name)
        except Exception:  # a broken module shows up on its page; the warm-up only logs it
            log.exception("warm-up could not import %s", name)
            failed.append(name)
    try:
        _figures()
    except Exception:
        log.exception("warm-up could not draw its figures")
        failed.append("figures")
    return failed


def _when_running(wait_s: float = 60) -> None:
    """Wait for Streamlit's runtime (its caches then live in the server, not a stand-in), then run."""
    import time

    from streamlit import runtime

    deadline = time.monotonic() + wait_s
    while not runtime.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    run()


def start() -> threading.Thread:
    thread = threading.Thread(target=_when_running, name="cpt-warmup", daemon=True)
    thread.start()
    return thread
