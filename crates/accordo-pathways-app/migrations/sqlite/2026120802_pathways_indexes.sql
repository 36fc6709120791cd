-- The labour offices' list of every application, newest first, reads an index rather than
-- sorting a click day's hundreds of thousands of rows.
CREATE INDEX pathways_applications_created ON pathways_applications (created_at);
