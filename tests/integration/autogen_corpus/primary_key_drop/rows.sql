INSERT INTO tag (id, name) VALUES (1, 'red');
INSERT INTO tag (id, name) VALUES (2, 'blue');
