-- data/queries/companies.py: companies. Companies with role, HQ country and how much evidence each has.
SELECT c.company_id, c.name, c.role, c.hq_country,
       (SELECT count(*) FROM product_models p WHERE p.company_id = c.company_id) AS product_models,
       (SELECT count(*) FROM disclosure_requests r WHERE r.company_id = c.company_id) AS requests,
       (SELECT count(*) FROM cases k WHERE k.company_id = c.company_id) AS cases
FROM companies c
WHERE $ids IS NULL OR list_contains($ids, c.company_id)
ORDER BY c.name
