-- Due-diligence records with their request's company.
SELECT g.request_id, r.company_id, g.recorded_on, g.note
FROM due_diligence g
JOIN disclosure_requests r USING (request_id)
WHERE CAST($company_ids AS VARCHAR[]) IS NULL OR list_contains($company_ids, r.company_id)
ORDER BY g.request_id, g.recorded_on
