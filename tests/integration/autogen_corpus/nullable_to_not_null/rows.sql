INSERT INTO person (id, name, nick) VALUES (1, 'Ann', 'a');
INSERT INTO person (id, name, nick) VALUES (2, 'Bob', 'b');
