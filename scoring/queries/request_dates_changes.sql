-- The assessment dates at which a request's contribution to its company's SCT can
-- change: the first assessment date on or after each date the rule looks at (due_on,
-- the first disclosure, incomplete disclosure and due-diligence record, and the end of
-- each version's window), plus every date where the version applied changes. Between
-- two such dates the request's weight and credit stay the same, so the series only
-- needs the request assessed there (see scoring.engine.running_sums). A request may be
-- listed twice at a date; its second row then changes nothing.
WITH changes AS (
    SELECT request_id,
           unnest([due_on, first_disclosed_on, first_incomplete_on, first_due_diligence_on]) AS changes_on
    FROM request_facts
    UNION ALL
    SELECT f.request_id, f.due_on + to_days(CAST(m.sct_window_days AS INTEGER))
    FROM request_facts f
    CROSS JOIN methodologies m
    WHERE m.sct_window_days IS NOT NULL
)
SELECT c.request_id, a.as_of, a.methodology, a.idx
FROM changes c
ASOF JOIN assessments a ON a.as_of >= c.changes_on
WHERE c.changes_on IS NOT NULL
UNION ALL
SELECT f.request_id, a.as_of, a.methodology, a.idx
FROM request_facts f
CROSS JOIN assessments a
WHERE a.version_starts
