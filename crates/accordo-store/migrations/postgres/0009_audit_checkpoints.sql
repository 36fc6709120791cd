-- Signed checkpoints of the audit chain's head (accordo_domain::audit::Checkpoint): written
-- by the server periodically and at shutdown, fetched and kept by the independent monitor.
CREATE TABLE audit_checkpoints (
    seq BIGINT NOT NULL,
    head_hash TEXT NOT NULL,
    at BIGINT NOT NULL,
    public_key TEXT NOT NULL,
    signature TEXT NOT NULL,
    PRIMARY KEY (seq, public_key)
);
