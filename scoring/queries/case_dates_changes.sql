-- The assessment dates at which a case's contribution to its company's FI can change:
-- the first assessment date on or after the case opened, each first case-level event,
-- each finding's first evidence and verification, plus every date where the version
-- applied changes (see scoring.engine.running_sums). A case may be listed twice at a
-- date; its second row then changes nothing.
WITH changes AS (
    SELECT case_id,
           unnest([opened_on, first_acknowledged_on, first_access_on, first_plan_on,
                   first_retaliation_on]) AS changes_on
    FROM case_facts
    UNION ALL
    SELECT case_id, unnest([evidenced_on, verified_on])
    FROM finding_facts
)
SELECT c.case_id, a.as_of, a.methodology, a.idx
FROM changes c
ASOF JOIN assessments a ON a.as_of >= c.changes_on
WHERE c.changes_on IS NOT NULL
UNION ALL
SELECT c.case_id, a.as_of, a.methodology, a.idx
FROM case_facts c
CROSS JOIN assessments a
WHERE a.version_starts
