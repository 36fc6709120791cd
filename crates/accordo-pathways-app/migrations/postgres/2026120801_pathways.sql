-- The legal-pathways pillar (issue 21): click-day windows with their places and the counter
-- that numbers submissions, employers' applications, their submissions (position, receipt,
-- idempotency key), the assignment of places, each application's path after it, and the
-- partners' pre-departure courses with their trainees' certificates.
CREATE TABLE pathways_windows (
    id TEXT PRIMARY KEY,
    year BIGINT NOT NULL,
    category TEXT NOT NULL,
    opens_at BIGINT NOT NULL,
    closes_at BIGINT NOT NULL,
    general_places BIGINT NOT NULL,
    -- JSON: accordo_pathways::Policy.
    policy TEXT NOT NULL,
    -- The published quota allocation whose lines are the window's shares, or ''.
    allocation_id TEXT NOT NULL DEFAULT '',
    -- The counter: positions given so far. Advanced in the transaction that writes them, so
    -- positions are gap-free on every node.
    received BIGINT NOT NULL DEFAULT 0,
    assigned_at BIGINT NOT NULL DEFAULT 0,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (year, category)
);

CREATE TABLE pathways_shares (
    window_id TEXT NOT NULL REFERENCES pathways_windows(id),
    country TEXT NOT NULL,
    places BIGINT NOT NULL,
    PRIMARY KEY (window_id, country)
);

-- Employers' associations, registered by the ministry: they file for their members and are
-- not held to a private employer's limit of applications.
CREATE TABLE pathways_associations (
    agency TEXT PRIMARY KEY REFERENCES agencies(code),
    registered_by TEXT NOT NULL,
    registered_at BIGINT NOT NULL
);

CREATE TABLE pathways_applications (
    id TEXT PRIMARY KEY,
    -- What the worker and the employer quote on the public status page.
    code TEXT NOT NULL UNIQUE,
    owner_agency TEXT NOT NULL REFERENCES agencies(code),
    window_id TEXT NOT NULL REFERENCES pathways_windows(id),
    worker_name TEXT NOT NULL,
    worker_birth_date TEXT NOT NULL,
    worker_nationality TEXT NOT NULL,
    worker_mrz TEXT NOT NULL,
    worker_document TEXT NOT NULL,
    contract TEXT NOT NULL,
    monthly_wage_eur BIGINT NOT NULL,
    -- 0 for a permanent contract.
    months BIGINT NOT NULL,
    province TEXT NOT NULL,
    -- The pre-departure certificate the worker holds, or ''.
    certificate_code TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX pathways_applications_owner ON pathways_applications (owner_agency, created_at);
CREATE INDEX pathways_applications_nationality ON pathways_applications (worker_nationality);

CREATE TABLE pathways_submissions (
    application_id TEXT PRIMARY KEY REFERENCES pathways_applications(id),
    window_id TEXT NOT NULL REFERENCES pathways_windows(id),
    position BIGINT NOT NULL,
    received_at BIGINT NOT NULL,
    owner_agency TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    body_sha256 TEXT NOT NULL,
    submitted_by TEXT NOT NULL,
    UNIQUE (window_id, position),
    UNIQUE (owner_agency, idempotency_key)
);

CREATE TABLE pathways_assignments (
    application_id TEXT PRIMARY KEY REFERENCES pathways_applications(id),
    window_id TEXT NOT NULL REFERENCES pathways_windows(id),
    -- 'assigned' or 'reserve'.
    outcome TEXT NOT NULL,
    -- The nationality whose share the place came from, or '' (the general places).
    share TEXT NOT NULL,
    rank BIGINT NOT NULL
);

CREATE TABLE pathways_steps (
    application_id TEXT NOT NULL REFERENCES pathways_applications(id),
    step TEXT NOT NULL,
    on_date TEXT NOT NULL,
    office TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at BIGINT NOT NULL,
    PRIMARY KEY (application_id, step)
);

CREATE TABLE pathways_courses (
    id TEXT PRIMARY KEY,
    owner_agency TEXT NOT NULL REFERENCES agencies(code),
    country TEXT NOT NULL,
    title TEXT NOT NULL,
    -- 'language', 'safety' or 'trade'.
    kind TEXT NOT NULL,
    place TEXT NOT NULL,
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE pathways_trainees (
    id TEXT PRIMARY KEY,
    course_id TEXT NOT NULL REFERENCES pathways_courses(id),
    name TEXT NOT NULL,
    birth_date TEXT NOT NULL,
    nationality TEXT NOT NULL,
    document_number TEXT NOT NULL,
    -- Set when certified: the code anyone may check, and the day.
    certificate_code TEXT,
    certified_on TEXT NOT NULL DEFAULT '',
    revoked_on TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (certificate_code)
);
CREATE INDEX pathways_trainees_course ON pathways_trainees (course_id);
