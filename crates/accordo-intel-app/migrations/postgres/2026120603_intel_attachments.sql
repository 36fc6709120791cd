-- A message's attachments: each with its declared (and checked) media type, its size and
-- the SHA-256 of its content, which is kept in base64 (the schema has text and integers
-- only).
CREATE TABLE intel_attachments (
    id TEXT PRIMARY KEY,
    message_id TEXT NOT NULL REFERENCES intel_messages(id),
    position BIGINT NOT NULL,
    name TEXT NOT NULL,
    media_type TEXT NOT NULL,
    size BIGINT NOT NULL CHECK (size > 0),
    sha256 TEXT NOT NULL,
    content TEXT NOT NULL,
    UNIQUE (message_id, position)
);
