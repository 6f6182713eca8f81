CREATE TABLE author (
    id INTEGER NOT NULL PRIMARY KEY,
    name VARCHAR(50) NOT NULL DEFAULT 'anon',
    born DATE,
    rating NUMERIC(4, 1),
    CONSTRAINT uq_author_name UNIQUE (name),
    CONSTRAINT ck_author_rating CHECK (rating >= 0)
);
CREATE TABLE book (
    id INTEGER NOT NULL PRIMARY KEY,
    title VARCHAR(100) NOT NULL,
    author_id INTEGER NOT NULL,
    pages INTEGER DEFAULT 0,
    summary TEXT,
    CONSTRAINT fk_book_author FOREIGN KEY (author_id) REFERENCES author (id) ON DELETE CASCADE
);
CREATE INDEX ix_book_title ON book (title);
CREATE UNIQUE INDEX ux_book_author_title ON book (author_id, title);
CREATE TABLE book_tag (
    book_id INTEGER NOT NULL REFERENCES book (id),
    tag VARCHAR(20) NOT NULL,
    PRIMARY KEY (book_id, tag)
);
