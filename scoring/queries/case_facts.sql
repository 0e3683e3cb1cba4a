-- One row per case with the first date of each case-level event type: only the first
-- acknowledgement, access, plan and confirmed retaliation matter (METHODOLOGY.md section 2).
-- (The numpy twin, for score(): scoring/engine.py, `_fi_sums`.)
WITH firsts AS (
    SELECT case_id,
           min(event_date) FILTER (WHERE event_type = 'acknowledged') AS first_acknowledged_on,
           min(event_date) FILTER (WHERE event_type = 'access_granted') AS first_access_on,
           min(event_date) FILTER (WHERE event_type = 'plan_submitted') AS first_plan_on,
           min(event_date) FILTER (WHERE event_type = 'retaliation_confirmed') AS first_retaliation_on
    FROM events
    GROUP BY case_id
)
SELECT c.case_id, c.company_id, c.factory_id, c.opened_on,
       e.first_acknowledged_on, e.first_access_on, e.first_plan_on, e.first_retaliation_on
FROM cases c
LEFT JOIN firsts e USING (case_id)
