"""What people read on the Data page: the audit log in words, as CSV, and the preview tables."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

from data.importing.plan import CHANGE_COLUMNS, ImportPlan, ScoreChange, plural

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
            if said:  # a table the import held no rows of is not worth a line
                parts.append(f"{table}: {', '.join(said)}")
    return "; ".join(parts)


def _corrections_text(corrections: object) -> str:
    if not isinstance(corrections, list):
        return ""
    said = [
        f"{c.get('table')} {c.get('id')}: {c.get('field')} {c.get('old')} -> {c.get('new')} ({c.get('reason')})"
        for c in corrections
        if isinstance(c, dict)
    ]
    return (plural(len(said), "owner correction") + ": " + "; ".join(said)) if said else ""


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
                "Rows": "; ".join(
                    t
                    for t in (
                        _counts_text(counts),
                        _corrections_text(detail.get("corrections") if isinstance(detail, dict) else None),
                    )
                    if t
                ),
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
        [{"table": t, **c.as_dict()} for t, c in plan.counts.items() if any(c.as_dict().values())],
        columns=["table", "inserted", "replaced", "unchanged"],
    )
    corrections = pd.DataFrame(
        [
            {
                "table": c.table,
                "id": c.id,
                "company": f"{c.old_value} → {c.new_value}",
                "reason": c.reason,
            }
            for c in plan.corrections
        ],
        columns=["table", "id", "company", "reason"],
    )
    scores = pd.DataFrame(
        [
            {
                "company": c.label,
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
        "corrections": corrections,
    }


def summary_lines(plan: ImportPlan) -> list[str]:
    """What an applied import did, in words: rows per table (tables without rows left out), owner
    corrections, every score change with the company's name, and when new evidence counts."""
    lines = [
        f"{t}: {c.inserted:,} inserted, {c.replaced:,} replaced, {c.unchanged:,} unchanged"
        for t, c in plan.counts.items()
        if any(c.as_dict().values())
    ]
    lines += [
        f"{c.table} {c.id}: company {c.old_value} → {c.new_value} ({c.reason})" for c in plan.corrections
    ]
    if plan.as_of is not None:
        lines.append(f"Score changes at the last quarter end ({plan.as_of.isoformat()}):")
        lines += [score_line(c) for c in plan.score_changes] or ["none"]
    return lines


def score_line(c: ScoreChange) -> str:
    """ "Elstrand Digital (CO0005): SCT 71.20 → 70.10, FI ..., overall ...; band Good → Developing"."""
    text = f"{c.label}: " + ", ".join(
        f"{n} {b} → {a}" for n, b, a in zip(("SCT", "FI", "overall"), c.before, c.after, strict=True)
    )
    if c.band_changed:
        text += f"; band {c.band_before or 'n/a'} → {c.band_after or 'n/a'}"
    return text


def later_evidence_message(plan: ImportPlan) -> str | None:
    """Before Apply: which quarter end the files' evidence dated after the last one counts from."""
    from scoring.dates import quarter_end_of

    if plan.as_of is None or not plan.later_rows:
        return None
    following = quarter_end_of(plan.as_of + timedelta(days=1))
    return (
        f"{plural(plan.later_rows, 'row')} of these files {'is' if plan.later_rows == 1 else 'are'} dated "
        f"after the last quarter end ({plan.as_of.isoformat()}): the scores below leave "
        f"{'it' if plan.later_rows == 1 else 'them'} out, and "
        f"{'it counts' if plan.later_rows == 1 else 'they count'} from the next quarter end "
        f"({following.isoformat()})."
    )
