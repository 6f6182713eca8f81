INSERT INTO item (id, label, price, note) VALUES (1, 'one', 1.50, 'n1');
INSERT INTO item (id, label, price, note) VALUES (2, 'two', NULL, NULL);
