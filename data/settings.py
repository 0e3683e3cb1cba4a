"""Every setting of the dashboard and the CLIs: one table (name, default, help), read here only.

Settings come from the environment (`CPT_*`); a value that cannot be read as its type falls
back to the default. `tests/test_settings.py` checks that every `CPT_` name in the code is in
this table and in README's "Settings" section. (The scoring CLI finds `CPT_DB` itself: scoring
imports nothing from data; a test checks both CLIs agree.)
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    kind: type
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("CPT_DB", "", str, "the database file (default `data/cpt.duckdb`; `--db` wins)"),
    Setting("CPT_BACKUPS", "5", int, "previous database files kept in `<db>.backups/` after each write"),
    Setting("CPT_SESSION_IDLE_MINUTES", "60", float, "minutes without a page run that end a sign-in session"),
    Setting("CPT_SESSION_MAX_HOURS", "12", float, "hours after sign-in that end a session, however active"),
    Setting("CPT_MAX_FAILURES", "5", int, "failed sign-ins that lock a username"),
    Setting("CPT_LOCK_MINUTES", "15", float, "how long a locked username stays locked"),
    Setting("CPT_LOGIN_DELAY", "0.25", float, "seconds added per earlier failure before a wrong password is answered"),
    Setting("CPT_SIGNIN_PER_CLIENT", "30", int, "sign-in attempts a minute from one client address"),
    Setting("CPT_SIGNIN_PER_MINUTE", "120", int, "sign-in attempts a minute in all"),
    Setting("CPT_SIGNIN_CONCURRENT", "2", int, "password hashes at once (argon2, 64 MiB each)"),
    Setting("CPT_PDF_BUILDS", "2", int, "report and briefing PDFs built at once (one per session)"),
    Setting("CPT_PDF_QUEUE", "6", int, "PDF requests waiting beyond those"),
    Setting("CPT_PDF_QUEUE_SECONDS", "30", float, "how long a waiting PDF request waits before a clear message"),
    Setting("CPT_SECURE_COOKIE", "0", int, "1: mark the session cookie Secure behind a TLS proxy (it is over HTTPS anyway)"),
)  # fmt: skip
BY_NAME = {s.name: s for s in SETTINGS}


def value(name: str):
    """The setting `name` from the environment now, as its type (the default when unset or unreadable)."""
    setting = BY_NAME[name]
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return setting.kind(setting.default)
    try:
        return setting.kind(raw)
    except ValueError:
        return setting.kind(setting.default)
