-- The last time step whose second-factor code was accepted: a code is accepted once, and
-- never one of an earlier step (RFC 6238, section 5.2).
ALTER TABLE users ADD COLUMN totp_last_step BIGINT;
