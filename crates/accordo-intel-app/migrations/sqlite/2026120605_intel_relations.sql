-- What a message states between two of its entities (`accordo_intel::relation`): its
-- subject and object by kind and normalised key, both entities of the message.
CREATE TABLE intel_relations (
    message_id TEXT NOT NULL REFERENCES intel_messages(id),
    position BIGINT NOT NULL,
    subject_kind TEXT NOT NULL,
    subject_key TEXT NOT NULL,
    relation TEXT NOT NULL CHECK (relation IN ('uses', 'owns', 'paid-to', 'travelled-with')),
    object_kind TEXT NOT NULL,
    object_key TEXT NOT NULL,
    PRIMARY KEY (message_id, position)
);
