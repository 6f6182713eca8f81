CREATE TABLE event (
    id INTEGER NOT NULL PRIMARY KEY,
    kind VARCHAR(20) NOT NULL,
    at_day DATE,
    score INTEGER
);
