INSERT INTO item (id, label) VALUES (1, 'one');
INSERT INTO item (id, label) VALUES (2, 'two');
