-- Every case at every assessment date (explain: one company at one date).
SELECT c.case_id, a.as_of, a.methodology
FROM case_facts c
CROSS JOIN assessments a
