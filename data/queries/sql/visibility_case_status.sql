-- data/queries/contracts/visibility.py: _CASE_STATUS
case_status AS (
    SELECT c.case_id, c.company_id, c.factory_id, c.opened_on,
           (SELECT count(*) FROM findings f WHERE f.case_id = c.case_id) AS findings,
           (SELECT count(*) FROM findings f WHERE f.case_id = c.case_id AND NOT EXISTS (
                SELECT 1 FROM events e WHERE e.finding_id = f.finding_id AND e.event_type = 'verified'
                AND e.event_date <= $today)) AS open_findings,
           EXISTS (SELECT 1 FROM events e WHERE e.case_id = c.case_id AND e.event_date <= $today
                   AND e.event_type IN ('plan_submitted', 'evidence_submitted', 'verified')) AS engaged,
           EXISTS (SELECT 1 FROM events e WHERE e.case_id = c.case_id AND e.event_type = 'retaliation_confirmed'
                   AND e.event_date <= $today) AS retaliation,
           date_diff('day', c.opened_on, $today) AS age_days
    FROM cases c
    WHERE c.opened_on <= $today
)
