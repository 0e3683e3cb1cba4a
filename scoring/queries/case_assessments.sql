-- One row per case and assessment date in case_dates (case_id, as_of, methodology):
-- the FI case score of METHODOLOGY.md section 2.
--
-- Reads case_facts, finding_facts, case_dates, methodologies and severity_weights
-- (methodology, severity, weight).
--
-- scoring.explain() uses this view. score() applies the same rule with numpy arrays
-- (scoring/engine.py, `_fi_sums`): change both together.
WITH dated AS (
    SELECT c.*, d.as_of, d.methodology, c.opened_on <= d.as_of AS is_open
    FROM case_dates d
    JOIN case_facts c ON c.case_id = d.case_id
),
severity AS (
    -- Findings have no date of their own: all of a case's findings count once it is open.
    SELECT o.case_id, o.as_of, o.methodology,
           count(*) AS findings,
           sum(w.weight) AS severity_total,
           max(w.weight) AS case_weight,
           coalesce(sum(w.weight) FILTER (WHERE ff.evidenced_on <= o.as_of), 0) AS severity_evidenced,
           coalesce(sum(w.weight) FILTER (WHERE ff.verified_on <= o.as_of), 0) AS severity_verified
    FROM dated o
    JOIN finding_facts ff ON ff.case_id = o.case_id
    JOIN severity_weights w ON w.methodology = o.methodology AND w.severity = ff.severity
    WHERE o.is_open
    GROUP BY o.case_id, o.as_of, o.methodology
),
components AS (
    SELECT o.*, coalesce(s.findings, 0) AS findings, s.severity_total, s.case_weight,
           coalesce(o.first_retaliation_on <= o.as_of, false) AS retaliation,
           m.retaliation_penalty,
           CASE WHEN NOT o.is_open THEN NULL
                WHEN o.first_acknowledged_on <= o.as_of
                     THEN CASE WHEN date_diff('day', o.opened_on, o.first_acknowledged_on) <= m.ack_window_days
                               THEN m.ack_on_time_points ELSE m.ack_late_points END
                ELSE 0 END AS ack_points,
           CASE WHEN NOT o.is_open THEN NULL
                WHEN o.first_access_on <= o.as_of THEN m.access_points ELSE 0 END AS access_points,
           CASE WHEN NOT o.is_open THEN NULL
                WHEN o.first_plan_on <= o.as_of THEN m.plan_points ELSE 0 END AS plan_points,
           m.evidence_points * s.severity_evidenced / s.severity_total AS evidence_points,
           m.verified_points * s.severity_verified / s.severity_total AS verified_points
    FROM dated o
    JOIN methodologies m ON m.methodology = o.methodology
    LEFT JOIN severity s ON s.case_id = o.case_id AND s.as_of = o.as_of AND s.methodology = o.methodology
),
summed AS (
    SELECT *,
           is_open AND findings > 0 AS scorable,
           CASE WHEN NOT is_open THEN 'opened after date'
                WHEN findings = 0 THEN 'no findings'
                ELSE 'scored' END AS status,
           ack_points + access_points + plan_points + evidence_points + verified_points AS points
    FROM components
)
SELECT case_id, company_id, factory_id, opened_on, as_of, methodology, scorable, status,
       findings, severity_total, case_weight,
       ack_points, access_points, plan_points, evidence_points, verified_points, retaliation,
       CASE WHEN NOT retaliation THEN points
            WHEN retaliation_penalty IS NULL THEN 0.0
            ELSE greatest(0.0, points - retaliation_penalty) END AS case_score
FROM summed
