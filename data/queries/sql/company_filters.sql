-- data/queries/companies.py: company_filters. Per company:
SELECT c.company_id, c.role,
       coalesce((SELECT list(DISTINCT k.affiliate_id ORDER BY k.affiliate_id) FROM contracts k
                 WHERE k.company_id = c.company_id), []) AS affiliate_ids,
       coalesce((SELECT list(DISTINCT p.category ORDER BY p.category) FROM product_models p
                 WHERE p.company_id = c.company_id), []) AS categories
FROM companies c
WHERE $ids IS NULL OR list_contains($ids, c.company_id)
ORDER BY c.company_id
