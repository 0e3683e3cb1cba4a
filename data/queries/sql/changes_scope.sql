-- data/queries/changes.py: _SCOPE
WITH mine AS (
    SELECT k.* FROM contracts k
    WHERE k.affiliate_id = $affiliate AND k.start_date <= $until AND (k.end_date IS NULL OR k.end_date > $since)
      AND ($role = 'admin' OR ($role = 'affiliate' AND k.affiliate_id = $aff))
),
models AS (SELECT DISTINCT cp.product_model_id FROM mine JOIN contract_products cp USING (contract_id)),
my_companies AS (SELECT DISTINCT company_id FROM mine),
my_factories AS (
    SELECT DISTINCT d.factory_id FROM disclosures d JOIN disclosure_requests r USING (request_id)
    WHERE r.product_model_id IN (SELECT product_model_id FROM models) AND d.disclosed_on <= $until
),
my_cases AS (
    SELECT c.* FROM cases c
    WHERE c.company_id IN (SELECT company_id FROM my_companies) OR c.factory_id IN (SELECT factory_id FROM my_factories)
)
