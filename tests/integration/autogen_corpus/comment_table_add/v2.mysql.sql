CREATE TABLE invoice (
    id INTEGER NOT NULL PRIMARY KEY,
    total INTEGER
) COMMENT='Invoices sent to customers';
