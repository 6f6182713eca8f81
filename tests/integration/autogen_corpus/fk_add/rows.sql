INSERT INTO author (id, name) VALUES (1, 'Le Guin');
INSERT INTO book (id, title, author_id) VALUES (1, 'Earthsea', 1);
INSERT INTO book (id, title, author_id) VALUES (2, 'Anon', NULL);
