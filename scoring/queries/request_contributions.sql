-- Each request's contribution to its company's SCT sums at each assessed date:
-- n (1 when scorable), w (its weight) and p (weight × credit); zero when not scorable.
SELECT item_no, company_no, idx,
       CASE WHEN scorable THEN 1.0 ELSE 0.0 END AS n,
       CASE WHEN scorable THEN weight ELSE 0.0 END AS w,
       CASE WHEN scorable THEN weight * credit ELSE 0.0 END AS p
FROM request_assessments
