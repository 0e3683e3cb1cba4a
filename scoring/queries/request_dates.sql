-- Every request at every assessment date (explain: one company at one date).
SELECT f.request_id, a.as_of, a.methodology
FROM request_facts f
CROSS JOIN assessments a
