INSERT INTO diary (id, feeling, previous) VALUES (1, 'happy', 'sad');
INSERT INTO diary (id) VALUES (2);
