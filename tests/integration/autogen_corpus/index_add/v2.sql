CREATE TABLE event (
    id INTEGER NOT NULL PRIMARY KEY,
    kind VARCHAR(20) NOT NULL,
    at_day DATE,
    score INTEGER
);
CREATE INDEX ix_event_kind ON event (kind);
CREATE INDEX ix_event_kind_day ON event (kind, at_day);
CREATE UNIQUE INDEX ux_event_score ON event (score);
