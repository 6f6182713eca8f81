INSERT INTO job (id, state, queue) VALUES (1, 'pending', 'q1');
INSERT INTO job (id, state, queue) VALUES (2, 'running', 'q1');
