-- The online pillar (issue 20): posts captured by the partners' internet referral units, their
-- images, the referrals to the platforms (one per platform and address across all partners),
-- their outcomes, and the shared bank of confirmed adverts' image hashes with its hits.
CREATE TABLE online_items (
    id TEXT PRIMARY KEY,
    owner_agency TEXT NOT NULL REFERENCES agencies(code),
    url TEXT NOT NULL,
    url_key TEXT NOT NULL,
    platform TEXT NOT NULL,
    account TEXT NOT NULL,
    captured_at BIGINT NOT NULL,
    text TEXT NOT NULL,
    language TEXT NOT NULL,
    language_confidence TEXT NOT NULL,
    language_method TEXT NOT NULL,
    score BIGINT NOT NULL,
    details TEXT NOT NULL,
    cluster_id TEXT NOT NULL,
    joined_by TEXT NOT NULL,
    decision TEXT NOT NULL DEFAULT '',
    decision_reason TEXT NOT NULL DEFAULT '',
    decided_by TEXT NOT NULL DEFAULT '',
    decided_at BIGINT NOT NULL DEFAULT 0,
    referral_id TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX online_items_owner ON online_items (owner_agency, created_at);
CREATE INDEX online_items_url ON online_items (platform, url_key);
CREATE INDEX online_items_cluster ON online_items (cluster_id);

CREATE TABLE online_item_entities (
    item_id TEXT NOT NULL REFERENCES online_items(id),
    position BIGINT NOT NULL,
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    normalised TEXT NOT NULL,
    PRIMARY KEY (item_id, position)
);
CREATE INDEX online_item_entities_key ON online_item_entities (kind, normalised);

CREATE TABLE online_images (
    item_id TEXT NOT NULL REFERENCES online_items(id),
    position BIGINT NOT NULL,
    kind TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    pdq TEXT NOT NULL,
    quality BIGINT NOT NULL,
    PRIMARY KEY (item_id, position)
);

CREATE TABLE online_referrals (
    id TEXT PRIMARY KEY,
    platform TEXT NOT NULL,
    url_key TEXT NOT NULL,
    url TEXT NOT NULL,
    item_id TEXT NOT NULL REFERENCES online_items(id),
    owner_agency TEXT NOT NULL REFERENCES agencies(code),
    show_referrer BIGINT NOT NULL,
    category TEXT NOT NULL,
    reasons TEXT NOT NULL,
    trusted_flagger BIGINT NOT NULL,
    notifier_name TEXT NOT NULL,
    notifier_email TEXT NOT NULL,
    status TEXT NOT NULL,
    recheck_on TEXT NOT NULL,
    referred_at BIGINT NOT NULL,
    resolved_at BIGINT NOT NULL DEFAULT 0,
    created_by TEXT NOT NULL,
    UNIQUE (platform, url_key)
);
CREATE INDEX online_referrals_referred ON online_referrals (referred_at);

-- Another partner's item at an address already referred: it supports the referral instead of
-- sending a second notice (Europol's IRMa merges such duplicates).
CREATE TABLE online_referral_supporters (
    referral_id TEXT NOT NULL REFERENCES online_referrals(id),
    agency TEXT NOT NULL REFERENCES agencies(code),
    item_id TEXT NOT NULL REFERENCES online_items(id),
    joined_at BIGINT NOT NULL,
    PRIMARY KEY (referral_id, item_id)
);

CREATE TABLE online_outcomes (
    referral_id TEXT NOT NULL REFERENCES online_referrals(id),
    position BIGINT NOT NULL,
    status TEXT NOT NULL,
    reason TEXT NOT NULL,
    checked_on TEXT NOT NULL,
    recheck_on TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at BIGINT NOT NULL,
    PRIMARY KEY (referral_id, position)
);

-- The image hashes of adverts a partner referred, shared with every partner.
CREATE TABLE online_bank (
    referral_id TEXT NOT NULL REFERENCES online_referrals(id),
    position BIGINT NOT NULL,
    pdq TEXT NOT NULL,
    agency TEXT NOT NULL REFERENCES agencies(code),
    added_at BIGINT NOT NULL,
    PRIMARY KEY (referral_id, position)
);

-- A captured image matching another partner's confirmed advert: one row for each side, each
-- naming only the other side's agency.
CREATE TABLE online_bank_hits (
    id TEXT PRIMARY KEY,
    pair TEXT NOT NULL,
    agency TEXT NOT NULL REFERENCES agencies(code),
    other_agency TEXT NOT NULL REFERENCES agencies(code),
    own_record TEXT NOT NULL,
    distance BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX online_bank_hits_agency ON online_bank_hits (agency, created_at);
