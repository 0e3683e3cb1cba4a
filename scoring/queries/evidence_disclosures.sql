-- Disclosures (one row per factory disclosed for a request) with their request's company.
SELECT d.request_id, r.company_id, d.factory_id, d.disclosed_on, d.complete
FROM disclosures d
JOIN disclosure_requests r USING (request_id)
WHERE CAST($company_ids AS VARCHAR[]) IS NULL OR list_contains($company_ids, r.company_id)
ORDER BY d.request_id, d.disclosed_on, d.factory_id
