INSERT INTO membership (group_id, user_id, role) VALUES (1, 10, 'admin');
INSERT INTO membership (group_id, user_id, role) VALUES (2, 10, NULL);
