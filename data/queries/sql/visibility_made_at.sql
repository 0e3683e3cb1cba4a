-- data/queries/contracts/visibility.py: _MADE_AT
made_at AS (
    SELECT d.factory_id, r.company_id, r.product_model_id, min(d.disclosed_on) AS since
    FROM disclosures d JOIN disclosure_requests r USING (request_id)
    WHERE r.product_model_id IS NOT NULL AND r.scope IN ('final_assembly', 'components')
      AND d.disclosed_on <= $today
    GROUP BY ALL
)
