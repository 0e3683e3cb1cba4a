"""Report and briefing PDFs: one build in flight per session, a few in all (issue 20, item 11).

Six briefings in flight from one session used to render 19 PDFs in 45 s and slow every
sign-in. A second PDF while the session's first is still being drawn gets a one-page PDF
saying so; beyond the global cap a request waits a while in a short queue, then is told to
try again."""

from __future__ import annotations

import io
import threading
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from reports import report
from tests import apptest
from ui import downloads

COMPARED = "CO0004,CO0006"


def text_of(payload: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(payload)).pages).split())


class SlowBuild:
    """Stands in for report.briefing_pdf: blocks until released (at most `timeout` s)."""

    def __init__(self, timeout: float = 10.0) -> None:
        self.started = threading.Semaphore(0)
        self.release = threading.Event()
        self.calls = 0
        self.timeout = timeout
        self._lock = threading.Lock()

    def __call__(self, *args, **kwargs) -> bytes:
        with self._lock:
            self.calls += 1
        self.started.release()
        self.release.wait(self.timeout)
        return b"%PDF-1.4 the briefing"


def in_thread(at, key: str) -> tuple[threading.Thread, dict]:
    out: dict = {}
    thread = threading.Thread(target=lambda: out.setdefault("payload", apptest.download(at, key)))
    thread.start()
    return thread, out


def test_a_second_pdf_of_the_same_session_is_refused_while_the_first_is_built(
    demo_app: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    slow = SlowBuild()
    monkeypatch.setattr(report, "briefing_pdf", slow)
    at = apptest.open_page("compare", role="affiliate", company=COMPARED)
    assert not at.exception, [e.value for e in at.exception]
    first, out = in_thread(at, "download_briefing")
    assert slow.started.acquire(timeout=10)  # the first build is under way
    second = apptest.download(at, "download_briefing")  # the same tab clicks again
    assert "A report is already being prepared" in text_of(second)
    slow.release.set()
    first.join(10)
    assert out["payload"] == b"%PDF-1.4 the briefing"
    assert slow.calls == 1  # one build, not two
    # Once the first is done, the session may build again.
    assert apptest.download(at, "download_briefing") == b"%PDF-1.4 the briefing"


def test_beyond_the_global_cap_a_pdf_waits_then_is_told_to_try_again(
    demo_app: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    slow = SlowBuild()
    monkeypatch.setattr(report, "briefing_pdf", slow)
    monkeypatch.setattr(downloads, "LIMITER", downloads.BuildLimiter(total=2, wait=0.5, queue=1))
    tabs = [
        apptest.open_page("compare", role=role, company=COMPARED)
        for role in ("affiliate", "admin", "affiliate")
    ]
    running = [in_thread(at, "download_briefing") for at in tabs[:2]]  # two sessions: the cap
    assert slow.started.acquire(timeout=10) and slow.started.acquire(timeout=10)
    started = time.monotonic()
    third = apptest.download(tabs[2], "download_briefing")  # a third session: queued, then refused
    assert time.monotonic() - started >= 0.4
    assert "preparing other reports" in text_of(third)
    slow.release.set()
    for thread, out in running:
        thread.join(10)
        assert out["payload"] == b"%PDF-1.4 the briefing"
    assert slow.calls == 2


def test_the_limiter_under_threads() -> None:
    """Per session one at a time; two in all; a queued build starts when a slot frees."""
    limiter = downloads.BuildLimiter(total=2, wait=5.0, queue=2)
    gate = threading.Event()
    events: list[str] = []

    def build(who: str) -> None:
        try:
            with limiter.slot(who):
                events.append(f"start {who}")
                gate.wait(5)
        except downloads.Busy as busy:
            events.append(f"busy {who}: {busy}")

    a = threading.Thread(target=build, args=("s1",))
    b = threading.Thread(target=build, args=("s2",))
    a.start()
    b.start()
    while limiter.in_flight() < 2:
        time.sleep(0.01)
    with pytest.raises(downloads.Busy, match="already being prepared"):
        with limiter.slot("s1"):
            pass
    c = threading.Thread(target=build, args=("s3",))  # waits in the queue
    c.start()
    time.sleep(0.2)
    assert "start s3" not in events
    gate.set()
    for t in (a, b, c):
        t.join(10)
    assert sorted(events) == ["start s1", "start s2", "start s3"]
    assert limiter.in_flight() == 0
