"""What people read on the Data page: the audit log in words, as CSV, and the preview tables."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pandas as pd

from data.importing.plan import CHANGE_COLUMNS, ImportPlan

AUDIT_COLUMNS = ["When", "Who", "Action", "Files", "Rows", "Score changes"]


def _json(text: object) -> object:
    if not isinstance(text, str):
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def _counts_text(counts: object) -> str:
    if not isinstance(counts, dict):
        return ""
    parts = []
    for table, c in counts.items():
        if isinstance(c, dict):
            said = [f"{c.get(k, 0)} {k}" for k in ("inserted", "replaced", "unchanged") if c.get(k)]
            parts.append(f"{table}: {', '.join(said) or 'no rows'}")
    return "; ".join(parts)


def _score_change_text(change: dict[str, dict[str, object]]) -> str:
    before, after = change.get("before", {}), change.get("after", {})
    text = f"{change.get('company_id')}: " + ", ".join(
        f"{k} {before.get(k)} -> {after.get(k)}" for k in ("sct", "fi", "overall")
    )
    if before.get("band") != after.get("band"):
        text += f" (band {before.get('band') or 'n/a'} -> {after.get('band') or 'n/a'})"
    return text


def audit_table(log: pd.DataFrame) -> pd.DataFrame:
    """The audit log as people read it: when, who, what, which files, rows per table, score changes."""
    rows = []
    for r in log.itertuples(index=False):
        detail, counts = _json(r.detail), _json(r.counts)
        files = scores = ""
        if isinstance(detail, dict):
            files = ", ".join(
                Path(str(f.get("name", ""))).name for f in detail.get("files", []) if isinstance(f, dict)
            )
            changes = detail.get("score_changes")
            if isinstance(changes, list):
                scores = "; ".join(_score_change_text(c) for c in changes if isinstance(c, dict))
                if not changes:
                    scores = f"none at {detail.get('as_of', 'the last quarter end')}"
        rows.append(
            {
                "When": pd.Timestamp(r.logged_at).strftime("%Y-%m-%d %H:%M"),
                "Who": r.who,
                "Action": f"{r.action}: {detail}" if isinstance(detail, str) and detail else r.action,
                "Files": files,
                "Rows": _counts_text(counts),
                "Score changes": scores,
            }
        )
    return pd.DataFrame(rows, columns=AUDIT_COLUMNS)


def audit_csv(table: pd.DataFrame, today: date | None = None) -> bytes:
    """The readable audit log as CSV through the one export helper (header line, formulas made inert)."""
    from data.exports import spreadsheet

    today = today or date.today()
    return spreadsheet.to_csv(
        table, spreadsheet.header_line("import and account audit log", today, None, today)
    )


def preview_frames(plan: ImportPlan) -> dict[str, pd.DataFrame]:
    """What the Data page shows before Apply: counts per table, changed cells, score changes."""
    counts = pd.DataFrame(
        [{"table": t, **c.as_dict()} for t, c in plan.counts.items()],
        columns=["table", "inserted", "replaced", "unchanged"],
    )
    scores = pd.DataFrame(
        [
            {
                "company": c.company_id,
                "SCT": f"{c.before[0]} → {c.after[0]}",
                "FI": f"{c.before[1]} → {c.after[1]}",
                "overall": f"{c.before[2]} → {c.after[2]}",
                "band": f"{c.band_before or 'n/a'} → {c.band_after or 'n/a'}",
                "band changes": c.band_changed,
            }
            for c in plan.score_changes
        ],
        columns=["company", "SCT", "FI", "overall", "band", "band changes"],
    )
    return {
        "counts": counts,
        "changes": plan.changes[CHANGE_COLUMNS].reset_index(drop=True),
        "scores": scores,
    }
