-- A notification is kept as a message of the catalogues with its arguments (JSON `{id, args}`),
-- so that each reader gets it in their own language. Notifications made before keep their
-- English title and body, shown as they stand.
ALTER TABLE notifications ADD COLUMN message TEXT;
