-- data/queries/documents.py: _LINKED
SELECT d.document_id, d.kind, d.document_date, d.title, d.company_id, l.evidence,
       l.request_id,
       coalesce(l.case_id, f.case_id, e.case_id) AS case_id,
       coalesce(l.factory_id, c.factory_id) AS factory_id,
       l.event_id
FROM documents d
JOIN document_links l USING (document_id)
LEFT JOIN findings f ON f.finding_id = l.finding_id
LEFT JOIN events e ON e.event_id = l.event_id
LEFT JOIN cases c ON c.case_id = coalesce(l.case_id, f.case_id, e.case_id)
WHERE {visible} AND {where}
ORDER BY d.document_date DESC, d.document_id, l.evidence
