-- One row per finding with the first dates it had remediation evidence and was verified
-- (a verified finding counts as evidenced too).
-- (The numpy twin, for score(): scoring/engine.py, `_fi_sums`.)
SELECT f.finding_id, f.case_id, f.severity,
       min(e.event_date) FILTER (WHERE e.event_type IN ('evidence_submitted', 'verified')) AS evidenced_on,
       min(e.event_date) FILTER (WHERE e.event_type = 'verified') AS verified_on
FROM findings f
LEFT JOIN events e ON e.finding_id = f.finding_id AND e.case_id = f.case_id
GROUP BY f.finding_id, f.case_id, f.severity
