INSERT INTO "user" (id, "UserName") VALUES (1, 'Ann');
INSERT INTO "user" (id, "UserName") VALUES (2, 'Bob');
