-- Audit entries committed with their change and not yet chained. A write transaction inserts
-- its entry here, touching no shared row; the sealer (accordo_store::audit::seal) moves the
-- committed entries into audit_log in one transaction per batch, numbering and linking them,
-- so that writers no longer queue on audit_head. Reads of the log seal first.
CREATE TABLE audit_pending (
    pid BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    at BIGINT NOT NULL,
    actor_user TEXT,
    actor_name TEXT NOT NULL,
    actor_agency TEXT,
    action TEXT NOT NULL,
    resource_kind TEXT NOT NULL,
    resource_id TEXT,
    request_id TEXT,
    details TEXT NOT NULL
);
