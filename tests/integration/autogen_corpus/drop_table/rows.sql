INSERT INTO account (id, email) VALUES (1, 'a@example.com');
