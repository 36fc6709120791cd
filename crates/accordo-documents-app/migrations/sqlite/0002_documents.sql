-- The documents pillar: the shared register of lost, stolen, revoked, forged and fraudulently
-- obtained travel documents. Each report is owned by the agency that made it, which alone
-- withdraws it; every partner's checks read it.
CREATE TABLE document_reports (
    id TEXT PRIMARY KEY,
    -- Normalised key `STATE|TYPE|NUMBER` (accordo_documents::DocumentKey::as_text).
    doc_key TEXT NOT NULL,
    issuing_state TEXT NOT NULL,
    document_type TEXT NOT NULL,
    document_number TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('lost', 'stolen', 'revoked', 'forged', 'fraudulently_obtained')),
    owner_agency TEXT NOT NULL REFERENCES agencies(code),
    -- The calendar date the loss or theft was reported, YYYY-MM-DD.
    reported_on TEXT NOT NULL,
    notes TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    withdrawn_at BIGINT,
    withdrawn_by TEXT
);
CREATE INDEX document_reports_key ON document_reports (doc_key, withdrawn_at);
CREATE INDEX document_reports_owner ON document_reports (owner_agency, created_at);
