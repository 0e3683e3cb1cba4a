-- One row per case and assessment (as_of, methodology): the FI case score of
-- METHODOLOGY.md section 2, for every case of every company at every date at once.
--
-- Inputs (registered by scoring.engine): cases, findings, events, assessments,
-- methodologies, severity_weights (methodology, severity, weight).
--
-- Each event type only matters through the date it first happened (per case, or per
-- finding for evidence and verification), so events are reduced to those dates first.
WITH finding_facts AS (
    SELECT f.finding_id, f.case_id, f.severity,
           -- a verified finding counts as evidenced too
           min(e.event_date) FILTER (WHERE e.event_type IN ('evidence_submitted', 'verified')) AS evidenced_on,
           min(e.event_date) FILTER (WHERE e.event_type = 'verified') AS verified_on
    FROM findings f
    LEFT JOIN events e ON e.finding_id = f.finding_id AND e.case_id = f.case_id
    GROUP BY f.finding_id, f.case_id, f.severity
),
case_events AS (
    SELECT case_id,
           min(event_date) FILTER (WHERE event_type = 'acknowledged') AS first_acknowledged_on,
           min(event_date) FILTER (WHERE event_type = 'access_granted') AS first_access_on,
           min(event_date) FILTER (WHERE event_type = 'plan_submitted') AS first_plan_on,
           min(event_date) FILTER (WHERE event_type = 'retaliation_confirmed') AS first_retaliation_on
    FROM events
    GROUP BY case_id
),
opened AS (
    SELECT c.case_id, c.company_id, c.factory_id, c.opened_on, a.as_of, a.methodology
    FROM cases c
    CROSS JOIN assessments a
),
severity AS (
    -- Findings have no date of their own: all of a case's findings count once it is open.
    SELECT o.case_id, o.as_of, o.methodology,
           count(*) AS findings,
           sum(w.weight) AS severity_total,
           max(w.weight) AS case_weight,
           coalesce(sum(w.weight) FILTER (WHERE ff.evidenced_on <= o.as_of), 0) AS severity_evidenced,
           coalesce(sum(w.weight) FILTER (WHERE ff.verified_on <= o.as_of), 0) AS severity_verified
    FROM opened o
    JOIN finding_facts ff ON ff.case_id = o.case_id
    JOIN severity_weights w ON w.methodology = o.methodology AND w.severity = ff.severity
    WHERE o.opened_on <= o.as_of
    GROUP BY o.case_id, o.as_of, o.methodology
),
components AS (
    SELECT o.*, coalesce(s.findings, 0) AS findings, s.severity_total, s.case_weight,
           o.opened_on <= o.as_of AS is_open,
           coalesce(e.first_retaliation_on <= o.as_of, false) AS retaliation,
           m.retaliation_penalty,
           CASE WHEN o.opened_on > o.as_of THEN NULL
                WHEN e.first_acknowledged_on <= o.as_of
                     THEN CASE WHEN date_diff('day', o.opened_on, e.first_acknowledged_on) <= m.ack_window_days
                               THEN m.ack_on_time_points ELSE m.ack_late_points END
                ELSE 0 END AS ack_points,
           CASE WHEN o.opened_on > o.as_of THEN NULL
                WHEN e.first_access_on <= o.as_of THEN m.access_points ELSE 0 END AS access_points,
           CASE WHEN o.opened_on > o.as_of THEN NULL
                WHEN e.first_plan_on <= o.as_of THEN m.plan_points ELSE 0 END AS plan_points,
           m.evidence_points * s.severity_evidenced / s.severity_total AS evidence_points,
           m.verified_points * s.severity_verified / s.severity_total AS verified_points
    FROM opened o
    JOIN methodologies m ON m.methodology = o.methodology
    LEFT JOIN case_events e ON e.case_id = o.case_id
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
