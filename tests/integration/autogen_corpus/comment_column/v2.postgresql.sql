CREATE TABLE invoice (
    id INTEGER NOT NULL PRIMARY KEY,
    total INTEGER,
    currency VARCHAR(3)
);
COMMENT ON COLUMN invoice.total IS 'In cents';
COMMENT ON COLUMN invoice.currency IS 'ISO 4217 code';
