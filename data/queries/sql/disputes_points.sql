-- data/queries/disputes.py: _POINTS
SELECT 'request' AS kind, r.request_id AS point_key, r.company_id, r.request_id, NULL AS case_id,
       r.due_on AS day, r.scope, p.name AS product_model, NULL AS factory_id, NULL AS factory,
       NULL::BOOLEAN AS complete,
       NULL AS code_area, NULL AS severity, NULL AS event_type
FROM disclosure_requests r LEFT JOIN product_models p USING (product_model_id)
WHERE $company IS NULL OR r.company_id = $company
UNION ALL
SELECT 'disclosure', d.request_id || '|' || d.factory_id || '|' || strftime(d.disclosed_on, '%Y-%m-%d'),
       r.company_id, d.request_id, NULL, d.disclosed_on, r.scope, p.name, d.factory_id, f.legal_name, d.complete,
       NULL, NULL, NULL
FROM disclosures d JOIN disclosure_requests r USING (request_id) JOIN factories f USING (factory_id)
     LEFT JOIN product_models p ON p.product_model_id = r.product_model_id
WHERE $company IS NULL OR r.company_id = $company
UNION ALL
SELECT 'case', c.case_id, c.company_id, NULL, c.case_id, c.opened_on, NULL, NULL, c.factory_id, f.legal_name, NULL,
       NULL, NULL, NULL
FROM cases c JOIN factories f USING (factory_id)
WHERE $company IS NULL OR c.company_id = $company
UNION ALL
SELECT 'finding', x.finding_id, c.company_id, NULL, c.case_id, c.opened_on, NULL, NULL, c.factory_id, f.legal_name,
       NULL,
       x.code_area, x.severity, NULL
FROM findings x JOIN cases c USING (case_id) JOIN factories f ON f.factory_id = c.factory_id
WHERE $company IS NULL OR c.company_id = $company
UNION ALL
SELECT 'case_event', e.event_id, c.company_id, NULL, c.case_id, e.event_date, NULL, NULL, c.factory_id,
       f.legal_name, NULL,
       x.code_area, x.severity, e.event_type
FROM events e JOIN cases c USING (case_id) JOIN factories f ON f.factory_id = c.factory_id
     LEFT JOIN findings x ON x.finding_id = e.finding_id
WHERE $company IS NULL OR c.company_id = $company
