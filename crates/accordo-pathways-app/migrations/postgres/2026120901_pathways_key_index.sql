-- A click day's writer looks up a batch's idempotency keys within the employer's agency. The
-- unique index began with the agency, and PostgreSQL, whose statistics lag a table that grows by
-- thousands of rows a second, read it by the agency alone and filtered the keys: an
-- association (one agency) had every earlier submission read again for each batch (31 ms a
-- batch at 83,000 submissions, rising with each). Beginning with the key, the lookup is by
-- the key whatever the statistics say.
ALTER TABLE pathways_submissions
    DROP CONSTRAINT pathways_submissions_owner_agency_idempotency_key_key;
ALTER TABLE pathways_submissions
    ADD CONSTRAINT pathways_submissions_key_agency UNIQUE (idempotency_key, owner_agency);
