INSERT INTO account (id, email, first_name, last_name) VALUES (1, 'Ada@example.com', 'Ada', 'Lovelace');
INSERT INTO account (id, email, first_name, last_name) VALUES (2, 'alan@example.com', 'Alan', 'Turing');
