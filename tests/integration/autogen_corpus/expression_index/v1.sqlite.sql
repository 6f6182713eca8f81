CREATE TABLE account (
    id INTEGER NOT NULL PRIMARY KEY,
    email VARCHAR(100) NOT NULL,
    first_name VARCHAR(40),
    last_name VARCHAR(40)
);
CREATE INDEX ix_account_name ON account (last_name, first_name);
