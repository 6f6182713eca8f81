INSERT INTO counter (id, hits, small) VALUES (1, 100, 3);
INSERT INTO counter (id, hits, small) VALUES (2, 2000000000, NULL);
