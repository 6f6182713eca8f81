INSERT INTO account (id, email) VALUES (1, 'a@example.com');
INSERT INTO account (id, email) VALUES (2, 'b@example.com');
