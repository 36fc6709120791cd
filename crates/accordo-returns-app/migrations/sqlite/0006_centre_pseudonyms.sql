-- Each centre names the cases staying there by a pseudonym keyed with its own secret, so
-- that a monitor's case reference cannot be joined to a case id seen elsewhere.
ALTER TABLE centres ADD COLUMN pseudonym_key TEXT NOT NULL DEFAULT '';
UPDATE centres SET pseudonym_key = lower(hex(randomblob(32)));
