-- Every request at every assessment date (used to explain one company at one date).
SELECT f.request_id, a.as_of, a.methodology, a.idx
FROM request_facts f
CROSS JOIN assessments a
