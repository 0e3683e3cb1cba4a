-- Each case's contribution to its company's FI sums at each assessed date:
-- n (1 when scorable), w (its case weight) and p (case weight × case score).
SELECT item_no, company_no, idx,
       CASE WHEN scorable THEN 1.0 ELSE 0.0 END AS n,
       CASE WHEN scorable THEN case_weight ELSE 0.0 END AS w,
       CASE WHEN scorable THEN case_weight * case_score ELSE 0.0 END AS p
FROM case_assessments
