INSERT INTO invoice (id, note) VALUES (1, 'paid');
