INSERT INTO invoice (id, total) VALUES (1, 10);
