-- Events (what the company did about a case) with their case's company.
SELECT e.event_id, e.case_id, c.company_id, e.finding_id, e.event_type, e.event_date
FROM events e
JOIN cases c USING (case_id)
WHERE CAST($company_ids AS VARCHAR[]) IS NULL OR list_contains($company_ids, c.company_id)
ORDER BY e.event_id
