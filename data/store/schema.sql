-- CPT evidence store. Tables, columns and keys follow ../shared/DATA_FORMAT.md;
-- allowed values, required columns and references are real constraints so a
-- bad row can never reach the file, whichever tool writes it.
-- Rules that depend on the day of the import (no future dates) or need a look
-- at another table's dates (disclosed_on >= requested_on) live in the importer.

CREATE TABLE companies (
    company_id  VARCHAR PRIMARY KEY CHECK (length(company_id) BETWEEN 1 AND 64),
    name        VARCHAR NOT NULL CHECK (length(trim(name)) > 0),
    role        VARCHAR NOT NULL CHECK (role IN ('brand', 'contractor', 'reseller')),
    hq_country  VARCHAR CHECK (hq_country IS NULL OR regexp_full_match(hq_country, '[A-Z]{2}'))
);

CREATE TABLE affiliates (
    affiliate_id VARCHAR PRIMARY KEY CHECK (length(affiliate_id) BETWEEN 1 AND 64),
    name         VARCHAR NOT NULL CHECK (length(trim(name)) > 0),
    country      VARCHAR NOT NULL CHECK (regexp_full_match(country, '[A-Z]{2}')),
    kind         VARCHAR
);

CREATE TABLE contracts (
    contract_id     VARCHAR PRIMARY KEY CHECK (length(contract_id) BETWEEN 1 AND 64),
    affiliate_id    VARCHAR NOT NULL REFERENCES affiliates (affiliate_id),
    company_id      VARCHAR NOT NULL REFERENCES companies (company_id),
    start_date      DATE NOT NULL,
    end_date        DATE CHECK (end_date IS NULL OR end_date >= start_date),
    annual_spend_eur DOUBLE CHECK (annual_spend_eur IS NULL OR annual_spend_eur >= 0)
);

CREATE TABLE product_models (
    product_model_id VARCHAR PRIMARY KEY CHECK (length(product_model_id) BETWEEN 1 AND 64),
    company_id       VARCHAR NOT NULL REFERENCES companies (company_id),
    name             VARCHAR NOT NULL CHECK (length(trim(name)) > 0),
    category         VARCHAR NOT NULL CHECK (category IN ('laptop', 'desktop', 'monitor', 'server',
                        'phone', 'tablet', 'printer', 'network', 'other'))
);

CREATE TABLE contract_products (
    contract_id      VARCHAR NOT NULL REFERENCES contracts (contract_id),
    product_model_id VARCHAR NOT NULL REFERENCES product_models (product_model_id),
    PRIMARY KEY (contract_id, product_model_id)
);

CREATE TABLE factories (
    factory_id     VARCHAR PRIMARY KEY CHECK (length(factory_id) BETWEEN 1 AND 64),
    legal_name     VARCHAR NOT NULL CHECK (length(trim(legal_name)) > 0),
    address        VARCHAR,
    city           VARCHAR,
    country        VARCHAR NOT NULL CHECK (regexp_full_match(country, '[A-Z]{2}')),
    tier           VARCHAR NOT NULL CHECK (tier IN ('final_assembly', 'components')),
    component_type VARCHAR,
    -- optional WGS 84 coordinates (decimal degrees) for the factory map
    latitude       DOUBLE CHECK (latitude IS NULL OR latitude BETWEEN -90 AND 90),
    longitude      DOUBLE CHECK (longitude IS NULL OR longitude BETWEEN -180 AND 180),
    CHECK ((latitude IS NULL) = (longitude IS NULL))
);

CREATE TABLE disclosure_requests (
    request_id       VARCHAR PRIMARY KEY CHECK (length(request_id) BETWEEN 1 AND 64),
    company_id       VARCHAR NOT NULL REFERENCES companies (company_id),
    product_model_id VARCHAR REFERENCES product_models (product_model_id),
    scope            VARCHAR NOT NULL CHECK (scope IN ('final_assembly', 'components', 'compliance_findings')),
    requested_on     DATE NOT NULL,
    due_on           DATE NOT NULL,
    CHECK (due_on >= requested_on)
);

CREATE TABLE disclosures (
    request_id   VARCHAR NOT NULL REFERENCES disclosure_requests (request_id),
    factory_id   VARCHAR NOT NULL REFERENCES factories (factory_id),
    disclosed_on DATE NOT NULL,
    complete     BOOLEAN NOT NULL,
    PRIMARY KEY (request_id, factory_id, disclosed_on)
);

CREATE TABLE due_diligence (
    request_id  VARCHAR NOT NULL REFERENCES disclosure_requests (request_id),
    recorded_on DATE NOT NULL,
    note        VARCHAR,
    PRIMARY KEY (request_id, recorded_on)
);

CREATE TABLE cases (
    case_id    VARCHAR PRIMARY KEY CHECK (length(case_id) BETWEEN 1 AND 64),
    company_id VARCHAR NOT NULL REFERENCES companies (company_id),
    factory_id VARCHAR NOT NULL REFERENCES factories (factory_id),
    opened_on  DATE NOT NULL,
    title      VARCHAR
);

CREATE TABLE findings (
    finding_id  VARCHAR PRIMARY KEY CHECK (length(finding_id) BETWEEN 1 AND 64),
    case_id     VARCHAR NOT NULL REFERENCES cases (case_id),
    code_area   VARCHAR NOT NULL CHECK (code_area IN ('wages', 'working_hours', 'health_safety',
                    'forced_labour', 'child_labour', 'freedom_of_association', 'discrimination',
                    'harsh_treatment', 'employment_relationship', 'environment', 'other')),
    severity    VARCHAR NOT NULL CHECK (severity IN ('minor', 'major', 'critical')),
    description VARCHAR,
    UNIQUE (finding_id, case_id)
);

CREATE TABLE events (
    event_id   VARCHAR PRIMARY KEY CHECK (length(event_id) BETWEEN 1 AND 64),
    case_id    VARCHAR NOT NULL REFERENCES cases (case_id),
    finding_id VARCHAR,
    event_type VARCHAR NOT NULL CHECK (event_type IN ('acknowledged', 'access_granted', 'plan_submitted',
                   'evidence_submitted', 'verified', 'retaliation_confirmed')),
    event_date DATE NOT NULL,
    note       VARCHAR,
    -- evidence_submitted and verified concern one finding; the others must not name one.
    CHECK ((event_type IN ('evidence_submitted', 'verified')) = (finding_id IS NOT NULL)),
    -- ... and that finding belongs to the same case.
    FOREIGN KEY (finding_id, case_id) REFERENCES findings (finding_id, case_id)
);

-- What an affiliate (or staff on its behalf) expects of a contracted company (issue 14): a score
-- (sct, fi, overall: target 0-100) or a band (target: a band name) to reach by due_on, or a
-- specific improvement action (target: "action:target_id", METHODOLOGY.md section 4).
CREATE TABLE expectations (
    expectation_id VARCHAR PRIMARY KEY CHECK (length(expectation_id) BETWEEN 1 AND 64),
    affiliate_id   VARCHAR NOT NULL REFERENCES affiliates (affiliate_id),
    company_id     VARCHAR NOT NULL REFERENCES companies (company_id),
    what           VARCHAR NOT NULL CHECK (what IN ('sct', 'fi', 'overall', 'band', 'action')),
    target         VARCHAR NOT NULL CHECK (length(trim(target)) > 0),
    due_on         DATE NOT NULL,
    note           VARCHAR,
    set_by         VARCHAR NOT NULL CHECK (length(trim(set_by)) > 0),
    set_on         DATE NOT NULL,
    CHECK (what NOT IN ('sct', 'fi', 'overall')
           OR (TRY_CAST(target AS DOUBLE) IS NOT NULL AND TRY_CAST(target AS DOUBLE) BETWEEN 0 AND 100)),
    CHECK (what <> 'band' OR target IN ('Insufficient', 'Developing', 'Good', 'Leading'))
);

-- Right of reply (issue 23): a company disputes a data point it sees on its page. The point is
-- named by its kind and key (request: request_id; disclosure: request_id|factory_id|disclosed_on;
-- finding: finding_id; case_event: event_id; case: case_id), not by a foreign key, so a dispute
-- outlives a correction of the evidence it questions. The evidence and the score do not change
-- while a dispute is open; staff resolve it as upheld (and correct the evidence through an
-- import) or rejected (with a reason the company sees). Written only by data/queries/disputes.py.
-- Files made before disputes existed get this table on their first dispute (IF NOT EXISTS).
CREATE SEQUENCE IF NOT EXISTS disputes_seq;
CREATE TABLE IF NOT EXISTS disputes (
    dispute_id  BIGINT PRIMARY KEY DEFAULT nextval('disputes_seq'),
    company_id  VARCHAR NOT NULL REFERENCES companies (company_id),
    point_kind  VARCHAR NOT NULL CHECK (point_kind IN ('request', 'disclosure', 'finding', 'case_event', 'case')),
    point_key   VARCHAR NOT NULL CHECK (length(point_key) BETWEEN 1 AND 200),
    reason      VARCHAR NOT NULL CHECK (length(trim(reason)) > 0 AND length(reason) <= 2000),
    opened_at   TIMESTAMP NOT NULL DEFAULT current_timestamp,
    opened_by   VARCHAR NOT NULL CHECK (length(trim(opened_by)) > 0),
    status      VARCHAR NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'upheld', 'rejected')),
    resolved_at TIMESTAMP,
    resolved_by VARCHAR,
    resolution  VARCHAR CHECK (resolution IS NULL OR length(resolution) <= 2000),
    document_id VARCHAR,  -- a supporting document (source documents, issue 23): not used yet
    CHECK ((status = 'open') = (resolved_at IS NULL)),
    CHECK (status = 'open' OR (resolved_by IS NOT NULL AND length(trim(resolution)) > 0))
);

-- Dashboard accounts (DESIGN.md, access control). Passwords are stored as
-- argon2 hashes only.
CREATE TABLE users (
    username      VARCHAR PRIMARY KEY CHECK (regexp_full_match(username, '[A-Za-z0-9._@-]{1,64}')),
    password_hash VARCHAR NOT NULL,
    role          VARCHAR NOT NULL CHECK (role IN ('admin', 'affiliate', 'company')),
    company_id    VARCHAR REFERENCES companies (company_id),
    affiliate_id  VARCHAR REFERENCES affiliates (affiliate_id),
    created_at    TIMESTAMP NOT NULL DEFAULT current_timestamp,
    CHECK ((role = 'company') = (company_id IS NOT NULL)),
    CHECK ((role = 'affiliate') = (affiliate_id IS NOT NULL))
);

-- Who changed the evidence, when, with what. One row per applied write.
CREATE SEQUENCE audit_log_seq;
CREATE TABLE audit_log (
    audit_id   BIGINT PRIMARY KEY DEFAULT nextval('audit_log_seq'),
    logged_at  TIMESTAMP NOT NULL DEFAULT current_timestamp,
    who        VARCHAR NOT NULL,
    action     VARCHAR NOT NULL,
    detail     VARCHAR,
    counts     VARCHAR  -- JSON: {"table": {"inserted": n, "replaced": m}}
);

-- Facts about the file itself (e.g. demo = true).
CREATE TABLE meta (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR
);
