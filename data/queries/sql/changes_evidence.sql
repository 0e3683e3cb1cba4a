-- data/queries/changes.py: _EVIDENCE
SELECT c.opened_on AS date, 'new case' AS kind, co.name AS company, f.legal_name AS factory,
       'Monitoring case opened with ' || (SELECT count(*) FROM findings x WHERE x.case_id = c.case_id)
       || CASE WHEN (SELECT count(*) FROM findings x WHERE x.case_id = c.case_id) = 1 THEN ' finding: '
               ELSE ' findings: ' END || (SELECT count(*) FROM findings x WHERE x.case_id = c.case_id AND x.severity = 'critical')
       || ' critical, ' || (SELECT count(*) FROM findings x WHERE x.case_id = c.case_id AND x.severity = 'major')
       || ' major' AS change, NULL AS product_model,
       c.company_id, c.factory_id, NULL AS product_model_id, c.case_id AS item_id
FROM my_cases c JOIN companies co USING (company_id) JOIN factories f USING (factory_id)
WHERE c.opened_on > $since AND c.opened_on <= $until
UNION ALL
SELECT r.due_on, 'newly overdue', co.name, NULL,
       'No response by the deadline to the ' || replace(r.scope, '_', ' ') || ' request', p.name,
       r.company_id, NULL, r.product_model_id, r.request_id
FROM disclosure_requests r JOIN companies co USING (company_id) JOIN product_models p USING (product_model_id)
WHERE r.product_model_id IN (SELECT product_model_id FROM models) AND r.due_on > $since AND r.due_on < $until
  AND NOT EXISTS (SELECT 1 FROM disclosures d WHERE d.request_id = r.request_id AND d.disclosed_on <= r.due_on)
  AND NOT EXISTS (SELECT 1 FROM due_diligence g WHERE g.request_id = r.request_id AND g.recorded_on <= r.due_on)
UNION ALL
SELECT e.event_date, CASE e.event_type WHEN 'verified' THEN 'remediation verified' ELSE 'retaliation confirmed' END,
       co.name, f.legal_name,
       CASE e.event_type WHEN 'verified'
            THEN 'Remediation verified: ' || replace(x.code_area, '_', ' ') || ' (' || x.severity || ')'
            ELSE 'Retaliation against workers confirmed' END, NULL,
       c.company_id, c.factory_id, NULL, e.event_id
FROM events e JOIN my_cases c USING (case_id) JOIN companies co ON co.company_id = c.company_id
JOIN factories f ON f.factory_id = c.factory_id LEFT JOIN findings x ON x.finding_id = e.finding_id
WHERE e.event_type IN ('verified', 'retaliation_confirmed') AND e.event_date > $since AND e.event_date <= $until
ORDER BY 1 DESC, 2, 3, 10
