INSERT INTO customer (id, email, code, region) VALUES (1, 'a@x.org', 'A', 'eu');
INSERT INTO customer (id, email, code, region) VALUES (2, 'b@x.org', 'A', 'us');
