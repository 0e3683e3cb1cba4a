-- One row per company and assessment (as_of, methodology): SCT, FI and overall
-- (METHODOLOGY.md sections 1 to 3). A score with nothing scorable is NULL (n/a), never 0.
-- Reads the request_assessments and case_assessments views and companies, assessments,
-- methodologies.
WITH sct AS (
    SELECT company_id, as_of, methodology, 100 * sum(weight * credit) / sum(weight) AS sct
    FROM request_assessments
    WHERE scorable
    GROUP BY company_id, as_of, methodology
),
fi AS (
    SELECT company_id, as_of, methodology, sum(case_weight * case_score) / sum(case_weight) AS fi
    FROM case_assessments
    WHERE scorable
    GROUP BY company_id, as_of, methodology
)
SELECT c.company_id, a.as_of, a.methodology, sct.sct, fi.fi,
       CASE WHEN sct.sct IS NULL THEN fi.fi
            WHEN fi.fi IS NULL THEN sct.sct
            ELSE m.overall_sct_weight * sct.sct + m.overall_fi_weight * fi.fi END AS overall
FROM companies c
CROSS JOIN assessments a
JOIN methodologies m ON m.methodology = a.methodology
LEFT JOIN sct ON sct.company_id = c.company_id AND sct.as_of = a.as_of AND sct.methodology = a.methodology
LEFT JOIN fi ON fi.company_id = c.company_id AND fi.as_of = a.as_of AND fi.methodology = a.methodology
ORDER BY c.company_id, a.as_of, a.methodology
