CREATE TABLE invoice (
    id INTEGER NOT NULL PRIMARY KEY,
    total INTEGER
) COMMENT='old comment';
