CREATE TABLE region (
    country VARCHAR(2) NOT NULL,
    code VARCHAR(5) NOT NULL,
    name VARCHAR(50),
    PRIMARY KEY (country, code)
);
CREATE TABLE shop (
    id INTEGER NOT NULL PRIMARY KEY,
    country VARCHAR(2),
    code VARCHAR(5)
);
