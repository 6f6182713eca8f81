INSERT INTO diary (id) VALUES (1);
