CREATE TABLE city (
    id INTEGER NOT NULL PRIMARY KEY,
    nm VARCHAR(50),
    population INTEGER
);
