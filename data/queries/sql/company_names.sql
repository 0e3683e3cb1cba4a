-- data/queries/companies.py: company_names. Names of what a company's explanation mentions:
SELECT NULL::VARCHAR AS factory_id, NULL::VARCHAR AS legal_name,
       product_model_id, name AS product_model
FROM product_models WHERE company_id = $company
UNION ALL
SELECT f.factory_id, f.legal_name, NULL, NULL
FROM factories f
WHERE f.factory_id IN (SELECT d.factory_id FROM disclosures d JOIN disclosure_requests r USING (request_id)
                       WHERE r.company_id = $company)
   OR f.factory_id IN (SELECT k.factory_id FROM cases k WHERE k.company_id = $company)
ORDER BY 3, 1
