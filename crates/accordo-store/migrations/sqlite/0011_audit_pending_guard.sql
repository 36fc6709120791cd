-- An audit entry waiting to be chained is not changed: the sealer moves it (DELETE) into the
-- chain as it was committed.
CREATE TRIGGER audit_pending_no_update BEFORE UPDATE ON audit_pending
BEGIN
    SELECT RAISE(ABORT, 'audit_pending is append-only');
END;
