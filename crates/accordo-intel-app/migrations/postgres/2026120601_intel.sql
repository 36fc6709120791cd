-- The intel pillar: police and coast-guard messages, the cases they are grouped in, the
-- entities they name, who has read them, and the hits between records their readers may not
-- see. Messages and cases are owned by an agency and reach the addressees in
-- record_addressees (kinds 'intel_message' and 'intel_case'; agencies, and for RED named
-- users), the owner agency always.
CREATE TABLE intel_cases (
    id TEXT PRIMARY KEY,
    owner_agency TEXT NOT NULL REFERENCES agencies(code),
    -- The case's participants read it; the label keeps it inside them.
    handling TEXT NOT NULL CHECK (handling = 'AMBER+STRICT'),
    title TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX intel_cases_owner ON intel_cases (owner_agency, created_at);

CREATE TABLE intel_messages (
    id TEXT PRIMARY KEY,
    case_id TEXT REFERENCES intel_cases(id),
    parent_id TEXT REFERENCES intel_messages(id),
    owner_agency TEXT NOT NULL REFERENCES agencies(code),
    handling TEXT NOT NULL CHECK (handling IN ('CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED')),
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    reliability TEXT NOT NULL CHECK (reliability IN ('A', 'B', 'C', 'X')),
    credibility TEXT NOT NULL CHECK (credibility IN ('1', '2', '3', '4')),
    -- SIENA's handling restrictions: 1 when the owner's consent is needed.
    no_onward_sharing BIGINT NOT NULL CHECK (no_onward_sharing IN (0, 1)),
    no_court_use BIGINT NOT NULL CHECK (no_court_use IN (0, 1)),
    -- 1 when each addressee may see the others; else each sees the sender and itself.
    distribution_visible BIGINT NOT NULL CHECK (distribution_visible IN (0, 1)),
    names_person BIGINT NOT NULL CHECK (names_person IN (0, 1)),
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX intel_messages_owner ON intel_messages (owner_agency, created_at);
CREATE INDEX intel_messages_case ON intel_messages (case_id, created_at);
CREATE INDEX intel_messages_parent ON intel_messages (parent_id);

-- What a message names: entered by the sender or found in its text. An invalid value is kept
-- with its reason and no key (normalised NULL): never matched.
CREATE TABLE intel_entities (
    message_id TEXT NOT NULL REFERENCES intel_messages(id),
    position BIGINT NOT NULL,
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    normalised TEXT,
    reason TEXT NOT NULL,
    note TEXT NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('entered', 'extracted')),
    PRIMARY KEY (message_id, position)
);
CREATE INDEX intel_entities_key ON intel_entities (kind, normalised);

-- The first read of a message by each user of another agency than its sender's.
CREATE TABLE intel_reads (
    message_id TEXT NOT NULL REFERENCES intel_messages(id),
    username TEXT NOT NULL,
    agency TEXT NOT NULL REFERENCES agencies(code),
    read_at BIGINT NOT NULL,
    PRIMARY KEY (message_id, username)
);

-- Hit/no-hit: one row for each agency told. `message_id` and the entity are the agency's
-- own; of the other record only its agency and TLP code are shown (other_message_id is kept
-- for the owner's decision to share, never answered to the other side). The two rows of one
-- hit share `pair`.
CREATE TABLE intel_hits (
    id TEXT PRIMARY KEY,
    pair TEXT NOT NULL,
    agency TEXT NOT NULL REFERENCES agencies(code),
    message_id TEXT NOT NULL REFERENCES intel_messages(id),
    kind TEXT NOT NULL,
    normalised TEXT NOT NULL,
    other_agency TEXT NOT NULL REFERENCES agencies(code),
    other_handling TEXT NOT NULL,
    other_message_id TEXT NOT NULL REFERENCES intel_messages(id),
    created_at BIGINT NOT NULL
);
CREATE INDEX intel_hits_agency ON intel_hits (agency, created_at);
CREATE INDEX intel_hits_pair ON intel_hits (pair);
