-- Every case at every assessment date (used to explain one company at one date).
SELECT c.case_id, a.as_of, a.methodology, a.idx
FROM case_facts c
CROSS JOIN assessments a
