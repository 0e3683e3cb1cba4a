-- Disclosure requests, optionally only those of the companies in $company_ids.
SELECT request_id, company_id, product_model_id, scope, requested_on, due_on
FROM disclosure_requests
WHERE CAST($company_ids AS VARCHAR[]) IS NULL OR list_contains($company_ids, company_id)
ORDER BY request_id
