-- data/queries/contracts/buyers.py: company_contracts. The company's contracts with affiliates (the Company page).
WITH k AS (
    SELECT *, coalesce($role = 'admin' OR ($role = 'affiliate' AND affiliate_id = $aff)
                      OR ($role = 'company' AND company_id = $comp), false) AS full_view
    FROM contracts
    WHERE company_id = $company AND ($role IN ('admin', 'affiliate') OR ($role = 'company' AND company_id = $comp))
)
SELECT a.affiliate_id, a.name AS affiliate, a.country, a.kind, k.contract_id, k.start_date, k.end_date,
       k.annual_spend_eur,
       (SELECT list(p.name ORDER BY p.name, p.product_model_id) FROM contract_products cp
        JOIN product_models p USING (product_model_id) WHERE cp.contract_id = k.contract_id) AS products,
       (SELECT list(p.product_model_id ORDER BY p.name, p.product_model_id) FROM contract_products cp
        JOIN product_models p USING (product_model_id) WHERE cp.contract_id = k.contract_id) AS product_model_ids
FROM k JOIN affiliates a USING (affiliate_id)
WHERE k.full_view
UNION ALL
SELECT DISTINCT a.affiliate_id, a.name, a.country, a.kind, NULL, NULL::DATE, NULL::DATE, NULL::DOUBLE,
       NULL::VARCHAR[], NULL::VARCHAR[]
FROM k JOIN affiliates a USING (affiliate_id)
WHERE NOT k.full_view AND NOT EXISTS (SELECT 1 FROM k AS own WHERE own.full_view AND own.affiliate_id = k.affiliate_id)
ORDER BY contract_id IS NULL, start_date DESC, affiliate
