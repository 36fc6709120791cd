-- The directory of specialised anti-smuggling units (the G7 plan's network): each kept by its
-- agency, read by every agency of the partnership. `competences` and `languages` are
-- space-separated codes; the country is the agency's.
CREATE TABLE intel_units (
    id TEXT PRIMARY KEY,
    agency TEXT NOT NULL REFERENCES agencies(code),
    name TEXT NOT NULL,
    country TEXT NOT NULL,
    competences TEXT NOT NULL,
    languages TEXT NOT NULL,
    contact TEXT NOT NULL,
    phone TEXT NOT NULL,
    email TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX intel_units_agency ON intel_units (agency);
