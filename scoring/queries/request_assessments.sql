-- One row per disclosure request and assessment date in request_dates (request_id,
-- as_of, methodology): the SCT rule of METHODOLOGY.md section 1.
--
-- Reads request_facts, request_dates, methodologies (one row of parameters per
-- version) and scope_weights (methodology, scope, weight).
--
-- scoring.explain() uses this view. score() applies the same rule with numpy arrays
-- (scoring/engine.py, `_sct_sums`): change both together.
WITH graded AS (
    SELECT f.*, d.as_of, d.methodology, w.weight, m.late_factor,
           m.credit_full, m.credit_partial, m.credit_due_diligence, m.credit_none,
           f.due_on <= d.as_of AS is_due,
           coalesce(f.first_disclosed_on <= d.as_of, false)
               OR coalesce(f.first_due_diligence_on <= d.as_of, false) AS responded,
           m.sct_window_days IS NULL
               OR f.due_on > d.as_of - to_days(CAST(m.sct_window_days AS INTEGER)) AS in_window,
           CASE WHEN f.first_disclosed_on <= d.as_of
                     THEN CASE WHEN f.first_incomplete_on <= d.as_of THEN 'PARTIAL' ELSE 'FULL' END
                WHEN f.first_due_diligence_on <= d.as_of THEN 'DUE_DILIGENCE'
                ELSE 'NONE' END AS level_now,
           CASE WHEN f.first_disclosed_on <= f.due_on
                     THEN CASE WHEN f.first_incomplete_on <= f.due_on THEN 'PARTIAL' ELSE 'FULL' END
                WHEN f.first_due_diligence_on <= f.due_on THEN 'DUE_DILIGENCE'
                ELSE 'NONE' END AS level_by_deadline
    FROM request_dates d
    JOIN request_facts f ON f.request_id = d.request_id
    JOIN methodologies m ON m.methodology = d.methodology
    JOIN scope_weights w ON w.methodology = d.methodology AND w.scope = f.scope
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
       weight, is_due, responded, in_window,
       weight > 0 AND in_window AND (is_due OR responded) AS scorable,
       CASE WHEN weight = 0 THEN 'scope not scored in ' || methodology
            WHEN NOT in_window THEN 'outside window'
            WHEN NOT (is_due OR responded) THEN 'not due'
            ELSE 'scored' END AS status,
       level_by_deadline, level_now,
       as_of > due_on AND late_factor * credit_now > credit_by_deadline AS late_factor_applied,
       -- Up to the deadline the level now counts; after it, what was in place by the
       -- deadline counts fully and what came later with the late factor, whichever is better.
       CASE WHEN as_of <= due_on THEN credit_now
            ELSE greatest(credit_by_deadline, late_factor * credit_now) END AS credit
FROM credited
