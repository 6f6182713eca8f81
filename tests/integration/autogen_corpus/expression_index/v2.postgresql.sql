CREATE TABLE account (
    id INTEGER NOT NULL PRIMARY KEY,
    email VARCHAR(100) NOT NULL,
    first_name VARCHAR(40),
    last_name VARCHAR(40)
);
CREATE UNIQUE INDEX ix_account_email_lower ON account (lower(email));
CREATE INDEX ix_account_name ON account (lower(last_name), first_name);
