-- data/queries/companies.py: affiliates. Affiliates that hold at least one contract, by name.
SELECT a.affiliate_id, a.name, a.country, a.kind
FROM affiliates a
WHERE EXISTS (SELECT 1 FROM contracts k WHERE k.affiliate_id = a.affiliate_id)
ORDER BY a.name
