-- One row per disclosure request and assessment (as_of, methodology): the SCT rule of
-- METHODOLOGY.md section 1, for every request of every company at every date at once.
--
-- Inputs (registered by scoring.engine): disclosure_requests, disclosures, due_diligence,
-- assessments (as_of, methodology), methodologies (one row of parameters per version),
-- scope_weights (methodology, scope, weight).
--
-- The level of a request at a date t only depends on three dates per request: its first
-- disclosure, its first incomplete disclosure and its first due-diligence record
-- (FULL: disclosed by t and nothing incomplete by t; PARTIAL: something incomplete by t;
-- DUE_DILIGENCE: no disclosure but a record by t; NONE otherwise). So the evidence is
-- reduced to those dates first, then crossed with the assessment dates.
WITH disclosed AS (
    SELECT request_id,
           min(disclosed_on) AS first_disclosed_on,
           min(disclosed_on) FILTER (WHERE NOT complete) AS first_incomplete_on
    FROM disclosures
    GROUP BY request_id
),
diligence AS (
    SELECT request_id, min(recorded_on) AS first_due_diligence_on
    FROM due_diligence
    GROUP BY request_id
),
request_facts AS (
    SELECT r.request_id, r.company_id, r.scope, r.product_model_id, r.due_on,
           d.first_disclosed_on, d.first_incomplete_on, g.first_due_diligence_on
    FROM disclosure_requests r
    LEFT JOIN disclosed d USING (request_id)
    LEFT JOIN diligence g USING (request_id)
),
graded AS (
    SELECT f.*, a.as_of, a.methodology, w.weight, m.late_factor,
           m.credit_full, m.credit_partial, m.credit_due_diligence, m.credit_none,
           f.due_on <= a.as_of AS is_due,
           coalesce(f.first_disclosed_on <= a.as_of, false)
               OR coalesce(f.first_due_diligence_on <= a.as_of, false) AS responded,
           m.sct_window_days IS NULL
               OR f.due_on > a.as_of - to_days(CAST(m.sct_window_days AS INTEGER)) AS in_window,
           CASE WHEN f.first_disclosed_on <= a.as_of
                     THEN CASE WHEN f.first_incomplete_on <= a.as_of THEN 'PARTIAL' ELSE 'FULL' END
                WHEN f.first_due_diligence_on <= a.as_of THEN 'DUE_DILIGENCE'
                ELSE 'NONE' END AS level_now,
           CASE WHEN f.first_disclosed_on <= f.due_on
                     THEN CASE WHEN f.first_incomplete_on <= f.due_on THEN 'PARTIAL' ELSE 'FULL' END
                WHEN f.first_due_diligence_on <= f.due_on THEN 'DUE_DILIGENCE'
                ELSE 'NONE' END AS level_by_deadline
    FROM request_facts f
    CROSS JOIN assessments a
    JOIN methodologies m ON m.methodology = a.methodology
    JOIN scope_weights w ON w.methodology = a.methodology AND w.scope = f.scope
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
       -- Before or on the deadline the level now counts; after it, what was in place by
       -- the deadline counts fully and what came later with the late factor, whichever is better.
       CASE WHEN as_of <= due_on THEN credit_now
            ELSE greatest(credit_by_deadline, late_factor * credit_now) END AS credit
FROM credited
