-- Findings (breaches in a case's report) with their case's company.
SELECT f.finding_id, f.case_id, c.company_id, f.code_area, f.severity
FROM findings f
JOIN cases c USING (case_id)
WHERE CAST($company_ids AS VARCHAR[]) IS NULL OR list_contains($company_ids, c.company_id)
ORDER BY f.finding_id
