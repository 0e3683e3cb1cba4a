-- data/queries/companies.py: company_evidence_events. Dated evidence to annotate a trajectory:
SELECT due_on AS date, 'request_due' AS kind, request_id, scope,
       NULL::VARCHAR AS case_id, NULL::VARCHAR AS finding_id
FROM disclosure_requests WHERE company_id = $company
UNION ALL
SELECT opened_on, 'case_opened', NULL, NULL, case_id, NULL FROM cases WHERE company_id = $company
UNION ALL
SELECT e.event_date, CASE e.event_type WHEN 'verified' THEN 'verified' ELSE 'retaliation' END,
       NULL, NULL, e.case_id, e.finding_id
FROM events e JOIN cases c USING (case_id)
WHERE c.company_id = $company AND e.event_type IN ('verified', 'retaliation_confirmed')
ORDER BY 1, 2, 3, 5, 6
