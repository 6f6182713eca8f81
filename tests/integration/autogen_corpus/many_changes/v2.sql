CREATE TABLE author (
    id INTEGER NOT NULL PRIMARY KEY,
    name VARCHAR(120) NOT NULL,
    country VARCHAR(2) DEFAULT 'fr',
    CONSTRAINT uq_author_name UNIQUE (name)
);
CREATE TABLE book (
    id INTEGER NOT NULL PRIMARY KEY,
    title VARCHAR(100) NOT NULL,
    author_id INTEGER,
    pages INTEGER,
    CONSTRAINT fk_book_author FOREIGN KEY (author_id) REFERENCES author (id) ON DELETE SET NULL,
    CONSTRAINT ck_book_pages CHECK (pages > 0)
);
CREATE INDEX ix_book_author ON book (author_id);
CREATE TABLE review (
    id INTEGER NOT NULL PRIMARY KEY,
    book_id INTEGER NOT NULL REFERENCES book (id) ON DELETE CASCADE,
    stars SMALLINT NOT NULL
);
