-- data/queries/contracts/visibility.py: _VISIBLE_FACTORY
($role IN ('admin', 'affiliate') OR ($role = 'company' AND EXISTS (
    SELECT 1 FROM disclosures vd JOIN disclosure_requests vr USING (request_id)
    WHERE vd.factory_id = {alias}.factory_id AND vr.company_id = $comp)))
