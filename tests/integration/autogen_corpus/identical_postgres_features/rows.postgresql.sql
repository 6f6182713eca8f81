INSERT INTO "user" (id, "UserName") VALUES (1, 'Ann');
