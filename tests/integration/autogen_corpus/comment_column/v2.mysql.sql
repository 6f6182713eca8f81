CREATE TABLE invoice (
    id INTEGER NOT NULL PRIMARY KEY,
    total INTEGER COMMENT 'In cents',
    currency VARCHAR(3) COMMENT 'ISO 4217 code'
);
