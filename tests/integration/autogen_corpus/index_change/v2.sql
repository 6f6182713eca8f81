CREATE TABLE event (
    id INTEGER NOT NULL PRIMARY KEY,
    kind VARCHAR(20) NOT NULL,
    at_day DATE,
    score INTEGER
);
CREATE INDEX ix_event_a ON event (kind, score);
CREATE UNIQUE INDEX ix_event_b ON event (score);
