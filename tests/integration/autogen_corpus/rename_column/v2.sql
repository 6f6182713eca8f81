CREATE TABLE city (
    id INTEGER NOT NULL PRIMARY KEY,
    population INTEGER,
    name VARCHAR(50)
);
