-- One row per disclosure request and assessment date in request_dates (request_id,
-- as_of, methodology): the SCT rule of METHODOLOGY.md section 1.
--
-- Reads request_facts, request_dates, methodologies (one row of parameters per
-- version) and scope_weights (methodology, scope, weight).
--
-- scoring.explain() uses this view. score() applies the same rule with numpy arrays
-- (scoring/engine.py, `_sct_sums`): change both together.
WITH states_now AS (
    -- Each factory's state at the date: its latest disclosure row on or before it.
    SELECT d.request_id, d.as_of, x.factory_id, arg_max(x.complete, x.disclosed_on) AS complete
    FROM request_dates d
    JOIN disclosures x ON x.request_id = d.request_id AND x.disclosed_on <= d.as_of
    GROUP BY d.request_id, d.as_of, x.factory_id
),
now AS (
    SELECT request_id, as_of, count(*) FILTER (WHERE NOT complete) AS incomplete_now
    FROM states_now
    GROUP BY request_id, as_of
),
graded AS (
    SELECT f.*, d.as_of, d.methodology, w.weight, m.late_factor,
           m.credit_full, m.credit_partial, m.credit_due_diligence, m.credit_none,
           f.due_on <= d.as_of AS is_due,
           m.sct_window_days IS NULL
               OR f.due_on > d.as_of - to_days(CAST(m.sct_window_days AS INTEGER)) AS in_window,
           CASE WHEN f.first_disclosed_on <= d.as_of
                     THEN CASE WHEN coalesce(s.incomplete_now, 0) > 0 THEN 'PARTIAL' ELSE 'FULL' END
                WHEN f.first_due_diligence_on <= d.as_of THEN 'DUE_DILIGENCE'
                ELSE 'NONE' END AS level_now,
           CASE WHEN f.first_disclosed_on <= f.due_on
                     THEN CASE WHEN f.incomplete_by_deadline > 0 THEN 'PARTIAL' ELSE 'FULL' END
                WHEN f.first_due_diligence_on <= f.due_on THEN 'DUE_DILIGENCE'
                ELSE 'NONE' END AS level_by_deadline
    FROM request_dates d
    JOIN request_facts f ON f.request_id = d.request_id
    JOIN methodologies m ON m.methodology = d.methodology
    JOIN scope_weights w ON w.methodology = d.methodology AND w.scope = f.scope
    LEFT JOIN now s ON s.request_id = d.request_id AND s.as_of = d.as_of
),
credited AS (
    SELECT *,
           CASE level_now WHEN 'FULL' THEN credit_full WHEN 'PARTIAL' THEN credit_partial
                WHEN 'DUE_DILIGENCE' THEN credit_due_diligence ELSE credit_none END AS credit_now,
           CASE level_by_deadline WHEN 'FULL' THEN credit_full WHEN 'PARTIAL' THEN credit_partial
                WHEN 'DUE_DILIGENCE' THEN credit_due_diligence ELSE credit_none END AS credit_by_deadline
    FROM graded
)
SELECT request_id, company_id, scope, product_model_id, due_on, as_of, methodology,
       weight, is_due, level_now = 'FULL' AS full_now, in_window,
       -- Before its deadline a request counts only when it is already FULL (an early
       -- partial or due-diligence response waits for the deadline).
       weight > 0 AND in_window AND (is_due OR level_now = 'FULL') AS scorable,
       CASE WHEN weight = 0 THEN 'scope not scored in ' || methodology
            WHEN NOT in_window THEN 'outside window'
            WHEN NOT (is_due OR level_now = 'FULL') THEN 'not due'
            ELSE 'scored' END AS status,
       level_by_deadline, level_now,
       as_of > due_on AND late_factor * credit_now > credit_by_deadline AS late_factor_applied,
       -- Up to the deadline the level now counts; after it, what was in place by the
       -- deadline counts fully and what came later with the late factor, whichever is better.
       CASE WHEN as_of <= due_on THEN credit_now
            ELSE greatest(credit_by_deadline, late_factor * credit_now) END AS credit
FROM credited
