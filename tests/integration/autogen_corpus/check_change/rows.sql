INSERT INTO stock (id, qty, lo, hi) VALUES (1, 5, 1, 2);
