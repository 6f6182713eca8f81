INSERT INTO flag (id, state) VALUES (1, 'on');
