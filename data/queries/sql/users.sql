-- Every dashboard account without its password hash, with its company's and affiliate's names.
SELECT u.username, u.role, u.company_id, c.name AS company, u.affiliate_id, a.name AS affiliate, u.created_at
FROM users u LEFT JOIN companies c USING (company_id) LEFT JOIN affiliates a USING (affiliate_id)
ORDER BY u.username
