-- One row per disclosure request with the only dates its level depends on.
--
-- The level of a request at a date t (METHODOLOGY.md section 1) is decided by three
-- dates: its first disclosure, its first incomplete disclosure and its first
-- due-diligence record (FULL: disclosed by t and nothing incomplete by t; PARTIAL:
-- something incomplete by t; DUE_DILIGENCE: no disclosure but a record by t; NONE).
-- (The numpy twin, for score(): scoring/engine.py, `_sct_sums`.)
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
)
SELECT r.request_id, r.company_id, r.scope, r.product_model_id, r.due_on,
       d.first_disclosed_on, d.first_incomplete_on, g.first_due_diligence_on
FROM disclosure_requests r
LEFT JOIN disclosed d USING (request_id)
LEFT JOIN diligence g USING (request_id)
