-- Forgery alerts: a partner describes a forged series or pattern and how to recognise it.
-- Shared under TLP 2.0 (handling) with the addressees in record_addressees (kind
-- 'forgery_alert'); checks that match an alert the checker may read show it.
CREATE TABLE forgery_alerts (
    id TEXT PRIMARY KEY,
    owner_agency TEXT NOT NULL REFERENCES agencies(code),
    handling TEXT NOT NULL CHECK (handling IN ('CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED')),
    issuing_state TEXT,
    document_type TEXT,
    number_from TEXT,
    number_to TEXT,
    number_pattern TEXT,
    what_forged TEXT NOT NULL,
    how_to_recognise TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    withdrawn_at BIGINT,
    withdrawn_by TEXT
);
CREATE INDEX forgery_alerts_owner ON forgery_alerts (owner_agency, created_at);
