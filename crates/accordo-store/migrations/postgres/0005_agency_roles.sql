-- The roles an agency's users may hold, granted by the operator's administrator. An agency
-- administrator grants its users only these, so a partner's ministry is a readmission
-- authority only once the operator has made it one.
ALTER TABLE agencies ADD COLUMN roles TEXT NOT NULL DEFAULT '';

-- The operator's agency holds every role.
UPDATE agencies SET roles = 'admin,analyst,officer,caseworker,partner_authority,monitor,employer'
WHERE operator = 1;

-- Every other agency keeps what its users hold today, and may have its own administrator.
UPDATE agencies SET roles = 'admin' WHERE operator = 0;
UPDATE agencies SET roles = roles || ',analyst' WHERE operator = 0
  AND EXISTS (SELECT 1 FROM users u WHERE u.agency = agencies.code AND (',' || u.roles || ',') LIKE '%,analyst,%');
UPDATE agencies SET roles = roles || ',officer' WHERE operator = 0
  AND EXISTS (SELECT 1 FROM users u WHERE u.agency = agencies.code AND (',' || u.roles || ',') LIKE '%,officer,%');
UPDATE agencies SET roles = roles || ',caseworker' WHERE operator = 0
  AND EXISTS (SELECT 1 FROM users u WHERE u.agency = agencies.code AND (',' || u.roles || ',') LIKE '%,caseworker,%');
UPDATE agencies SET roles = roles || ',partner_authority' WHERE operator = 0
  AND EXISTS (SELECT 1 FROM users u WHERE u.agency = agencies.code AND (',' || u.roles || ',') LIKE '%,partner_authority,%');
UPDATE agencies SET roles = roles || ',monitor' WHERE operator = 0
  AND EXISTS (SELECT 1 FROM users u WHERE u.agency = agencies.code AND (',' || u.roles || ',') LIKE '%,monitor,%');
UPDATE agencies SET roles = roles || ',employer' WHERE operator = 0
  AND EXISTS (SELECT 1 FROM users u WHERE u.agency = agencies.code AND (',' || u.roles || ',') LIKE '%,employer,%');
