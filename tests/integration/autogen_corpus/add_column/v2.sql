CREATE TABLE item (
    id INTEGER NOT NULL PRIMARY KEY,
    label VARCHAR(50) NOT NULL,
    price NUMERIC(10, 2),
    note TEXT
);
