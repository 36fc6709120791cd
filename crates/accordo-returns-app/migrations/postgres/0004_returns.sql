-- Returns and cooperation: readmission agreements (terms as data), return cases, readmission
-- requests to partner authorities (addressed through record_addressees, kind
-- 'readmission_request'), centres and stays under independent monitoring, the cooperation
-- index's policies and hand-entered indicators, official statistics, quotas and allocations.

-- One agreement per partner authority. `terms` is JSON (accordo_returns::Terms); every edit
-- makes a new version, and each request keeps a copy of the terms it was sent under.
CREATE TABLE readmission_agreements (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    partner_country TEXT NOT NULL REFERENCES countries(code),
    authority_agency TEXT NOT NULL UNIQUE REFERENCES agencies(code),
    terms TEXT NOT NULL,
    source TEXT NOT NULL,
    confirmed BIGINT NOT NULL CHECK (confirmed IN (0, 1)),
    version BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by TEXT NOT NULL
);

CREATE TABLE centres (
    id TEXT PRIMARY KEY,
    owner_agency TEXT NOT NULL REFERENCES agencies(code),
    name TEXT NOT NULL,
    country TEXT NOT NULL REFERENCES countries(code),
    capacity BIGINT NOT NULL CHECK (capacity > 0),
    monitored_by TEXT REFERENCES agencies(code),
    created_at BIGINT NOT NULL
);

CREATE TABLE return_cases (
    id TEXT PRIMARY KEY,
    owner_agency TEXT NOT NULL REFERENCES agencies(code),
    caseworker TEXT NOT NULL,
    surname TEXT NOT NULL,
    given_names TEXT NOT NULL,
    date_of_birth TEXT,
    claimed_nationality TEXT NOT NULL REFERENCES countries(code),
    biometric_ref TEXT NOT NULL,
    vulnerabilities TEXT NOT NULL,
    best_interests_on TEXT,
    asylum TEXT NOT NULL CHECK (asylum IN ('none', 'pending', 'appeal_pending', 'rejected', 'granted')),
    return_decision_on TEXT,
    state TEXT NOT NULL,
    return_kind TEXT,
    return_on TEXT,
    outcome_reason TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    -- Raised by every change: a write based on an older read is refused, not applied.
    version BIGINT NOT NULL
);
CREATE INDEX return_cases_owner ON return_cases (owner_agency, state, updated_at);

-- Documents the person holds, or copies of them, with the MRZ check's verdict.
CREATE TABLE case_documents (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES return_cases(id),
    kind TEXT NOT NULL,
    document_number TEXT NOT NULL,
    valid_until TEXT,
    mrz TEXT NOT NULL,
    check_verdict TEXT NOT NULL,
    check_reasons TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX case_documents_case ON case_documents (case_id);

CREATE TABLE readmission_requests (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES return_cases(id),
    owner_agency TEXT NOT NULL REFERENCES agencies(code),
    partner_agency TEXT NOT NULL REFERENCES agencies(code),
    -- AMBER+STRICT: the requesting agency and the addressed authority only.
    handling TEXT NOT NULL CHECK (handling IN ('AMBER', 'AMBER+STRICT', 'RED')),
    agreement_id TEXT NOT NULL REFERENCES readmission_agreements(id),
    agreement_version BIGINT NOT NULL,
    terms TEXT NOT NULL,
    evidence TEXT NOT NULL,
    sent_at BIGINT NOT NULL,
    sent_on TEXT NOT NULL,
    -- deemed_accepted: silence past the deadline, where the agreement makes it acceptance
    -- (written when the travel document is recorded); withdrawn: the case was closed.
    status TEXT NOT NULL CHECK (status IN ('pending', 'more_information', 'confirmed', 'rejected', 'deemed_accepted', 'withdrawn')),
    extended BIGINT NOT NULL DEFAULT 0,
    replied_at BIGINT,
    replied_on TEXT,
    reply_reason TEXT,
    late BIGINT,
    travel_document_number TEXT,
    travel_document_valid_until TEXT,
    travel_document_at BIGINT,
    created_by TEXT NOT NULL,
    version BIGINT NOT NULL
);
CREATE INDEX readmission_requests_partner ON readmission_requests (partner_agency, status);
CREATE INDEX readmission_requests_case ON readmission_requests (case_id);

-- Requests for more information: each stops the clock from `from_on` to `until_on` when the
-- agreement says so.
CREATE TABLE readmission_pauses (
    id TEXT PRIMARY KEY,
    request_id TEXT NOT NULL REFERENCES readmission_requests(id),
    from_on TEXT NOT NULL,
    until_on TEXT,
    question TEXT NOT NULL,
    answer TEXT
);
CREATE INDEX readmission_pauses_request ON readmission_pauses (request_id, from_on);

CREATE TABLE centre_stays (
    id TEXT PRIMARY KEY,
    centre_id TEXT NOT NULL REFERENCES centres(id),
    case_id TEXT NOT NULL REFERENCES return_cases(id),
    from_on TEXT NOT NULL,
    until_on TEXT
);
CREATE INDEX centre_stays_centre ON centre_stays (centre_id, from_on);

-- Safeguard steps recorded on a case (best-interests assessment, vulnerability screening,
-- legal information given …): what the monitor reads, without the person's name.
CREATE TABLE safeguard_records (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES return_cases(id),
    kind TEXT NOT NULL,
    recorded_on TEXT NOT NULL,
    note TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX safeguard_records_case ON safeguard_records (case_id);

-- The cooperation index: each policy version is kept, never changed.
CREATE TABLE cooperation_policies (
    version BIGINT PRIMARY KEY,
    policy TEXT NOT NULL,
    note TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    created_by TEXT NOT NULL
);

-- Indicators the partnership records by hand, with their source.
CREATE TABLE cooperation_manual_values (
    id TEXT PRIMARY KEY,
    partner_country TEXT NOT NULL REFERENCES countries(code),
    year BIGINT NOT NULL,
    indicator TEXT NOT NULL,
    value TEXT NOT NULL,
    source TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX cooperation_manual_values_partner ON cooperation_manual_values (partner_country, year, indicator);

-- Imported official statistics (Eurostat migr_eiord / migr_eirtn), as published.
CREATE TABLE official_return_statistics (
    year BIGINT NOT NULL,
    geo TEXT NOT NULL,
    citizenship TEXT NOT NULL,
    ordered_to_leave BIGINT,
    returned BIGINT,
    returned_to_third_country BIGINT,
    source TEXT NOT NULL,
    PRIMARY KEY (year, geo, citizenship)
);

-- Quota totals by year and category, as the decree sets them.
CREATE TABLE quota_totals (
    period TEXT NOT NULL,
    category TEXT NOT NULL,
    subcategory TEXT NOT NULL,
    quota BIGINT NOT NULL,
    source TEXT NOT NULL,
    PRIMARY KEY (period, category, subcategory)
);

-- A published allocation: immutable (no statement updates this table).
CREATE TABLE quota_allocations (
    id TEXT PRIMARY KEY,
    year BIGINT NOT NULL,
    category TEXT NOT NULL,
    seats BIGINT NOT NULL,
    method TEXT NOT NULL,
    policy_version BIGINT NOT NULL,
    inputs TEXT NOT NULL,
    result TEXT NOT NULL,
    published_at BIGINT NOT NULL,
    published_by TEXT NOT NULL
);
CREATE INDEX quota_allocations_year ON quota_allocations (year, category, published_at);

-- Published allocations and policy versions are never changed, as the audit log.
CREATE FUNCTION written_once() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% rows are written once and never changed', TG_TABLE_NAME;
END;
$$;
CREATE TRIGGER quota_allocations_no_change BEFORE UPDATE OR DELETE ON quota_allocations
FOR EACH ROW EXECUTE FUNCTION written_once();
CREATE TRIGGER cooperation_policies_no_change BEFORE UPDATE OR DELETE ON cooperation_policies
FOR EACH ROW EXECUTE FUNCTION written_once();
