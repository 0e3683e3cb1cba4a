-- data/queries/contracts/factory_page.py: factory_disclosures. Which companies disclosed the factory for which product models (or scopes), since when, and whether the latest disclosure was complete.
SELECT r.company_id, c.name AS company, r.product_model_id, p.name AS product_model, r.scope,
       min(d.disclosed_on) AS since, max(d.disclosed_on) AS latest,
       arg_max(d.complete, d.disclosed_on) AS complete, count(DISTINCT r.request_id) AS requests
FROM disclosures d JOIN disclosure_requests r USING (request_id) JOIN companies c ON c.company_id = r.company_id
LEFT JOIN product_models p ON p.product_model_id = r.product_model_id
WHERE d.factory_id = $factory
  AND ($role IN ('admin', 'affiliate') OR ($role = 'company' AND r.company_id = $comp))
GROUP BY ALL
ORDER BY since, company, product_model
