INSERT INTO employee (id, name) VALUES (1, 'Boss');
INSERT INTO employee (id, name) VALUES (2, 'Worker');
