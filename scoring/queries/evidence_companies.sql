-- Companies, optionally only those in $company_ids.
SELECT company_id, name, role, hq_country
FROM companies
WHERE CAST($company_ids AS VARCHAR[]) IS NULL OR list_contains($company_ids, company_id)
ORDER BY company_id
