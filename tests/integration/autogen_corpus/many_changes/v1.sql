CREATE TABLE author (
    id INTEGER NOT NULL PRIMARY KEY,
    name VARCHAR(50) NOT NULL,
    legacy VARCHAR(10)
);
CREATE TABLE book (
    id INTEGER NOT NULL PRIMARY KEY,
    title VARCHAR(100),
    author_id INTEGER
);
CREATE INDEX ix_book_title ON book (title);
CREATE TABLE obsolete (
    id INTEGER NOT NULL PRIMARY KEY
);
