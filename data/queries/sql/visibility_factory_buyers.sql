-- data/queries/contracts/visibility.py: _FACTORY_BUYERS
buyers AS (
    SELECT DISTINCT m.factory_id, k.contract_id, k.affiliate_id, k.company_id, k.annual_spend_eur
    FROM made_at m JOIN contract_products cp USING (product_model_id)
    JOIN contracts k ON k.contract_id = cp.contract_id AND k.company_id = m.company_id
    WHERE (k.start_date <= $today AND (k.end_date IS NULL OR k.end_date >= $today))
      AND ($role IN ('admin', 'affiliate') OR ($role = 'company' AND k.company_id = $comp))
)
