-- data/queries/expectations.py: _ACTION_DONE
CASE split_part(x.target, ':', 1)
    WHEN 'disclose' THEN
        EXISTS (SELECT 1 FROM disclosures d WHERE d.request_id = split_part(x.target, ':', 2) AND d.disclosed_on <= j.judged_on)
        AND NOT EXISTS (
            SELECT 1 FROM (SELECT arg_max(d.complete, d.disclosed_on) AS complete FROM disclosures d
                           WHERE d.request_id = split_part(x.target, ':', 2) AND d.disclosed_on <= j.judged_on
                           GROUP BY d.factory_id) latest
            WHERE NOT latest.complete)
    WHEN 'acknowledge' THEN EXISTS (SELECT 1 FROM events e WHERE e.case_id = split_part(x.target, ':', 2)
                                    AND e.event_type = 'acknowledged' AND e.event_date <= j.judged_on)
    WHEN 'grant_access' THEN EXISTS (SELECT 1 FROM events e WHERE e.case_id = split_part(x.target, ':', 2)
                                     AND e.event_type = 'access_granted' AND e.event_date <= j.judged_on)
    WHEN 'submit_plan' THEN EXISTS (SELECT 1 FROM events e WHERE e.case_id = split_part(x.target, ':', 2)
                                    AND e.event_type = 'plan_submitted' AND e.event_date <= j.judged_on)
    WHEN 'submit_evidence' THEN EXISTS (SELECT 1 FROM events e WHERE e.finding_id = split_part(x.target, ':', 2)
                                        AND e.event_type IN ('evidence_submitted', 'verified') AND e.event_date <= j.judged_on)
    WHEN 'verify' THEN EXISTS (SELECT 1 FROM events e WHERE e.finding_id = split_part(x.target, ':', 2)
                               AND e.event_type = 'verified' AND e.event_date <= j.judged_on)
END
