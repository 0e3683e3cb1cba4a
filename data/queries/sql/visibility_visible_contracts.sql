-- data/queries/contracts/visibility.py: _VISIBLE_CONTRACTS
visible_contracts AS (
    SELECT k.* FROM contracts k
    WHERE ($role = 'admin' OR ($role = 'affiliate' AND k.affiliate_id = $aff)
           OR ($role = 'company' AND k.company_id = $comp))
      -- a page may narrow (never widen) the view: one affiliate's contracts, or one contract
      AND (CAST($only_aff AS VARCHAR) IS NULL OR k.affiliate_id = $only_aff)
      AND (CAST($only_contract AS VARCHAR) IS NULL OR k.contract_id = $only_contract)
)
