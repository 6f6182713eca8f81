CREATE TYPE mood AS ENUM ('sad', 'meh', 'ok', 'happy');
CREATE TABLE diary (
    id INTEGER NOT NULL PRIMARY KEY,
    feeling mood NOT NULL DEFAULT 'ok',
    previous mood
);
CREATE INDEX ix_diary_feeling ON diary (feeling);
