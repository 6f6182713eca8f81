INSERT INTO city (id, nm, population) VALUES (1, 'Lyon', 500000);
