CREATE TABLE stock (
    id INTEGER NOT NULL PRIMARY KEY,
    qty INTEGER NOT NULL,
    lo INTEGER,
    hi INTEGER,
    CONSTRAINT ck_stock_qty CHECK (qty >= 0),
    CONSTRAINT ck_stock_range CHECK (lo <= hi)
);
