"""Downloads built on click: the session is checked when the file is built (issue 20, items 2 and 11).

A download button's data may be a callable (`st.download_button(data=callable)`): Streamlit
runs it when the browser asks for the file, outside any script run, so app.py's sign-in gate
does not run for it. A tab left open after its account was removed, its password changed,
its session expired or ended elsewhere could otherwise still download. Every download on a
page goes through `deferred`:

    st.download_button("Download ... (CSV)", downloads.deferred(lambda: exports.to_csv(...), "csv"), ...)

* **Checked when built.** The tab's session id is taken when the button is drawn; when the
  file is built, that session record (data/access/sessions.py: not ended, not idle or too old) and
  the account's current row in the live database (same credential fingerprint: not removed,
  no new password, role or organisation) are checked exactly as ui/auth.py checks every run
  (`auth._valid`). If either fails, the file says why and holds nothing else.
* **What the account may see at that moment.** Queries run at click time (`.later` of a
  `cache.scoped` query) check the session again themselves (`check`) and keep the scope the
  checked account had: a changed role or organisation changes the fingerprint, so the
  session is no longer valid and nothing is built.
* **One PDF at a time per session, a few at a time in all** (`LIMITER`): a second report or
  briefing while the first is still being drawn gets a one-page PDF saying so; beyond
  `CPT_PDF_BUILDS` (default 2) builds at once the request waits up to
  `CPT_PDF_QUEUE_SECONDS` (default 30) for a slot, at most `CPT_PDF_QUEUE` (default 6)
  waiting, else a PDF saying to try again. The counters live in this process (module
  state, not a Streamlit cache, so no client message can clear them).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import streamlit as st

from data import settings
from data.access.accounts import User
from ui import auth, db
from wording import i18n
from wording.i18n import N_, _

ENDED = N_(
    "Download refused: your session has ended (signed out, expired, or the account was changed or "
    "removed). Sign in again and download anew."
)
ALREADY = N_(
    "A report is already being prepared for you: wait until that download has finished, then "
    "download this one again."
)
BUSY = N_("The server is preparing other reports at the moment: please try again in a minute.")


class SessionEnded(Exception):
    """The session of a download is no longer valid when the download is built."""


class Busy(Exception):
    """No PDF build slot (the message says why)."""


def session_token() -> str | None:
    """This tab's session id (the script run that draws the button)."""
    return st.session_state.get(auth.SESSION_ID)


def check(token: str | None) -> User:
    """The account of session `token` if it is still valid now (record and database row), else
    SessionEnded. Runs outside a script run: reads only the session store and the live file."""
    if not token:
        raise SessionEnded
    found, _why = auth._valid(token, db.reader().cursor())  # the check every script run makes
    if found is None:
        raise SessionEnded
    return found


class BuildLimiter:
    """At most `per_session` builds in flight per session and `total` in all; others wait up
    to `wait` seconds in a queue of at most `queue`, else `Busy`. Thread-safe."""

    def __init__(self, total: int = 2, per_session: int = 1, wait: float = 30.0, queue: int = 6) -> None:
        self.total = total
        self.per_session = per_session
        self.wait = wait
        self.queue = queue
        self._cond = threading.Condition()
        self._mine: dict[str, int] = {}  # builds (running or waiting) per session
        self._running = 0
        self._waiting = 0

    @contextmanager
    def slot(self, who: str) -> Iterator[None]:
        with self._cond:
            if self._mine.get(who, 0) >= self.per_session:
                raise Busy(ALREADY)
            if self._running >= self.total and self._waiting >= self.queue:
                raise Busy(BUSY)
            self._mine[who] = self._mine.get(who, 0) + 1
            self._waiting += 1
            try:
                got = self._cond.wait_for(lambda: self._running < self.total, timeout=self.wait)
            finally:
                self._waiting -= 1
            if not got:
                self._release(who)
                raise Busy(BUSY)
            self._running += 1
        try:
            yield
        finally:
            with self._cond:
                self._running -= 1
                self._release(who)
                self._cond.notify_all()

    def _release(self, who: str) -> None:
        left = self._mine.get(who, 0) - 1
        if left > 0:
            self._mine[who] = left
        else:
            self._mine.pop(who, None)

    def in_flight(self) -> int:
        with self._cond:
            return self._running


LIMITER = BuildLimiter(
    total=settings.value("CPT_PDF_BUILDS"),
    wait=settings.value("CPT_PDF_QUEUE_SECONDS"),
    queue=settings.value("CPT_PDF_QUEUE"),
)


def notice(kind: str, text: str) -> bytes:
    """A file that says `text` and holds nothing else: a one-page PDF for a PDF, text otherwise."""
    if kind == "pdf":
        from reports.report import notice_pdf

        return notice_pdf(text)
    if kind == "csv":
        return f"# {text}\n".encode()
    return (text + "\n").encode()


def deferred(build: Callable[[], object], kind: str) -> Callable[[], object]:
    """`build` as the data of a download button: run on click only while this tab's session is
    still valid (else a file saying so); a PDF (`kind` "pdf") under `LIMITER`."""
    token = session_token()
    lang = i18n.current()  # the notice in the language of the page that drew the button

    def run() -> object:
        try:
            check(token)
            if kind != "pdf":
                return build()
            with LIMITER.slot(token or ""):
                check(token)  # again after waiting in the queue
                return build()
        except SessionEnded:
            with i18n.use(lang):
                return notice(kind, _(ENDED))
        except Busy as busy:
            with i18n.use(lang):
                return notice(kind, _(str(busy)))

    return run
