-- Cases (a monitoring report about one factory sent to one company).
SELECT case_id, company_id, factory_id, opened_on, title
FROM cases
WHERE CAST($company_ids AS VARCHAR[]) IS NULL OR list_contains($company_ids, company_id)
ORDER BY case_id
