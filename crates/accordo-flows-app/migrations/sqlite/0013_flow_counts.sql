-- The published series of arrivals and detections: one row per figure of a source, for a
-- period (freq: month or year), a route and sea or land ('' for a national series) and a
-- nationality ('' for the total; 'OTH' for the published "other nationalities"). A source's
-- figures are never added to another's; a later import of the same figure replaces it.
CREATE TABLE flow_counts (
    source TEXT NOT NULL,
    freq TEXT NOT NULL,
    period TEXT NOT NULL,
    route TEXT NOT NULL,
    border TEXT NOT NULL,
    nationality TEXT NOT NULL,
    count BIGINT NOT NULL CHECK (count >= 0),
    basis TEXT NOT NULL,
    imported_at BIGINT NOT NULL,
    PRIMARY KEY (source, freq, period, route, border, nationality)
);
CREATE INDEX flow_counts_by_nationality ON flow_counts (source, nationality, freq, period);
