-- PostgreSQL's index of idempotency keys now begins with the key (its statistics lagged and it
-- read the agency's every submission). SQLite looks the keys up by both columns of its index
-- as it is (`SEARCH … (owner_agency=? AND idempotency_key=?)`), and a table's inline UNIQUE
-- cannot be dropped without copying the table: nothing changes here.
SELECT 1;
