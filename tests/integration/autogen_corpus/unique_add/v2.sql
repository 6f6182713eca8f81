CREATE TABLE customer (
    id INTEGER NOT NULL PRIMARY KEY,
    email VARCHAR(120) NOT NULL,
    code VARCHAR(10) NOT NULL,
    region VARCHAR(10) NOT NULL,
    CONSTRAINT uq_customer_email UNIQUE (email),
    CONSTRAINT uq_customer_code_region UNIQUE (code, region)
);
