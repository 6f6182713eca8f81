INSERT INTO setting (id, value, level) VALUES (1, 'x', 5);
