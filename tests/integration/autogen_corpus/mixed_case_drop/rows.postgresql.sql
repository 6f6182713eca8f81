INSERT INTO "Customer" ("Id", "FirstName", "LastName") VALUES (1, 'Ann', 'Lee');
