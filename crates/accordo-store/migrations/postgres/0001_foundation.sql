-- Foundation: countries, agencies, users, sign-in, audit log, retention, notifications.
-- Times are BIGINT microseconds since the Unix epoch (UTC); flags are BIGINT 0/1;
-- identifiers are UUIDv7 text. The SQLite file next door must stay equivalent.

CREATE TABLE countries (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL
);

CREATE TABLE agencies (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    country TEXT REFERENCES countries(code),
    operator BIGINT NOT NULL DEFAULT 0,
    mandate TEXT NOT NULL DEFAULT '',
    time_zone TEXT NOT NULL DEFAULT 'UTC',
    created_at BIGINT NOT NULL
);

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    agency TEXT NOT NULL REFERENCES agencies(code),
    roles TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    totp_secret TEXT,
    totp_pending TEXT,
    disabled BIGINT NOT NULL DEFAULT 0,
    failed_logins BIGINT NOT NULL DEFAULT 0,
    locked_until BIGINT,
    must_change_password BIGINT NOT NULL DEFAULT 0,
    language TEXT NOT NULL DEFAULT 'en',
    time_zone TEXT NOT NULL DEFAULT 'Europe/Rome',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX users_agency ON users(agency);

CREATE TABLE role_policies (
    role TEXT PRIMARY KEY,
    totp_required BIGINT NOT NULL
);

CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    user_id TEXT NOT NULL REFERENCES users(id),
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    revoked_at BIGINT,
    address TEXT NOT NULL DEFAULT '',
    user_agent TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    user_id TEXT NOT NULL REFERENCES users(id),
    label TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    revoked_at BIGINT,
    last_used_at BIGINT
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);

-- The audit log: append-only and hash-chained. audit_head holds the end of the chain and
-- is updated first in every write transaction, which serialises writers on both engines.
CREATE TABLE audit_head (
    id BIGINT PRIMARY KEY,
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE audit_log (
    seq BIGINT PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    at BIGINT NOT NULL,
    actor_user TEXT,
    actor_name TEXT NOT NULL,
    actor_agency TEXT,
    action TEXT NOT NULL,
    resource_kind TEXT NOT NULL,
    resource_id TEXT,
    request_id TEXT,
    details_hash TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_log_actor ON audit_log(actor_user, seq);
CREATE INDEX audit_log_resource ON audit_log(resource_kind, resource_id);
CREATE INDEX audit_log_agency ON audit_log(actor_agency, seq);
CREATE INDEX audit_log_at ON audit_log(at);

-- Details live apart so that retention can erase them without breaking the chain.
CREATE TABLE audit_details (
    seq BIGINT PRIMARY KEY REFERENCES audit_log(seq),
    details TEXT NOT NULL
);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

CREATE TABLE retention_settings (
    kind TEXT PRIMARY KEY,
    keep_days BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by TEXT NOT NULL
);

-- Addressees of shared records, for every module: (kind, record) is addressed to an agency,
-- a country or a user.
CREATE TABLE record_addressees (
    kind TEXT NOT NULL,
    record_id TEXT NOT NULL,
    addressee_type TEXT NOT NULL CHECK (addressee_type IN ('agency', 'country', 'user')),
    addressee TEXT NOT NULL,
    PRIMARY KEY (kind, record_id, addressee_type, addressee)
);
CREATE INDEX record_addressees_to ON record_addressees(addressee_type, addressee, kind);

CREATE TABLE notifications (
    id TEXT PRIMARY KEY,
    agency TEXT NOT NULL REFERENCES agencies(code),
    user_id TEXT REFERENCES users(id),
    topic TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    resource_kind TEXT,
    resource_id TEXT,
    created_at BIGINT NOT NULL,
    read_at BIGINT
);
CREATE INDEX notifications_agency ON notifications(agency, created_at);

CREATE TABLE system_state (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
