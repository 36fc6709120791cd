-- Onward sharing, a recorded act: the owner's agency shares a message with more agencies
-- (intel_shares), on its own or by granting a request that the other side of a hit made
-- (intel_share_requests). A request is owned by the requesting agency and addressed (in
-- record_addressees, kind 'intel_share_request') to the agency that holds the message; the
-- requester never learns which message it is.
CREATE TABLE intel_share_requests (
    id TEXT PRIMARY KEY,
    owner_agency TEXT NOT NULL REFERENCES agencies(code),
    handling TEXT NOT NULL CHECK (handling = 'AMBER+STRICT'),
    hit_id TEXT NOT NULL UNIQUE REFERENCES intel_hits(id),
    message_id TEXT NOT NULL REFERENCES intel_messages(id),
    message_agency TEXT NOT NULL REFERENCES agencies(code),
    kind TEXT NOT NULL,
    normalised TEXT NOT NULL,
    requested_by TEXT NOT NULL,
    requested_by_id TEXT NOT NULL,
    requested_at BIGINT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'granted', 'refused')),
    decided_by TEXT,
    decided_at BIGINT
);
CREATE INDEX intel_share_requests_owner ON intel_share_requests (owner_agency, requested_at);
CREATE INDEX intel_share_requests_message ON intel_share_requests (message_agency, requested_at);

CREATE TABLE intel_shares (
    message_id TEXT NOT NULL REFERENCES intel_messages(id),
    addressee_type TEXT NOT NULL CHECK (addressee_type IN ('agency', 'user')),
    addressee TEXT NOT NULL,
    shared_by TEXT NOT NULL,
    shared_at BIGINT NOT NULL,
    request_id TEXT REFERENCES intel_share_requests(id),
    PRIMARY KEY (message_id, addressee_type, addressee)
);
