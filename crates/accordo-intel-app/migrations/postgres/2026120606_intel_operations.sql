-- Joint operations (Italian and Turkish coast guards off Libya): led by the agency that
-- records it, read by the agencies taking part (their addressee rows, as a case's). The area
-- is a simple polygon, `LAT LON` vertices one a line (`accordo_intel::area`).
CREATE TABLE intel_operations (
    id TEXT PRIMARY KEY,
    owner_agency TEXT NOT NULL REFERENCES agencies(code),
    handling TEXT NOT NULL CHECK (handling = 'AMBER+STRICT'),
    name TEXT NOT NULL,
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    area TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX intel_operations_owner ON intel_operations (owner_agency, created_at);

-- What happened in an operation, recorded by a participating agency. An interception or a
-- rescue is an event of the flows pillar (`flow_event_id`), where its date, place and
-- people are kept, once, and counted in the flows' series: here it has none of them. An
-- arrest or a seizure is the operation's alone, with its date, place and people arrested.
CREATE TABLE intel_operation_events (
    id TEXT PRIMARY KEY,
    operation_id TEXT NOT NULL REFERENCES intel_operations(id),
    agency TEXT NOT NULL REFERENCES agencies(code),
    kind TEXT NOT NULL CHECK (kind IN ('interception', 'rescue', 'arrest', 'seizure')),
    flow_event_id TEXT UNIQUE REFERENCES flow_events(id),
    occurred_on TEXT,
    place TEXT,
    latitude_e6 BIGINT,
    longitude_e6 BIGINT,
    arrested BIGINT CHECK (arrested >= 0),
    description TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    CHECK ((kind IN ('interception', 'rescue')) = (flow_event_id IS NOT NULL)),
    CHECK ((flow_event_id IS NULL) = (occurred_on IS NOT NULL AND place IS NOT NULL
        AND latitude_e6 IS NOT NULL AND longitude_e6 IS NOT NULL AND arrested IS NOT NULL))
);
CREATE INDEX intel_operation_events_operation ON intel_operation_events (operation_id);
