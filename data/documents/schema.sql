-- Source documents (issue 23): the files themselves live beside the database file, in
-- <db file>.documents/<sha256>; these tables say what each is, who may see it and which
-- evidence rows rest on it. IF NOT EXISTS: a file made before documents existed gets them
-- at its next write (data/documents/store.py `ensure_tables`).

CREATE TABLE IF NOT EXISTS documents (
    document_id   VARCHAR PRIMARY KEY CHECK (length(document_id) BETWEEN 1 AND 64),
    sha256        VARCHAR NOT NULL CHECK (regexp_full_match(sha256, '[0-9a-f]{64}')),
    title         VARCHAR NOT NULL CHECK (length(trim(title)) BETWEEN 1 AND 300),
    kind          VARCHAR NOT NULL CHECK (kind IN ('monitoring_report', 'disclosure_letter',
                      'due_diligence_statement', 'remediation_plan', 'verification_report', 'other')),
    document_date DATE NOT NULL,
    size_bytes    BIGINT NOT NULL CHECK (size_bytes > 0),
    media_type    VARCHAR NOT NULL,
    uploaded_by   VARCHAR NOT NULL CHECK (length(trim(uploaded_by)) > 0),
    uploaded_at   TIMESTAMP NOT NULL DEFAULT current_timestamp,
    visibility    VARCHAR NOT NULL CHECK (visibility IN ('staff', 'affiliates', 'affiliates_and_company')),
    company_id    VARCHAR NOT NULL  -- the company the document concerns (checked by the importer)
);

-- Which evidence row rests on which document (many to many). `evidence` names the table; the
-- row's key columns are filled, the others empty (checked below and by the importer).
CREATE TABLE IF NOT EXISTS document_links (
    document_id  VARCHAR NOT NULL,
    evidence     VARCHAR NOT NULL CHECK (evidence IN ('disclosures', 'due_diligence', 'cases', 'findings', 'events')),
    request_id   VARCHAR,
    factory_id   VARCHAR,
    disclosed_on DATE,
    recorded_on  DATE,
    case_id      VARCHAR,
    finding_id   VARCHAR,
    event_id     VARCHAR,
    CHECK ((evidence = 'disclosures') = (request_id IS NOT NULL AND factory_id IS NOT NULL AND disclosed_on IS NOT NULL)),
    CHECK ((evidence = 'due_diligence') = (recorded_on IS NOT NULL)),
    CHECK ((evidence = 'cases') = (case_id IS NOT NULL)),
    CHECK ((evidence = 'findings') = (finding_id IS NOT NULL)),
    CHECK ((evidence = 'events') = (event_id IS NOT NULL)),
    CHECK (evidence NOT IN ('disclosures', 'due_diligence') OR request_id IS NOT NULL),
    CHECK (evidence IN ('disclosures', 'due_diligence') OR request_id IS NULL)
);
