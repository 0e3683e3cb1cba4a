-- One row per disclosure request with the facts its level depends on that do not depend
-- on the assessment date: its first disclosure, its first due-diligence record, and the
-- factories' states at its deadline (a factory's state is its latest disclosure row for
-- the request on or before that day, so a partial disclosure can be completed later).
-- The states at an assessment date are request_assessments.sql's `states_now`.
-- (The numpy twin, for score(): scoring/engine.py, `_sct_sums`.)
WITH disclosed AS (
    SELECT request_id, min(disclosed_on) AS first_disclosed_on
    FROM disclosures
    GROUP BY request_id
),
deadline_states AS (
    SELECT x.request_id, x.factory_id, arg_max(x.complete, x.disclosed_on) AS complete
    FROM disclosures x
    JOIN disclosure_requests r ON r.request_id = x.request_id
    WHERE x.disclosed_on <= r.due_on
    GROUP BY x.request_id, x.factory_id
),
by_deadline AS (
    SELECT request_id, count(*) FILTER (WHERE NOT complete) AS incomplete_by_deadline
    FROM deadline_states
    GROUP BY request_id
),
diligence AS (
    SELECT request_id, min(recorded_on) AS first_due_diligence_on
    FROM due_diligence
    GROUP BY request_id
)
SELECT r.request_id, r.company_id, r.scope, r.product_model_id, r.due_on,
       d.first_disclosed_on, coalesce(b.incomplete_by_deadline, 0) AS incomplete_by_deadline,
       g.first_due_diligence_on
FROM disclosure_requests r
LEFT JOIN disclosed d USING (request_id)
LEFT JOIN by_deadline b USING (request_id)
LEFT JOIN diligence g USING (request_id)
