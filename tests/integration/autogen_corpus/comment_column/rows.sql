INSERT INTO invoice (id, total, currency) VALUES (1, 10, 'EUR');
