-- An audit entry waiting to be chained is not changed: the sealer moves it (DELETE) into the
-- chain as it was committed.
CREATE FUNCTION audit_pending_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_pending is append-only';
END;
$$;
CREATE TRIGGER audit_pending_no_update BEFORE UPDATE ON audit_pending
FOR EACH ROW EXECUTE FUNCTION audit_pending_append_only();
