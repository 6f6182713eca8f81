INSERT INTO author (id, name, legacy) VALUES (1, 'Ann', 'x');
INSERT INTO author (id, name, legacy) VALUES (2, 'Bob', NULL);
INSERT INTO book (id, title, author_id) VALUES (1, 'T1', 1);
INSERT INTO book (id, title, author_id) VALUES (2, 'T2', 2);
