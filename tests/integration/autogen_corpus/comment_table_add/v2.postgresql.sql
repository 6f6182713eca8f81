CREATE TABLE invoice (
    id INTEGER NOT NULL PRIMARY KEY,
    total INTEGER
);
COMMENT ON TABLE invoice IS 'Invoices sent to customers';
