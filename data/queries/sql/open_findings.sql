-- data/queries/companies.py: open_findings. Findings of the company's cases opened by `as_of` that were not verified as remedied by then.
SELECT k.case_id AS "Case", f.finding_id AS "Finding", k.opened_on AS "Opened",
       k.factory_id, fa.legal_name AS factory, f.code_area AS "Code area", f.severity AS "Severity",
       EXISTS (SELECT 1 FROM events e WHERE e.finding_id = f.finding_id
               AND e.event_type = 'evidence_submitted' AND e.event_date <= $as_of) AS "Evidence submitted"
FROM findings f JOIN cases k USING (case_id) JOIN factories fa ON fa.factory_id = k.factory_id
WHERE k.company_id = $company AND k.opened_on <= $as_of
  AND NOT EXISTS (SELECT 1 FROM events e WHERE e.finding_id = f.finding_id
                  AND e.event_type = 'verified' AND e.event_date <= $as_of)
ORDER BY k.opened_on, f.finding_id
