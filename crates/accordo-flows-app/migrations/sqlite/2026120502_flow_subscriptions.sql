-- Early-warning subscriptions: a user follows a forecast series (ITA/total,
-- FRONTEX/<route>, FRONTEX/nationality/<code>) and sees its warnings on the home page and in
-- notifications. flow_alerts_sent remembers which warnings each subscriber was told of (or
-- already saw when subscribing), so that a warning is notified once, whatever restarts.
CREATE TABLE flow_subscriptions (
    user_id TEXT NOT NULL REFERENCES users(id),
    agency TEXT NOT NULL REFERENCES agencies(code),
    series TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, series)
);
CREATE INDEX flow_subscriptions_series ON flow_subscriptions (series);
CREATE TABLE flow_alerts_sent (
    user_id TEXT NOT NULL REFERENCES users(id),
    series TEXT NOT NULL,
    alert TEXT NOT NULL,
    sent_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, series, alert)
);
