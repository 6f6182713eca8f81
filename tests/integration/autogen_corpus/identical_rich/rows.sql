INSERT INTO author (id, name, born, rating) VALUES (1, 'Ann', '1950-01-01', 4.5);
INSERT INTO book (id, title, author_id, pages) VALUES (1, 'T', 1, 100);
INSERT INTO book_tag (book_id, tag) VALUES (1, 'sf');
