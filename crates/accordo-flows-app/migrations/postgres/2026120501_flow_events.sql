-- Events recorded on the platform by coast guards and police: a landing, an interception, a
-- rescue, a detection or a prevented departure. Owned by the reporting agency and shared
-- under TLP 2.0 (handling) with the addressees in record_addressees (kind 'flow_event');
-- their sums by day, week, month and year are the series of source PLATFORM, which every
-- reader of the statistics reads. Coordinates are millionths of a degree. A withdrawn event
-- (recorded in error) stays, out of every sum.
CREATE TABLE flow_events (
    id TEXT PRIMARY KEY,
    owner_agency TEXT NOT NULL REFERENCES agencies(code),
    handling TEXT NOT NULL CHECK (handling IN ('CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED')),
    occurred_on TEXT NOT NULL,
    kind TEXT NOT NULL,
    route TEXT NOT NULL,
    border TEXT NOT NULL,
    place TEXT NOT NULL,
    latitude_e6 BIGINT NOT NULL,
    longitude_e6 BIGINT NOT NULL,
    departure_country TEXT NOT NULL,
    vessel TEXT NOT NULL,
    people BIGINT NOT NULL CHECK (people >= 0),
    dead BIGINT NOT NULL CHECK (dead >= 0),
    missing BIGINT NOT NULL CHECK (missing >= 0),
    created_at BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    withdrawn_at BIGINT,
    withdrawn_by TEXT
);
CREATE INDEX flow_events_by_date ON flow_events (occurred_on);
CREATE INDEX flow_events_owner ON flow_events (owner_agency, occurred_on);

-- An event's people by nationality, where known (at most its people in all).
CREATE TABLE flow_event_people (
    event_id TEXT NOT NULL REFERENCES flow_events(id),
    nationality TEXT NOT NULL,
    count BIGINT NOT NULL CHECK (count > 0),
    PRIMARY KEY (event_id, nationality)
);
